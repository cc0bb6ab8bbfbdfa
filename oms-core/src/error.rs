//! Errors: one enum per concern, and [`Error`] over all of them.

use crate::transitions::{FulfillmentStatus, FulfillmentTrigger};
use crate::{
    CaptureError, FulfillmentMethod, FulfillmentOrderId, HoldKind, LineId, LineStatus, ModificationId, MoneyError,
    NodeId, OrderId, ShipmentId, StoreError, Version,
};

/// A command the order refused. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderError {
    /// The command names a line the order does not have.
    #[error("order {order} has no line {line}")]
    UnknownLine {
        /// The order.
        order: OrderId,
        /// The line named.
        line: LineId,
    },
    /// The command asks to move zero units.
    #[error("order {order} line {line}: quantity must be at least 1")]
    ZeroQuantity {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
    },
    /// The statuses the command may take units from hold fewer than it asks for.
    #[error("order {order} line {line}: {requested} units asked for but {} holds only {available}", status_list(.statuses))]
    NotEnoughUnits {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
        /// The statuses that were looked at, in the order they are taken from.
        statuses: Vec<LineStatus>,
        /// Units asked for.
        requested: u32,
        /// Units those statuses hold.
        available: u64,
    },
    /// A fulfillment order holds fewer units of a line in the status the command takes from.
    #[error(
        "order {order} fulfillment order {fulfillment_order} line {line}: {requested} units asked for but {status} holds only {available}"
    )]
    NotEnoughUnitsAtNode {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The line.
        line: LineId,
        /// The status looked at.
        status: LineStatus,
        /// Units asked for.
        requested: u32,
        /// Units it holds.
        available: u32,
    },
    /// The command names a fulfillment order the order does not have.
    #[error("order {order} has no fulfillment order {fulfillment_order}")]
    UnknownFulfillmentOrder {
        /// The order.
        order: OrderId,
        /// The fulfillment order named.
        fulfillment_order: FulfillmentOrderId,
    },
    /// The command names a shipment the order does not have (or one already delivered).
    #[error("order {order} has no undelivered shipment {shipment}")]
    UnknownShipment {
        /// The order.
        order: OrderId,
        /// The shipment named.
        shipment: ShipmentId,
    },
    /// The fulfillment order's transition table has no such step from its status.
    #[error("order {order} fulfillment order {fulfillment_order} ({method}) cannot {trigger} while {status}")]
    FulfillmentTransition {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// Its method.
        method: FulfillmentMethod,
        /// Its status, which refused.
        status: FulfillmentStatus,
        /// What was asked.
        trigger: FulfillmentTrigger,
    },
    /// A hold stops the line from being allocated or released.
    #[error("order {order} line {line} is on {hold} hold")]
    OnHold {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
        /// The hold.
        hold: HoldKind,
    },
    /// A hold of this kind is already set.
    #[error("order {order} already has a {hold} hold")]
    HoldAlreadySet {
        /// The order.
        order: OrderId,
        /// The hold.
        hold: HoldKind,
    },
    /// No hold of this kind is set.
    #[error("order {order} has no {hold} hold to resolve")]
    HoldNotSet {
        /// The order.
        order: OrderId,
        /// The hold.
        hold: HoldKind,
    },
    /// The plan sends a line to a node that rejected or short-picked it.
    #[error("order {order} line {line}: node {node} is excluded (it rejected the line)")]
    NodeExcluded {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
        /// The node.
        node: NodeId,
    },
    /// The method does not fit how the line reaches the customer.
    #[error("order {order} line {line}: {method} does not fit: {problem}")]
    MethodMismatch {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
        /// The method asked for.
        method: FulfillmentMethod,
        /// What does not fit.
        problem: &'static str,
    },
    /// No unit is in a status the command could act on.
    #[error("order {order}: nothing to {action}{}", statuses_suffix(.statuses))]
    NothingToDo {
        /// The order.
        order: OrderId,
        /// What was asked.
        action: &'static str,
        /// The statuses that were looked at.
        statuses: Vec<LineStatus>,
    },
    /// A modification is waiting for nodes' answers; only one may be open at a time.
    #[error("order {order}: modification {modification} is still open")]
    ModificationPending {
        /// The order.
        order: OrderId,
        /// The open modification.
        modification: ModificationId,
    },
    /// No modification is open, or the fulfillment order is not one it waits for.
    #[error("order {order}: no open modification waits for {}", .fulfillment_order.as_ref().map_or("anything".to_owned(), |f| format!("fulfillment order {f}")))]
    NoPendingModification {
        /// The order.
        order: OrderId,
        /// The fulfillment order that answered, if any.
        fulfillment_order: Option<FulfillmentOrderId>,
    },
    /// A modification or plan is malformed (bad price, duplicate line id, invalid address, no change).
    #[error("order {order}{}: {problem}", line_suffix(.line))]
    Invalid {
        /// The order.
        order: OrderId,
        /// The line concerned, if any.
        line: Option<LineId>,
        /// What is wrong.
        problem: String,
    },
    /// Amounts could not be computed (a currency mismatch or an overflow).
    #[error("order {order}{}: {source}", line_suffix(.line))]
    Money {
        /// The order.
        order: OrderId,
        /// The line concerned, if any.
        line: Option<LineId>,
        /// The money error.
        source: MoneyError,
    },
    /// A stored history does not rebuild a valid order (corrupt or foreign stream).
    #[error("order {} event {version}: {problem}", order.as_ref().map_or("?", |o| o.as_str()))]
    InvalidHistory {
        /// The order, when known.
        order: Option<OrderId>,
        /// Version of the offending event.
        version: Version,
        /// What does not fit.
        problem: String,
    },
}

fn statuses_suffix(statuses: &[LineStatus]) -> String {
    if statuses.is_empty() { String::new() } else { format!(" (no units in {})", status_list(statuses)) }
}

fn line_suffix(line: &Option<LineId>) -> String {
    line.as_ref().map(|l| format!(" line {l}")).unwrap_or_default()
}

fn status_list(statuses: &[LineStatus]) -> String {
    statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" + ")
}

/// Any failure of the order service: a refused draft, a refused command, or the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The draft was refused; nothing was written.
    #[error(transparent)]
    Capture(#[from] CaptureError),
    /// The command was refused by the order's rules; nothing was written.
    #[error(transparent)]
    Order(#[from] OrderError),
    /// The store failed or refused the write (a version conflict, for one).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No order with this id exists.
    #[error("order {order} does not exist")]
    OrderNotFound {
        /// The id looked up.
        order: OrderId,
    },
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
