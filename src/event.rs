//! What the facade reports back for each command: the `Event` enum of the JSON API.

use oms_core::{DraftDifference, ModificationPreview, OrderEvent, OrderId, Version};
use oms_inventory::AvailabilityChanged;
use oms_returns::ReturnEvent;
use oms_routing::{Plan, PlanStatus, ShipmentKind};
use serde::Serialize;

/// Something a command did. Serialized with a `"type"` tag in snake_case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// An order event was recorded.
    Order {
        /// The order.
        order: OrderId,
        /// Its version.
        version: Version,
        /// The event.
        event: OrderEvent,
    },
    /// The channel order was captured before: nothing was written.
    AlreadyCaptured {
        /// The existing order.
        order: OrderId,
        /// Where the repeated draft differs.
        differences: Vec<DraftDifference>,
    },
    /// Routing chose nodes (the allocation follows as order events).
    Routed {
        /// The order.
        order: OrderId,
        /// The decision.
        plan: RoutedPlan,
    },
    /// What a channel shows for a sku changed.
    AvailabilityChanged(AvailabilityChanged),
    /// A return event was recorded.
    Return {
        /// The order.
        order: OrderId,
        /// Version of the order's return stream.
        version: Version,
        /// The event.
        event: ReturnEvent,
    },
    /// A modification's dry run: what it would record and the money it would move.
    ModificationPreview {
        /// The order.
        order: OrderId,
        /// The preview.
        preview: ModificationPreview,
    },
}

/// A routing decision, summarised for the JSON API (the full explanation is on
/// [`oms_routing::Plan`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutedPlan {
    /// Routed, partial or unfillable.
    pub status: PlanStatus,
    /// The strategy that produced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// Its cost, a decimal string.
    pub cost: String,
    /// The shipments.
    pub shipments: Vec<RoutedShipment>,
    /// Units no node could take.
    pub backordered: Vec<oms_routing::LineQuantity>,
    /// Why units were not routed, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// One shipment of a [`RoutedPlan`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutedShipment {
    /// The source node.
    pub node: oms_core::NodeId,
    /// Ship, drop-ship, transfer or collect.
    pub kind: ShipmentKind,
    /// Units per line.
    pub lines: Vec<oms_routing::LineQuantity>,
    /// Its cost, a decimal string.
    pub cost: String,
}

impl RoutedPlan {
    /// The summary of a plan.
    pub fn of(plan: &Plan) -> RoutedPlan {
        RoutedPlan {
            status: plan.status(),
            strategy: plan.strategy().map(str::to_owned),
            cost: plan.cost().to_string(),
            shipments: plan
                .shipments()
                .iter()
                .map(|s| RoutedShipment {
                    node: s.node().clone(),
                    kind: s.kind(),
                    lines: s.lines().to_vec(),
                    cost: s.cost().to_string(),
                })
                .collect(),
            backordered: plan.backordered().to_vec(),
            reasons: if plan.status() == PlanStatus::Routed { Vec::new() } else { plan.reasons() },
        }
    }
}
