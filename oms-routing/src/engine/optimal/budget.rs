//! How much searching the optimal engine may do for one order, and what it proved.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use oms_core::Clock;
use serde::Serialize;

/// How long the optimal engine may search one order: a number of search nodes, and optionally a
/// deadline read from a [`Clock`] you pass in (the engine never reads the system clock itself).
///
/// When the budget runs out the engine returns the best plan it has found and marks it
/// [`Optimality::Unproven`]; it never passes a heuristic plan off as optimal.
///
/// ```
/// use std::sync::Arc;
/// use chrono::{Duration, TimeZone, Utc};
/// use oms_core::FixedClock;
/// use oms_routing::Budget;
///
/// assert_eq!(Budget::default().max_nodes(), Budget::DEFAULT_NODES);
/// let start = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
/// let clock = Arc::new(FixedClock(start));
/// let budget = Budget::nodes(50_000).until(start + Duration::milliseconds(5), clock);
/// assert_eq!(budget.max_nodes(), 50_000);
/// assert!(budget.deadline().is_some());
/// ```
#[derive(Clone)]
pub struct Budget {
    nodes: u64,
    deadline: Option<(DateTime<Utc>, Arc<dyn Clock>)>,
}

impl Budget {
    /// The default number of search nodes per order: far more than the benchmark orders need
    /// (10 lines over 500 nodes prove in 25 on average, 456 at most; 20 lines in 1,000 on
    /// average), few enough to stop a pathological order within about a second (a node costs a
    /// few microseconds). For a hard latency limit, add a deadline with [`Budget::until`].
    pub const DEFAULT_NODES: u64 = 200_000;

    /// At most `nodes` search nodes per order (at least one is always explored).
    pub fn nodes(nodes: u64) -> Budget {
        Budget { nodes, deadline: None }
    }

    /// Also stop at `deadline`, as `clock` tells it (checked every few dozen search nodes).
    pub fn until(mut self, deadline: DateTime<Utc>, clock: Arc<dyn Clock>) -> Budget {
        self.deadline = Some((deadline, clock));
        self
    }

    /// The node limit.
    pub fn max_nodes(&self) -> u64 {
        self.nodes
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.deadline.as_ref().map(|(at, _)| *at)
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::nodes(Budget::DEFAULT_NODES)
    }
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget").field("nodes", &self.nodes).field("deadline", &self.deadline()).finish()
    }
}

/// What the engine can say about a plan's optimality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "optimality", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Optimality {
    /// Made by the greedy engine: feasible, good, not proven best.
    Heuristic,
    /// The optimal engine proved that no plan is better under the strategy's ranking and rules
    /// (or, for an unfilled order, that no plan fills it).
    Proven {
        /// Search nodes explored.
        explored: u64,
    },
    /// The optimal engine's budget ran out first: the best plan it found, not proven best.
    Unproven {
        /// Search nodes explored.
        explored: u64,
    },
}

impl Optimality {
    /// True when the plan is proven best.
    pub fn is_proven(self) -> bool {
        matches!(self, Optimality::Proven { .. })
    }
}

/// Counts search nodes against a [`Budget`].
pub(super) struct Meter<'b> {
    budget: &'b Budget,
    pub explored: u64,
    /// The deadline has passed: the next node is refused.
    late: bool,
    /// A node was refused: the search is cut short.
    out: bool,
}

/// How often the deadline is read: rarely enough that a clock call costs nothing next to the
/// nodes between two reads, often enough to stop within microseconds.
const CLOCK_EVERY: u64 = 32;

impl<'b> Meter<'b> {
    pub fn new(budget: &'b Budget) -> Meter<'b> {
        Meter { budget, explored: 0, late: false, out: false }
    }

    /// Counts one node; false (and from then on) once the budget is spent.
    pub fn tick(&mut self) -> bool {
        if self.late || self.explored >= self.budget.nodes.max(1) {
            self.out = true;
            return false;
        }
        self.explored += 1;
        if self.explored % CLOCK_EVERY == 0
            && let Some((at, clock)) = &self.budget.deadline
            && clock.now() >= *at
        {
            self.late = true;
        }
        true
    }

    /// True once a node was refused: the search did not finish.
    pub fn exhausted(&self) -> bool {
        self.out
    }
}
