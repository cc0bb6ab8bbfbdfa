//! The crate's one error type.

use oms_core::{LineId, NodeId, OrderId};

/// Why a network, a rule set, a request or a scenario was refused. Nothing was routed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two nodes share an id.
    #[error("node {node}: duplicate id")]
    DuplicateNode {
        /// The repeated id.
        node: NodeId,
    },
    /// A lane, a stock entry or a request names a node the network does not have.
    #[error("{context}: unknown node {node}")]
    UnknownNode {
        /// Where the id was found ("lane DC -> HUB", "stock", "request O-1 pickup node").
        context: String,
        /// The unknown id.
        node: NodeId,
    },
    /// A cost parameter is negative or too large to be a real cost.
    #[error("{element}: {field} {value} is {problem}")]
    InvalidCost {
        /// The node or lane ("node DC-1", "lane DC -> HUB").
        element: String,
        /// The field ("shipment_cost", "cost_per_km", "unit_cost", "cost").
        field: &'static str,
        /// The value as given.
        value: rust_decimal::Decimal,
        /// "negative" or "above the limit of 1000000000".
        problem: &'static str,
    },
    /// A request cannot be routed as written.
    #[error("request {order}: {problem}")]
    InvalidRequest {
        /// The order.
        order: OrderId,
        /// What is wrong, naming the line or node.
        problem: String,
    },
    /// A request line has quantity zero or repeats a line id.
    #[error("request {order} line {line}: {problem}")]
    InvalidLine {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
        /// What is wrong.
        problem: &'static str,
    },
    /// A rule set is inconsistent (too many ranking levels, a negative weight, ...).
    #[error("strategy {strategy:?}: {problem}")]
    InvalidRules {
        /// The strategy's name.
        strategy: String,
        /// What is wrong.
        problem: String,
    },
    /// A stock table or usage ledger built for another network was passed in.
    #[error("{what} was built for a different network")]
    ForeignState {
        /// "stock" or "usage".
        what: &'static str,
    },
    /// A plan takes more than the stock table or the capacity ledger has left.
    #[error("plan for {order} takes more than is left: {problem}")]
    Overdraw {
        /// The order whose plan was applied.
        order: OrderId,
        /// Node, sku and amounts.
        problem: String,
    },
    /// A routing scenario document is invalid; nothing was routed.
    #[error("scenario {element}: {problem}")]
    InvalidScenario {
        /// The offending element (`nodes[2] "STORE-MKE"`, `orders[4].lines[1]`, `version`, or `document`).
        element: String,
        /// What is wrong.
        problem: String,
    },
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
