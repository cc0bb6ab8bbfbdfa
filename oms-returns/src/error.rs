//! Errors: rule refusals ([`ReturnError`]), store failures, and [`Error`] over both.

use std::fmt;

use chrono::{DateTime, Utc};
use oms_core::{LineId, Money, MoneyError, OrderId, Sku, Version};
use serde::{Deserialize, Serialize};

use crate::{ReturnMethod, ReturnReason, ReturnStoreError, RmaEventKind, RmaId, RmaStatus};

/// Why units of a line cannot be returned: the rule that refuses them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The sku is never taken back.
    NonReturnable {
        /// The sku.
        sku: Sku,
    },
    /// The sku was sold as final sale, and the reason is not the merchant's fault.
    FinalSale {
        /// The sku.
        sku: Sku,
    },
    /// The policy does not accept this reason.
    ReasonNotAccepted {
        /// The reason.
        reason: ReturnReason,
    },
    /// Nothing of the line has reached the customer yet.
    NotDelivered,
    /// Every delivered unit is already returned or in a return.
    AllReturned {
        /// Units delivered.
        delivered: u32,
    },
    /// The return window closed for every unit still with the customer.
    WindowClosed {
        /// When it closed for the last delivered units.
        closed_at: DateTime<Utc>,
    },
    /// Every unit slot of the line is already paid back (refunds made outside plus returns).
    NothingLeftToRefund,
    /// More units were asked for than may be returned.
    TooMany {
        /// Units asked for.
        requested: u32,
        /// Units that may be returned now.
        returnable: u32,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NonReturnable { sku } => write!(f, "sku {sku} is not returnable"),
            Refusal::FinalSale { sku } => write!(f, "sku {sku} was sold as final sale"),
            Refusal::ReasonNotAccepted { reason } => write!(f, "reason {reason} is not accepted"),
            Refusal::NotDelivered => f.write_str("nothing was delivered yet"),
            Refusal::AllReturned { delivered } => write!(f, "all {delivered} delivered units are already returned"),
            Refusal::WindowClosed { closed_at } => write!(f, "the return window closed at {closed_at}"),
            Refusal::NothingLeftToRefund => f.write_str("every unit is already paid back"),
            Refusal::TooMany { requested, returnable } => {
                write!(f, "{requested} units asked for but {returnable} may be returned")
            }
        }
    }
}

/// A return command refused by the rules, or an input that breaks its contract. Nothing was
/// written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReturnError {
    /// The [`ReturnableOrder`](crate::ReturnableOrder) breaks its contract (refused by
    /// [`ReturnableOrder::prepare`](crate::ReturnableOrder::prepare)).
    #[error("order {order}{}: {problem}", line.as_ref().map(|l| format!(" line {l}")).unwrap_or_default())]
    InvalidOrder {
        /// The order.
        order: OrderId,
        /// The line, when one is at fault.
        line: Option<LineId>,
        /// What is wrong.
        problem: String,
    },
    /// The policy is inconsistent.
    #[error("return policy {field}: {problem}")]
    InvalidPolicy {
        /// Path of the field.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// The order given is not the one these returns belong to.
    #[error("returns of order {returns} were given order {given}")]
    WrongOrder {
        /// The order the returns belong to.
        returns: OrderId,
        /// The order given.
        given: OrderId,
    },
    /// The command names a line the order does not have.
    #[error("order {order} has no line {line}")]
    UnknownLine {
        /// The order.
        order: OrderId,
        /// The line named.
        line: LineId,
    },
    /// The command names an RMA the order does not have.
    #[error("order {order} has no rma {rma}")]
    UnknownRma {
        /// The order.
        order: OrderId,
        /// The RMA named.
        rma: RmaId,
    },
    /// A request reuses an RMA id of this order.
    #[error("order {order} already has rma {rma}")]
    RmaExists {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
    },
    /// A request, receipt or inspection is malformed: no lines, a zero quantity, a line twice.
    #[error("order {order} rma {rma}{}: {problem}", line.as_ref().map(|l| format!(" line {l}")).unwrap_or_default())]
    InvalidCommand {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// The line, when one is at fault.
        line: Option<LineId>,
        /// What is wrong.
        problem: String,
    },
    /// Units of a line may not be returned: the refusal names the rule.
    #[error("order {order} line {line}: {refusal}")]
    Ineligible {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
        /// The rule.
        refusal: Refusal,
    },
    /// The return method is not offered.
    #[error("order {order} rma {rma}: returns by {method} are not offered")]
    MethodNotOffered {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// The method asked for.
        method: ReturnMethod,
    },
    /// The exchange asked for is not offered or does not fit the return.
    #[error("order {order} rma {rma}: exchange refused: {problem}")]
    ExchangeRefused {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// Why.
        problem: String,
    },
    /// The RMA's status does not allow this step (receiving on a rejected RMA, for one).
    #[error("order {order} rma {rma}: cannot record {action} when {status}")]
    InvalidTransition {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// Its status.
        status: RmaStatus,
        /// The step refused.
        action: RmaEventKind,
    },
    /// The RMA was refunded already.
    #[error("order {order} rma {rma} was already refunded")]
    AlreadyRefunded {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
    },
    /// Units of an RMA arrived at another node than earlier ones.
    #[error("order {order} rma {rma}: received at {node}, but earlier units arrived at {earlier}")]
    ReceivedElsewhere {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// The node of this receipt.
        node: oms_core::NodeId,
        /// The node of the earlier receipt.
        earlier: oms_core::NodeId,
    },
    /// An inspection does not cover exactly the units received on a line.
    #[error("order {order} rma {rma} line {line}: {inspected} units inspected but {received} received")]
    InspectionMismatch {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// The line.
        line: LineId,
        /// Units received.
        received: u32,
        /// Units the inspection covers.
        inspected: u64,
    },
    /// The refund would take the order's refunds past what was captured.
    #[error("order {order} rma {rma}: refund of {refund} exceeds the {available} left of what was captured")]
    RefundExceedsCaptured {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// The refund computed.
        refund: Money,
        /// Captured minus everything refunded so far.
        available: Money,
    },
    /// Units held by the RMA were since paid back outside this crate.
    #[error("order {order} rma {rma} line {line}: units held by the return were refunded outside it")]
    RefundedOutside {
        /// The order.
        order: OrderId,
        /// The RMA.
        rma: RmaId,
        /// The line.
        line: LineId,
    },
    /// An amount could not be computed (an overflow, or amounts not in minor units).
    #[error("order {order}: {source}")]
    Money {
        /// The order.
        order: OrderId,
        /// The money error.
        #[source]
        source: MoneyError,
    },
    /// A stored history does not rebuild valid returns (corrupt or foreign stream).
    #[error("returns of order {order} event {version}: {problem}")]
    InvalidHistory {
        /// The order.
        order: OrderId,
        /// Version of the offending event.
        version: Version,
        /// What does not fit.
        problem: String,
    },
}

/// Any failure of the return service: a refused command or the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rules refused the command; nothing was written.
    #[error(transparent)]
    Return(#[from] ReturnError),
    /// The store failed or refused the write (a version conflict, for one).
    #[error(transparent)]
    Store(#[from] ReturnStoreError),
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
