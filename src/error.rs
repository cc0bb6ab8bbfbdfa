//! The facade's error: which part refused or failed, with the part's own typed error.

use oms_core::{LineId, OrderId};

/// Why an [`Oms`](crate::Oms) call was refused or failed.
///
/// Refusals by the rules (an order command the lifecycle refuses, stock the inventory does not
/// have, a return the policy refuses) change nothing. See [`Error::is_refusal`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The order side: a refused draft or command, or the order store.
    #[error(transparent)]
    Order(#[from] oms_core::Error),
    /// The inventory side: a refused stock command, or the inventory store.
    #[error(transparent)]
    Inventory(#[from] oms_inventory::Error),
    /// Routing refused the request (an unknown node, an invalid rule).
    #[error(transparent)]
    Routing(#[from] oms_routing::Error),
    /// The returns side: a return the policy refuses, or the return store.
    #[error(transparent)]
    Returns(#[from] oms_returns::Error),
    /// The outbox failed.
    #[error(transparent)]
    Outbox(#[from] crate::OutboxError),
    /// A line ships to an address without a geocode, so routing cannot measure distances.
    #[error("order {order} line {line}: the ship-to address has no geocode (lat/lon), routing needs one")]
    NotGeocoded {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
    },
    /// The order holds stock the inventory does not have for it (found by recovery; never
    /// produced by the facade's own write order).
    #[error("order {order}: {problem}")]
    Inconsistent {
        /// The order.
        order: OrderId,
        /// What does not match.
        problem: String,
    },
    /// A setup document (network, stock, rules, policies) is invalid.
    #[error("setup {field}: {problem}")]
    Setup {
        /// The offending element.
        field: String,
        /// What is wrong.
        problem: String,
    },
}

impl Error {
    /// True when the rules refused the call (nothing was written), false for infrastructure
    /// failures (a store or outbox error) that a host may retry.
    pub fn is_refusal(&self) -> bool {
        match self {
            Error::Order(e) => !matches!(e, oms_core::Error::Store(_)),
            Error::Inventory(e) => !matches!(e, oms_inventory::Error::Store(_)),
            Error::Returns(e) => !matches!(e, oms_returns::Error::Store(_)),
            Error::Routing(_) | Error::NotGeocoded { .. } | Error::Setup { .. } => true,
            Error::Outbox(_) | Error::Inconsistent { .. } => false,
        }
    }
}

/// `Result` with the facade's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
