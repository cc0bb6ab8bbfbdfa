//! Movements: the ledger's facts. Every change to a position is one movement with a reason.

use chrono::{DateTime, Utc};
use oms_core::{ChannelId, NodeId, Sku};
use serde::{Deserialize, Serialize};

use crate::{ReservationId, SupplyId, SupplyKind};

/// The condition of units on hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Good to sell.
    Sellable,
    /// Damaged: on hand but not for sale.
    Damaged,
    /// Held for inspection (a return, a recall): on hand but not for sale.
    Quarantined,
}

/// Why units held for a reservation were let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseCause {
    /// The holder cancelled (cart abandoned, order cancelled).
    Cancelled,
    /// The hold passed its expiry.
    Expired,
    /// The hold became an allocation at a routed node.
    Converted,
    /// The hold moved to another node to free this one for an allocation.
    Relocated,
    /// The allocation moved to another node.
    Reallocated,
}

/// What a movement does to its position, and why. Serialized with a `"reason"` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Units arrived (a goods receipt), against a supply when given.
    Receive {
        /// Units received.
        quantity: u32,
        /// The purchase order or shipment they arrived on; its expected quantity drops.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supply: Option<SupplyId>,
    },
    /// Sellable units found or lost, relative to the books.
    Adjust {
        /// Units added (positive) or removed (negative).
        delta: i64,
    },
    /// An absolute count of all units on hand (sellable and not).
    Count {
        /// Units counted.
        counted: u32,
        /// On hand before the count: the count's difference is `counted - previous`.
        previous: u32,
    },
    /// Units held for a reservation.
    Reserve {
        /// Units held.
        quantity: u32,
        /// The channel the reservation sells through.
        channel: ChannelId,
        /// When the reservation lapses, if it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<DateTime<Utc>>,
        /// Held at this node on purpose (pickup in store): the engine never moves it elsewhere.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pinned: bool,
    },
    /// Held units let go.
    Release {
        /// Units let go.
        quantity: u32,
        /// Why.
        cause: ReleaseCause,
    },
    /// Units committed to a reservation at this node: this node will ship them.
    Allocate {
        /// Units allocated.
        quantity: u32,
    },
    /// Allocated units let go.
    Deallocate {
        /// Units let go.
        quantity: u32,
        /// Why.
        cause: ReleaseCause,
    },
    /// Allocated units left the node.
    Ship {
        /// Units shipped.
        quantity: u32,
    },
    /// Returned units put back on hand, in the condition they came back in.
    ReturnToStock {
        /// Units returned.
        quantity: u32,
        /// Their condition.
        condition: Condition,
    },
    /// Sellable, uncommitted units sent to another node.
    TransferOut {
        /// Units sent.
        quantity: u32,
        /// The transfer.
        transfer: SupplyId,
        /// The receiving node.
        to: NodeId,
    },
    /// Units of a transfer arrived.
    TransferIn {
        /// Units received.
        quantity: u32,
        /// The transfer.
        transfer: SupplyId,
        /// The sending node.
        from: NodeId,
    },
    /// Units destroyed or lost for good.
    WriteOff {
        /// Units written off.
        quantity: u32,
        /// Which units.
        from: Condition,
    },
    /// Sellable units set aside as damaged or quarantined.
    SetAside {
        /// Units set aside.
        quantity: u32,
        /// Damaged or quarantined (sellable is refused).
        into: Condition,
    },
    /// Damaged or quarantined units made sellable again.
    Restore {
        /// Units restored.
        quantity: u32,
        /// Damaged or quarantined (sellable is refused).
        from: Condition,
    },
    /// Supply is expected at this node (replaces an earlier announcement of the same supply).
    ExpectSupply {
        /// The supply.
        supply: SupplyId,
        /// Purchase order, transfer or in transit.
        kind: SupplyKind,
        /// Units expected.
        quantity: u32,
        /// When.
        expected_at: DateTime<Utc>,
    },
    /// An expected supply will not come.
    CancelSupply {
        /// The supply.
        supply: SupplyId,
        /// Units that were still expected.
        quantity: u32,
    },
    /// The node's safety stock for the sku changed.
    SafetyStock {
        /// New safety stock.
        units: u32,
        /// Safety stock before.
        previous: u32,
    },
    /// Whether the node may promise the sku beyond its stock.
    Backorder {
        /// Backorders allowed.
        allowed: bool,
    },
}

impl Reason {
    /// The reason's tag as it appears in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Receive { .. } => "receive",
            Reason::Adjust { .. } => "adjust",
            Reason::Count { .. } => "count",
            Reason::Reserve { .. } => "reserve",
            Reason::Release { .. } => "release",
            Reason::Allocate { .. } => "allocate",
            Reason::Deallocate { .. } => "deallocate",
            Reason::Ship { .. } => "ship",
            Reason::ReturnToStock { .. } => "return_to_stock",
            Reason::TransferOut { .. } => "transfer_out",
            Reason::TransferIn { .. } => "transfer_in",
            Reason::WriteOff { .. } => "write_off",
            Reason::SetAside { .. } => "set_aside",
            Reason::Restore { .. } => "restore",
            Reason::ExpectSupply { .. } => "expect_supply",
            Reason::CancelSupply { .. } => "cancel_supply",
            Reason::SafetyStock { .. } => "safety_stock",
            Reason::Backorder { .. } => "backorder",
        }
    }

    /// How the movement changes on hand: the ledger sums these to on hand.
    pub fn on_hand_delta(&self) -> i64 {
        match *self {
            Reason::Receive { quantity, .. }
            | Reason::ReturnToStock { quantity, .. }
            | Reason::TransferIn { quantity, .. } => i64::from(quantity),
            Reason::Ship { quantity } | Reason::TransferOut { quantity, .. } | Reason::WriteOff { quantity, .. } => {
                -i64::from(quantity)
            }
            Reason::Adjust { delta } => delta,
            Reason::Count { counted, previous } => i64::from(counted) - i64::from(previous),
            _ => 0,
        }
    }

    /// True for the reasons that belong to a reservation (reserve, release, allocate,
    /// deallocate, ship): a [`Movement`] with one of them names its reservation.
    pub fn is_claim(&self) -> bool {
        matches!(
            self,
            Reason::Reserve { .. }
                | Reason::Release { .. }
                | Reason::Allocate { .. }
                | Reason::Deallocate { .. }
                | Reason::Ship { .. }
        )
    }
}

/// One change to one position (sku at node): an entry of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// The item.
    pub sku: Sku,
    /// The node.
    pub node: NodeId,
    /// The reservation the units belong to, for reserve, release, allocate, deallocate and ship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation: Option<ReservationId>,
    /// What changed and why.
    #[serde(flatten)]
    pub reason: Reason,
}

/// A position's address: an item at a node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PositionKey {
    /// The item.
    pub sku: Sku,
    /// The node.
    pub node: NodeId,
}

impl PositionKey {
    /// The key of `sku` at `node`.
    pub fn new(sku: Sku, node: NodeId) -> PositionKey {
        PositionKey { sku, node }
    }
}

impl std::fmt::Display for PositionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.sku, self.node)
    }
}
