//! Return commands: what a customer, agent, node or the host asks of an order's returns.

use oms_core::{LineId, NodeId};
use serde::{Deserialize, Serialize};

use crate::{ExchangeRequest, Inspection, ReceivedUnits, ReturnMethod, ReturnReason, RmaId, UnexpectedItem};

/// A request to change an order's returns. Serialized with a `"type"` tag in snake_case.
///
/// [`OrderReturns::decide`](crate::OrderReturns::decide) refuses it with a
/// [`ReturnError`](crate::ReturnError) or returns the events that carry it out. Expiry is not a
/// command: the host calls [`OrderReturns::expire`](crate::OrderReturns::expire) with the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReturnCommand {
    /// The customer asks to return units (and maybe exchange them). Approved at once when the
    /// policy auto-approves.
    Request {
        /// A new RMA id, unique across orders.
        rma: RmaId,
        /// How the goods come back.
        method: ReturnMethod,
        /// What comes back and why.
        lines: Vec<ReturnLineRequest>,
        /// What the customer wants instead of money, if anything.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exchange: Option<ExchangeRequest>,
    },
    /// An agent approves a requested RMA.
    Approve {
        /// The RMA.
        rma: RmaId,
    },
    /// An agent refuses a requested RMA.
    Reject {
        /// The RMA.
        rma: RmaId,
        /// Why, for the customer.
        reason: String,
    },
    /// The customer withdraws before sending anything.
    Cancel {
        /// The RMA.
        rma: RmaId,
        /// Why.
        reason: String,
    },
    /// The parcel left the customer (a carrier scan).
    Ship {
        /// The RMA.
        rma: RmaId,
        /// Carrier and tracking number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tracking: Option<String>,
    },
    /// Units arrived at a node. Units beyond those asked for, and lines not in the RMA, are
    /// recorded as unexpected.
    Receive {
        /// The RMA.
        rma: RmaId,
        /// Where they arrived.
        node: NodeId,
        /// Units per order line.
        #[serde(default)]
        items: Vec<ReceivedUnits>,
        /// Items that belong to no order line.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unexpected: Vec<UnexpectedItem>,
    },
    /// Every received unit gets a disposition.
    Inspect {
        /// The RMA.
        rma: RmaId,
        /// Outcomes that cover each line's received units exactly.
        inspections: Vec<Inspection>,
    },
    /// Settle the money: refund the received units, set an exchange against them.
    Refund {
        /// The RMA.
        rma: RmaId,
    },
    /// Close a refunded RMA (once the payment provider confirmed, say).
    Close {
        /// The RMA.
        rma: RmaId,
    },
}

/// One line of a return request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLineRequest {
    /// The order line.
    pub line: LineId,
    /// Units to return.
    pub quantity: u32,
    /// Why.
    pub reason: ReturnReason,
    /// The customer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ReturnLineRequest {
    /// A line request without a note.
    pub fn new(line: LineId, quantity: u32, reason: ReturnReason) -> ReturnLineRequest {
        ReturnLineRequest { line, quantity, reason, note: None }
    }
}

impl ReturnCommand {
    /// The RMA the command is about.
    pub fn rma(&self) -> &RmaId {
        match self {
            ReturnCommand::Request { rma, .. }
            | ReturnCommand::Approve { rma }
            | ReturnCommand::Reject { rma, .. }
            | ReturnCommand::Cancel { rma, .. }
            | ReturnCommand::Ship { rma, .. }
            | ReturnCommand::Receive { rma, .. }
            | ReturnCommand::Inspect { rma, .. }
            | ReturnCommand::Refund { rma }
            | ReturnCommand::Close { rma } => rma,
        }
    }
}
