//! Return events: the facts an order's returns are rebuilt from.

use chrono::{DateTime, Utc};
use oms_core::{Envelope, LineId, Money, NodeId, OrderId};
use serde::{Deserialize, Serialize};

use crate::{
    ExchangeRequest, Inspection, PaymentInstruction, PaymentReason, ReplacementDemand, RequestedLine, ReturnMethod,
    RmaEventKind, RmaId, Settlement, StockMovement, UnexpectedItem,
};

/// Something that happened to one of an order's RMAs. Serialized with a `"type"` tag in snake_case.
///
/// Events carry what the host must act on, already computed: stock movements
/// ([`ReturnEvent::stock_movements`]), payment instructions ([`ReturnEvent::payment`]) and
/// replacement demand ([`ReturnEvent::replacement`]), so an outbox reads them without
/// re-running any rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReturnEvent {
    /// A return was asked for; its lines hold unit slots.
    Requested {
        /// The RMA.
        rma: RmaId,
        /// How the goods come back.
        method: ReturnMethod,
        /// What comes back and why.
        lines: Vec<RequestedLine>,
        /// The exchange asked for, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exchange: Option<ExchangeRequest>,
    },
    /// Approved; the goods must arrive by `expires_at`.
    Approved {
        /// The RMA.
        rma: RmaId,
        /// When it expires if nothing arrived.
        expires_at: DateTime<Utc>,
        /// The replacement to ship now, for an advance exchange.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replacement: Option<ReplacementDemand>,
    },
    /// Refused; its units are free again.
    Rejected {
        /// The RMA.
        rma: RmaId,
        /// Why.
        reason: String,
    },
    /// Withdrawn; its units are free again.
    Cancelled {
        /// The RMA.
        rma: RmaId,
        /// Why.
        reason: String,
    },
    /// The parcel left the customer.
    Shipped {
        /// The RMA.
        rma: RmaId,
        /// Carrier and tracking number, as given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tracking: Option<String>,
    },
    /// Units arrived at a node.
    Received {
        /// The RMA.
        rma: RmaId,
        /// Where.
        node: NodeId,
        /// Expected units per line (never more than asked for).
        items: Vec<ReceivedUnits>,
        /// Everything else in the parcel.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unexpected: Vec<UnexpectedItem>,
    },
    /// Every received unit has a disposition; the stock movements follow from them.
    Inspected {
        /// The RMA.
        rma: RmaId,
        /// The outcomes.
        inspections: Vec<Inspection>,
        /// What the inventory must book, at the node that received the units.
        movements: Vec<StockMovement>,
    },
    /// Money was settled.
    Refunded {
        /// The RMA.
        rma: RmaId,
        /// Credit, exchange and payment.
        settlement: Box<Settlement>,
        /// The replacement to ship now, for an exchange that was not an advance one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replacement: Option<ReplacementDemand>,
    },
    /// Nothing arrived in time; its units are free again.
    Expired {
        /// The RMA.
        rma: RmaId,
        /// What to charge: the replacement of an advance exchange the customer keeps.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        charge: Option<Money>,
    },
    /// Done.
    Closed {
        /// The RMA.
        rma: RmaId,
    },
}

/// Units of a line that arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedUnits {
    /// The order line.
    pub line: LineId,
    /// How many.
    pub quantity: u32,
}

/// How an event changes the set of RMAs awaiting arrival, for stores that index it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrivalWatch {
    /// The RMA awaits goods until `due`.
    Start {
        /// The RMA.
        rma: RmaId,
        /// Its expiry.
        due: DateTime<Utc>,
    },
    /// The RMA no longer waits (goods arrived, or it ended).
    Stop {
        /// The RMA.
        rma: RmaId,
    },
}

impl ReturnEvent {
    /// The RMA the event is about.
    pub fn rma(&self) -> &RmaId {
        match self {
            ReturnEvent::Requested { rma, .. }
            | ReturnEvent::Approved { rma, .. }
            | ReturnEvent::Rejected { rma, .. }
            | ReturnEvent::Cancelled { rma, .. }
            | ReturnEvent::Shipped { rma, .. }
            | ReturnEvent::Received { rma, .. }
            | ReturnEvent::Inspected { rma, .. }
            | ReturnEvent::Refunded { rma, .. }
            | ReturnEvent::Expired { rma, .. }
            | ReturnEvent::Closed { rma } => rma,
        }
    }

    /// The lifecycle step it records.
    pub fn kind(&self) -> RmaEventKind {
        match self {
            ReturnEvent::Requested { .. } => RmaEventKind::Requested,
            ReturnEvent::Approved { .. } => RmaEventKind::Approved,
            ReturnEvent::Rejected { .. } => RmaEventKind::Rejected,
            ReturnEvent::Cancelled { .. } => RmaEventKind::Cancelled,
            ReturnEvent::Shipped { .. } => RmaEventKind::Shipped,
            ReturnEvent::Received { .. } => RmaEventKind::Received,
            ReturnEvent::Inspected { .. } => RmaEventKind::Inspected,
            ReturnEvent::Refunded { .. } => RmaEventKind::Refunded,
            ReturnEvent::Expired { .. } => RmaEventKind::Expired,
            ReturnEvent::Closed { .. } => RmaEventKind::Closed,
        }
    }

    /// Stock movements for the inventory (after inspection).
    pub fn stock_movements(&self) -> &[StockMovement] {
        match self {
            ReturnEvent::Inspected { movements, .. } => movements,
            _ => &[],
        }
    }

    /// The payment instruction for the host's payment provider, if money changes hands.
    pub fn payment(&self, order: &OrderId) -> Option<PaymentInstruction> {
        match self {
            ReturnEvent::Refunded { rma, settlement, .. } => {
                settlement.payment.instruction(order, rma, PaymentReason::Return)
            }
            ReturnEvent::Expired { rma, charge: Some(amount) } if !amount.is_zero() => {
                crate::Payment::Charge { amount: *amount }.instruction(
                    order,
                    rma,
                    PaymentReason::AdvanceExchangeNotReturned,
                )
            }
            _ => None,
        }
    }

    /// New outbound demand released by this event (an exchange's replacement).
    pub fn replacement(&self) -> Option<&ReplacementDemand> {
        match self {
            ReturnEvent::Approved { replacement, .. } | ReturnEvent::Refunded { replacement, .. } => {
                replacement.as_ref()
            }
            _ => None,
        }
    }

    /// How the event changes the RMAs awaiting arrival: approval starts the wait; receipt,
    /// expiry and cancellation end it.
    pub fn arrival_watch(&self) -> Option<ArrivalWatch> {
        match self {
            ReturnEvent::Approved { rma, expires_at, .. } => {
                Some(ArrivalWatch::Start { rma: rma.clone(), due: *expires_at })
            }
            ReturnEvent::Received { rma, .. }
            | ReturnEvent::Expired { rma, .. }
            | ReturnEvent::Cancelled { rma, .. } => Some(ArrivalWatch::Stop { rma: rma.clone() }),
            _ => None,
        }
    }
}

/// A return event as stored: with its version in the order's return stream, time and metadata.
pub type ReturnEnvelope = Envelope<ReturnEvent>;
