//! The engines. Both search node sets and price each set with the same [`assign`] step and
//! the same cost model ([`crate::problem`]); they differ only in which sets they try.
//!
//! - [`greedy`]: a handful of well-chosen sets (the best single node, a cost-per-unit set cover,
//!   anchor + best completion pairs, the cover minus each node). Microseconds.
//! - [`optimal`]: exact branch and bound over node sets with a Lagrangian lower bound,
//!   reduced-cost fixing and dominance, within a search budget; says whether it proved its plan.

pub(crate) mod assign;
pub(crate) mod greedy;
pub(crate) mod optimal;
pub(crate) mod quote;

use std::cmp::Ordering;

use crate::problem::Problem;
use crate::score::Score;

/// Units of one line taken from one candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Take {
    pub cand: usize,
    pub line: usize,
    pub units: u32,
}

/// A priced assignment of an order's units to candidates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Solution {
    pub takes: Vec<Take>,
    pub units: u32,
    pub score: Score,
    /// Candidates used, sorted by node id (the tie rule compares this list).
    pub nodes: Vec<usize>,
}

/// The order of plans: most units, then best score, then fewer shipments, then the smallest
/// ascending list of source node ids (byte order).
pub(crate) fn compare(p: &Problem<'_>, a: &Solution, b: &Solution) -> Ordering {
    b.units.cmp(&a.units).then(a.score.cmp(&b.score)).then(a.nodes.len().cmp(&b.nodes.len())).then_with(|| {
        let ids = |s: &Solution| s.nodes.iter().map(|&c| p.network.id(p.cands.node(c))).collect::<Vec<_>>();
        ids(a).cmp(&ids(b))
    })
}

/// Keeps the better of `best` and `candidate`.
pub(crate) fn keep_better(p: &Problem<'_>, best: &mut Option<Solution>, candidate: Option<Solution>) {
    if let Some(c) = candidate
        && best.as_ref().is_none_or(|b| compare(p, &c, b) == Ordering::Less)
    {
        *best = Some(c);
    }
}

/// Whether a solution is acceptable as a final plan (reject mode wants every unit).
pub(crate) fn acceptable(p: &Problem<'_>, s: &Solution) -> bool {
    s.units > 0 && (p.backorder || s.units == p.total)
}

/// The solution re-priced with its nodes in network order, so the assignment of units never
/// depends on the order candidates were found or sets were tried.
pub(crate) fn canonical(p: &Problem<'_>, s: Solution) -> Solution {
    let mut set = s.nodes.clone();
    set.sort_by_key(|&c| p.cands.node(c));
    match assign::evaluate(p, &set) {
        Some(again) if compare(p, &again, &s) != Ordering::Greater => again,
        _ => s,
    }
}
