//! Fulfillment orders: what one node does for an order, and the routing plan that creates them.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::line::Shortfall;
use crate::transitions::{FulfillmentStatus, FulfillmentTrigger, fulfillment_transition};
use crate::{Address, Buckets, FulfillmentOrderId, LineId, LineStatus, NodeId, ShipmentId};

/// How a node fulfils units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FulfillmentMethod {
    /// The node ships to the customer's address.
    Ship,
    /// The customer collects at the node (a store or locker).
    Pickup,
    /// The node ships to the customer's pickup store, where the customer collects.
    TransferToPickupStore,
}

impl FulfillmentMethod {
    /// Every method.
    pub const ALL: &'static [FulfillmentMethod] =
        &[FulfillmentMethod::Ship, FulfillmentMethod::Pickup, FulfillmentMethod::TransferToPickupStore];

    /// The method's name in snake_case.
    pub fn as_str(self) -> &'static str {
        match self {
            FulfillmentMethod::Ship => "ship",
            FulfillmentMethod::Pickup => "pickup",
            FulfillmentMethod::TransferToPickupStore => "transfer_to_pickup_store",
        }
    }

    /// True for methods where the customer collects at a store.
    pub fn is_pickup(self) -> bool {
        matches!(self, FulfillmentMethod::Pickup | FulfillmentMethod::TransferToPickupStore)
    }
}

impl fmt::Display for FulfillmentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Units of one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineQuantity {
    /// The line.
    pub line: LineId,
    /// How many units.
    pub quantity: u32,
}

impl LineQuantity {
    /// `quantity` units of `line`.
    pub fn new(line: LineId, quantity: u32) -> LineQuantity {
        LineQuantity { line, quantity }
    }
}

/// Where a fulfillment order's units go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    /// The customer's address.
    Address {
        /// Where to.
        address: Arc<Address>,
    },
    /// The pickup store.
    Store {
        /// The store.
        node: NodeId,
    },
}

/// One step of a routing plan: send `quantity` units of `line` to `node` by `method`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAllocation {
    /// The line.
    pub line: LineId,
    /// The node that fulfils them.
    pub node: NodeId,
    /// Units.
    pub quantity: u32,
    /// Ship, pickup at `node`, or transfer from `node` to the line's pickup store.
    pub method: FulfillmentMethod,
}

/// A routing plan as the order receives it. The order does not route: a router (such as
/// `oms-routing`, through the facade) decides, and the order records the plan with
/// [`OrderCommand::Allocate`](crate::OrderCommand::Allocate).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationPlan {
    /// The steps, applied in order.
    pub allocations: Vec<PlannedAllocation>,
}

/// A parcel that left a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The shipment, numbered within the order.
    pub id: ShipmentId,
    /// The carrier ("UPS", "DHL Express").
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking: String,
    /// What is in it.
    pub lines: Vec<LineQuantity>,
    /// True once the carrier delivered it (or, for a transfer, it reached the store).
    #[serde(default)]
    pub delivered: bool,
}

/// A line inside a fulfillment order, with what became of every unit ever assigned to it.
///
/// Units still there are `allocated`, `released`, `cancel_requested`, `shipped`,
/// `ready_for_pickup` or `delivered`; units that left count under `rejected` (the node
/// rejected or short-picked them), `open` (taken back to route again) or `cancelled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentLine {
    /// The order line.
    pub line: LineId,
    /// Units by status.
    pub buckets: Buckets,
}

/// What one node does for an order: one per node, method and destination while it is being
/// allocated; once released, a new allocation to the same node opens a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FulfillmentOrder {
    id: FulfillmentOrderId,
    node: NodeId,
    method: FulfillmentMethod,
    destination: Destination,
    status: FulfillmentStatus,
    lines: Vec<FulfillmentLine>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shipments: Vec<Shipment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ready_at: Option<DateTime<Utc>>,
}

/// Units of a fulfillment order still waiting at its node.
const AT_NODE: [LineStatus; 3] = [LineStatus::Allocated, LineStatus::Released, LineStatus::CancelRequested];

impl FulfillmentOrder {
    pub(crate) fn new(
        id: FulfillmentOrderId,
        node: NodeId,
        method: FulfillmentMethod,
        destination: Destination,
    ) -> FulfillmentOrder {
        FulfillmentOrder {
            id,
            node,
            method,
            destination,
            status: FulfillmentStatus::Created,
            lines: Vec::new(),
            shipments: Vec::new(),
            ready_at: None,
        }
    }

    /// The fulfillment order's id, unique within its order.
    pub fn id(&self) -> &FulfillmentOrderId {
        &self.id
    }

    /// The node fulfilling it.
    pub fn node(&self) -> &NodeId {
        &self.node
    }

