//! Commands: what a host asks of the inventory. Serialized with a `"type"` tag in snake_case.

use chrono::{DateTime, Utc};
use oms_core::{ChannelId, NodeId, Sku};
use serde::{Deserialize, Serialize};

use crate::{Condition, ReservationId, SupplyId, SupplyKind};

/// What to do when a reservation cannot be served in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Every line in full, or nothing at all.
    #[default]
    AllOrNothing,
    /// As many units of each line as are available.
    AsMuchAsPossible,
}

/// One line of a reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveLine {
    /// The item.
    pub sku: Sku,
    /// Units wanted.
    pub quantity: u32,
    /// Hold at this node only (pickup in store); anywhere in the channel's pool when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
}

impl ReserveLine {
    /// A line of network stock.
    pub fn new(sku: Sku, quantity: u32) -> ReserveLine {
        ReserveLine { sku, quantity, node: None }
    }

    /// The same line pinned to one node.
    pub fn at(mut self, node: NodeId) -> ReserveLine {
        self.node = Some(node);
        self
    }
}

/// A request to hold stock for a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reserve {
    /// The reservation (a cart, a checkout, an order).
    pub reservation: ReservationId,
    /// The channel selling.
    pub channel: ChannelId,
    /// The lines; lines of the same sku are summed before checking.
    pub lines: Vec<ReserveLine>,
    /// When the holds lapse (see [`Command::Expire`]); never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// All or nothing (the default), or as much as possible.
    #[serde(default)]
    pub policy: Policy,
}

/// Units to allocate at a node chosen by routing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The item.
    pub sku: Sku,
    /// The routed node: its stock is the stock allocated.
    pub node: NodeId,
    /// Units.
    pub quantity: u32,
}

/// A command to the inventory engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Units arrived at a node.
    Receive {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units.
        quantity: u32,
        /// The purchase order or shipment they arrived on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supply: Option<SupplyId>,
    },
    /// Sellable units found (positive) or lost (negative).
    Adjust {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units added or removed.
        delta: i64,
    },
    /// All units on hand were counted.
    Count {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units counted, in any condition.
        counted: u32,
    },
    /// Sellable units set aside as damaged or quarantined.
    SetAside {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units.
        quantity: u32,
        /// Damaged or quarantined.
        into: Condition,
    },
    /// Damaged or quarantined units made sellable.
    Restore {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units.
        quantity: u32,
        /// Damaged or quarantined.
        from: Condition,
    },
    /// Units destroyed or lost for good.
    WriteOff {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units.
        quantity: u32,
        /// Which units.
        from: Condition,
    },
    /// Returned units put back at a node.
    ReturnToStock {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units.
        quantity: u32,
        /// Their condition.
        condition: Condition,
    },
    /// Units sent from one node to another; they are in transit at the receiving node.
    Transfer {
        /// The item.
        sku: Sku,
        /// The sending node.
        from: NodeId,
        /// The receiving node.
        to: NodeId,
        /// Units.
        quantity: u32,
        /// The transfer's id.
        transfer: SupplyId,
        /// When they should arrive.
        expected_at: DateTime<Utc>,
    },
    /// Units of a transfer arrived.
    ReceiveTransfer {
        /// The item.
        sku: Sku,
        /// The receiving node.
        node: NodeId,
        /// The sending node.
        from: NodeId,
        /// The transfer.
        transfer: SupplyId,
        /// Units.
        quantity: u32,
    },
    /// Supply announced (or re-announced) at a node.
    ExpectSupply {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// The supply.
        supply: SupplyId,
        /// Purchase order, transfer or in transit.
        kind: SupplyKind,
        /// Units.
        quantity: u32,
        /// When.
        expected_at: DateTime<Utc>,
    },
    /// An announced supply will not come.
    CancelSupply {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// The supply.
        supply: SupplyId,
    },
    /// Sets a node's safety stock for a sku.
    SetSafetyStock {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units kept back.
        units: u32,
    },
    /// Allows or forbids backorders of a sku at a node.
    SetBackorder {
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Allowed or not.
        allowed: bool,
    },
    /// Holds network stock for a channel. Reserving under a reservation that is open adds to
    /// it (an order reserving units it gained later); it must be for the same channel.
    Reserve(Reserve),
    /// Lets go of everything a reservation still holds or has allocated.
    Release {
        /// The reservation.
        reservation: ReservationId,
    },
    /// Lets go of some units of one sku (held units first, then allocated ones).
    ReleaseUnits {
        /// The reservation.
        reservation: ReservationId,
        /// The item.
        sku: Sku,
        /// Units.
        quantity: u32,
    },
    /// Lets go of units allocated at one node (a node rejected them, the order was cancelled):
    /// the node's stock is free again. The reservation's holds and its allocations elsewhere
    /// stay as they are.
    Deallocate {
        /// The reservation.
        reservation: ReservationId,
        /// The item.
        sku: Sku,
        /// The node they are allocated at.
        node: NodeId,
        /// Units.
        quantity: u32,
    },
    /// Turns held units into allocations at the nodes routing chose, all or nothing.
    Convert {
        /// The reservation.
        reservation: ReservationId,
        /// Units per routed node.
        allocations: Vec<Allocation>,
    },
    /// Moves allocated units to another node, if it has the stock.
    Reallocate {
        /// The reservation.
        reservation: ReservationId,
        /// The item.
        sku: Sku,
        /// The node they are allocated at.
        from: NodeId,
        /// The node to allocate them at.
        to: NodeId,
        /// Units.
        quantity: u32,
    },
    /// Allocated units shipped: on hand and allocated drop.
    Ship {
        /// The reservation.
        reservation: ReservationId,
        /// The item.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units.
        quantity: u32,
    },
    /// Releases the holds of every reservation whose expiry is at or before the command's time.
    Expire,
}

/// What a reservation got for one sku (its lines summed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedLine {
    /// The item.
    pub sku: Sku,
    /// Units asked for.
    pub requested: u64,
    /// Units held (less than asked only under [`Policy::AsMuchAsPossible`]).
    pub reserved: u64,
}

/// What a command did, besides its movements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The command's key was seen before: nothing changed.
    Duplicate,
    /// Stock moved (or, for a command with nothing to do, nothing needed to).
    Done,
    /// Units were held, per sku.
    Reserved {
        /// Per sku, in order of first appearance in the request.
        lines: Vec<ReservedLine>,
    },
    /// These reservations' holds lapsed.
    Expired {
        /// The reservations, oldest expiry first.
        reservations: Vec<ReservationId>,
    },
}
