//! Split and partial-fill policies, and the engine choice.

use oms_core::Money;
use serde::{Deserialize, Serialize};

/// Whether an order may ship from several nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitMode {
    /// Several nodes may ship parts of the order.
    #[default]
    Allowed,
    /// The whole order from one node.
    ShipComplete,
}

/// Limits on how an order is split.
///
/// ```
/// use oms_routing::{SplitMode, SplitPolicy};
/// let p: SplitPolicy = serde_json::from_str(r#"{"max_shipments": 2, "split_lines": false}"#)?;
/// assert_eq!((p.mode, p.max_shipments, p.split_lines), (SplitMode::Allowed, Some(2), false));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SplitPolicy {
    /// Split allowed, or ship complete.
    pub mode: SplitMode,
    /// At most this many source nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_shipments: Option<u32>,
    /// False: each line's units all come from one node.
    pub split_lines: bool,
    /// When an order ships from several nodes, each shipment carries at least this value (from
    /// the lines' unit values). Checked on each node set's cheapest assignment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_shipment_value: Option<Money>,
}

impl Default for SplitPolicy {
    fn default() -> SplitPolicy {
        SplitPolicy { mode: SplitMode::Allowed, max_shipments: None, split_lines: true, min_shipment_value: None }
    }
}

impl SplitPolicy {
    /// Most source nodes a plan may use.
    pub fn max_nodes(&self) -> usize {
        let cap = if self.mode == SplitMode::ShipComplete { 1 } else { usize::MAX };
        self.max_shipments.map_or(cap, |m| cap.min(m as usize))
    }
}

/// What happens when a strategy cannot fill the whole order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartialPolicy {
    /// Take nothing: the order is unfillable under this strategy.
    #[default]
    Reject,
    /// Fill as many units as possible (then at the best score); backorder the rest.
    Backorder,
    /// Try the next strategy whose condition holds; if none is left, reject.
    Fallback,
}

/// Which engine searches for the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// A fast heuristic over candidate node sets (microseconds per order).
    #[default]
    Greedy,
    /// The best plan under the ranking and every rule: exact branch and bound, proven within a
    /// search [`Budget`](crate::Budget) or marked unproven ([`Optimality`](crate::Optimality)).
    Optimal,
}

impl Engine {
    /// The engine's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Greedy => "greedy",
            Engine::Optimal => "optimal",
        }
    }
}