    /// Ship, pickup or transfer.
    pub fn method(&self) -> FulfillmentMethod {
        self.method
    }

    /// Where the units go.
    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// The pickup store, for pickup and transfer orders.
    pub fn pickup_store(&self) -> Option<&NodeId> {
        match &self.destination {
            Destination::Store { node } => Some(node),
            Destination::Address { .. } => None,
        }
    }

    /// Where it is in its lifecycle.
    pub fn status(&self) -> FulfillmentStatus {
        self.status
    }

    /// Its lines.
    pub fn lines(&self) -> &[FulfillmentLine] {
        &self.lines
    }

    /// Units of `line` in `status` within this order.
    pub fn units(&self, line: &LineId, status: LineStatus) -> u32 {
        self.lines.iter().find(|l| &l.line == line).map_or(0, |l| l.buckets.get(status))
    }

    /// Units of every line in `status`.
    pub fn units_in(&self, status: LineStatus) -> u64 {
        self.lines.iter().map(|l| u64::from(l.buckets.get(status))).sum()
    }

    /// Units of every line in `status`, line by line (lines with none left out).
    pub fn line_quantities(&self, status: LineStatus) -> Vec<LineQuantity> {
        self.lines
            .iter()
            .filter(|l| l.buckets.get(status) > 0)
            .map(|l| LineQuantity::new(l.line.clone(), l.buckets.get(status)))
            .collect()
    }

    /// Its shipments, oldest first.
    pub fn shipments(&self) -> &[Shipment] {
        &self.shipments
    }

    /// When its units became ready for pickup.
    pub fn ready_at(&self) -> Option<DateTime<Utc>> {
        self.ready_at
    }

    /// True when the status is one the order cannot leave.
    pub fn is_closed(&self) -> bool {
        use FulfillmentStatus as S;
        matches!(self.status, S::Delivered | S::Collected | S::Expired | S::Rejected | S::Cancelled)
    }

    pub(crate) fn line_mut(&mut self, line: &LineId) -> &mut FulfillmentLine {
        let at = match self.lines.iter().position(|l| &l.line == line) {
            Some(at) => at,
            None => {
                self.lines.push(FulfillmentLine { line: line.clone(), buckets: Buckets::default() });
                self.lines.len() - 1
            }
        };
        // `at` indexes an element that exists: found above or just pushed.
        &mut self.lines[at]
    }

    pub(crate) fn move_units(
        &mut self,
        line: &LineId,
        from: LineStatus,
        to: LineStatus,
        quantity: u32,
    ) -> Result<(), Shortfall> {
        match self.lines.iter_mut().find(|l| &l.line == line) {
            Some(l) => l.buckets.move_units(from, to, quantity),
            None => Err(Shortfall { status: from, available: 0 }),
        }
    }

    /// Moves to the status the table gives for `trigger`.
    pub(crate) fn trigger(&mut self, trigger: FulfillmentTrigger) -> Result<(), String> {
        self.status = fulfillment_transition(self.method, self.status, trigger).ok_or_else(|| {
            format!("fulfillment order {} ({}) cannot {trigger} while {}", self.id, self.method, self.status)
        })?;
        Ok(())
    }

    /// The `close_*` trigger due when no unit waits at the node or the store any more.
    pub(crate) fn closing(&self, last: FulfillmentTrigger) -> Option<FulfillmentTrigger> {
        let waiting =
            AT_NODE.iter().map(|&s| self.units_in(s)).sum::<u64>() + self.units_in(LineStatus::ReadyForPickup);
        if waiting > 0 || self.is_closed() {
            return None;
        }
        let close = if self.units_in(LineStatus::Shipped) > 0 {
            (self.status != FulfillmentStatus::Shipped).then_some(FulfillmentTrigger::CloseInTransit)?
        } else if self.units_in(LineStatus::Delivered) > 0 {
            if self.method.is_pickup() {
                FulfillmentTrigger::CloseCollected
            } else {
                FulfillmentTrigger::CloseDelivered
            }
        } else if matches!(last, FulfillmentTrigger::Reject | FulfillmentTrigger::ShortPick) {
            FulfillmentTrigger::CloseRejected
        } else {
            FulfillmentTrigger::CloseCancelled
        };
        Some(close)
    }

    pub(crate) fn set_ready_at(&mut self, at: DateTime<Utc>) {
        self.ready_at = Some(at);
    }

    pub(crate) fn set_destination(&mut self, destination: Destination) {
        self.destination = destination;
    }

    pub(crate) fn push_shipment(&mut self, shipment: Shipment) {
        self.shipments.push(shipment);
    }

    pub(crate) fn shipment_mut(&mut self, id: &ShipmentId) -> Option<&mut Shipment> {
        self.shipments.iter_mut().find(|s| &s.id == id)
    }
}
