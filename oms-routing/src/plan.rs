//! Plans: what routing decided for one order.

use std::sync::Arc;

use oms_core::{LineId, NodeId, OrderId, Sku};
use serde::Serialize;

use crate::{Cost, Engine, Explanation, NodeIndex, Optimality};

/// How the order came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Every unit has a source.
    Routed,
    /// Some units have a source; the rest are backordered.
    Partial,
    /// Nothing was taken (with a backorder policy, every unit is backordered).
    Unfillable,
}

impl PlanStatus {
    /// The status as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Routed => "routed",
            PlanStatus::Partial => "partial",
            PlanStatus::Unfillable => "unfillable",
        }
    }
}

/// How a shipment reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShipmentKind {
    /// A warehouse or store ships to the customer (ship-from-store included).
    Ship,
    /// A vendor ships to the customer from its own stock (drop-ship).
    DropShip,
    /// A node transfers to the pickup point over lanes.
    Transfer,
    /// Units already at the pickup point.
    Collect,
}

/// Units of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineQuantity {
    /// The line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// Units.
    pub quantity: u32,
}

/// The units one node supplies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shipment {
    pub(crate) node: NodeId,
    #[serde(skip)]
    pub(crate) index: NodeIndex,
    pub(crate) kind: ShipmentKind,
    pub(crate) lines: Vec<LineQuantity>,
    pub(crate) cost: Cost,
}

impl Shipment {
    /// The source node.
    pub fn node(&self) -> &NodeId {
        &self.node
    }

    /// The source node's index in the network.
    pub fn index(&self) -> NodeIndex {
        self.index
    }

    /// Ship, drop-ship, transfer or collect.
    pub fn kind(&self) -> ShipmentKind {
        self.kind
    }

    /// Lines and units, in request order.
    pub fn lines(&self) -> &[LineQuantity] {
        &self.lines
    }

    /// Units in the shipment.
    pub fn units(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Shipment or transfer cost plus the units' handling costs.
    pub fn cost(&self) -> Cost {
        self.cost
    }
}

/// What routing decided for one order: shipments, backorders, cost, and the explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub(crate) order: OrderId,
    pub(crate) status: PlanStatus,
    pub(crate) shipments: Vec<Shipment>,
    pub(crate) backordered: Vec<LineQuantity>,
    pub(crate) cost: Cost,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) strategy: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) engine: Option<Engine>,
    pub(crate) explanation: Explanation,
}

impl Plan {
    /// The order.
    pub fn order(&self) -> &OrderId {
        &self.order
    }

    /// Routed, partial or unfillable.
    pub fn status(&self) -> PlanStatus {
        self.status
    }

    /// Shipments, sorted by node id.
    pub fn shipments(&self) -> &[Shipment] {
        &self.shipments
    }

    /// Units backordered, per line.
    pub fn backordered(&self) -> &[LineQuantity] {
        &self.backordered
    }

    /// Total cost of the shipments.
    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// Units routed.
    pub fn units(&self) -> u32 {
        self.shipments.iter().map(Shipment::units).sum()
    }

    /// The strategy that made the plan (`None` when none applied).
    pub fn strategy(&self) -> Option<&str> {
        self.strategy.as_deref()
    }

    /// The engine that made it.
    pub fn engine(&self) -> Option<Engine> {
        self.engine
    }

    /// Whether the plan is proven best: [`Optimality::Proven`] from the optimal engine,
    /// [`Optimality::Unproven`] when its search budget ran out first,
    /// [`Optimality::Heuristic`] from the greedy engine.
    pub fn optimality(&self) -> Optimality {
        self.explanation.record.last_optimality()
    }

    /// Why: each strategy tried, each candidate's verdict, each shortfall.
    pub fn explanation(&self) -> &Explanation {
        &self.explanation
    }

    /// Why units were not filled, in words (empty when the order was routed whole).
    pub fn reasons(&self) -> Vec<String> {
        self.explanation.reasons()
    }
}
