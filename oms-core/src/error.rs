//! Errors: one enum per concern, and [`Error`] over all of them.

use crate::{CaptureError, LineId, LineStatus, OrderId, StoreError, Version};

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
