//! The optimal engine: the best plan under the strategy's ranking and every rule, proven, or the
//! best found within a [`Budget`] and said to be unproven.
//!
//! One function, [`solve`], from an order's [`Problem`] and an incumbent (the greedy plan) to
//! an [`Outcome`]. Plans are ordered by [`compare`](super::compare): most units (backorders),
//! then score, then fewer shipments, then the smallest ascending list of node ids.
//!
//! The search, exact branch and bound over source-node sets:
//! 1. **Lower bound** ([`relaxation`]): a Lagrangian relaxation of the demand, as strong as the
//!    linear relaxation of the fixed-charge model, with multipliers from a dual ascent.
//! 2. **Reduced-cost fixing**: a candidate whose reduced cost alone lifts the bound above the
//!    incumbent can be in no better plan and is dropped. Over hundreds of candidates a handful
//!    survive; only they are priced exactly (their great-circle distance), and the ascent
//!    repeats on them.
//! 3. **Branching** ([`search`]) on the sku group with the fewest holders, most promising
//!    holder first, with the bound updated in O(1) per decision and [`dominance`] skipping
//!    holders a node already forced out would beat.
//! 4. Each node set that holds enough stock is priced exactly by the shared assignment step
//!    ([`assign::evaluate`](super::assign::evaluate)), so the optimal and greedy engines agree on
//!    what a set costs.
//!
//! Every bound is valid for every plan it covers, and pruning is strict (a plan tying the
//! incumbent's score may still win on shipments or node ids), so an exhausted tree proves the
//! incumbent optimal, ties included.

mod budget;
mod cover;
mod dominance;
mod relaxation;
mod search;
#[cfg(test)]
mod tests;

pub use budget::{Budget, Optimality};

use crate::engine::{Solution, acceptable, assign, canonical, keep_better};
use crate::problem::Problem;
use budget::Meter;
use cover::Cover;
use relaxation::{Bound, Duals, Model};
use search::{Bounds, Tree};

/// Rounds of dual ascent per pass (each moves every group's multiplier one breakpoint).
const ASCENT_ROUNDS: usize = 64;
/// Passes of fixing, pricing the survivors and ascending again.
const FIXING_PASSES: usize = 3;

/// What one candidate offers of one sku group, with its per-unit score.
#[derive(Clone, Copy, Debug)]
pub(super) struct Offer {
    pub cand: u32,
    pub group: u32,
    /// Most units of the group the candidate can give any plan.
    pub units: u32,
    /// Per-unit score, folded to one number.
    pub unit: f64,
}

/// The engine's answer for one order.
pub(crate) struct Outcome {
    pub best: Option<Solution>,
    pub optimality: Optimality,
}

/// True when no plan can fill every unit, whatever the node set: some sku lacks stock (or
/// capacity to pick it) across all candidates, or, with lines kept whole, no single node holds a
/// whole line.
fn cannot_fill(p: &Problem<'_>) -> bool {
    let n = p.cands.len();
    let short = (0..p.demand.len()).any(|g| {
        let reach: u64 = (0..n).map(|c| u64::from(p.supply(c, g).min(p.cands.cap(c)))).sum();
        reach < u64::from(p.demand[g])
    });
    short
        || (!p.split_lines && p.lines.iter().any(|l| (0..n).all(|c| p.supply(c, l.group).min(p.cands.cap(c)) < l.qty)))
}

/// The best plan for `p`, starting from `incumbent` (the greedy plan, to prune from the start),
/// within `budget`.
pub(crate) fn solve(p: &Problem<'_>, incumbent: Option<Solution>, budget: &Budget) -> Outcome {
    let mut meter = Meter::new(budget);
    if p.cands.is_empty() || (!p.backorder && cannot_fill(p)) {
        meter.tick();
        return Outcome { best: None, optimality: Optimality::Proven { explored: meter.explored } };
    }
    let mut best = incumbent.filter(|s| acceptable(p, s) && s.nodes.len() <= p.kmax);
    let mut model = Model::build(p);
    let n = p.cands.len();
    let mut live = vec![true; n];
    // The units of each group a best plan fills: all of them, or with backorders all that the
    // candidates hold (a plan reaching that many is compared on score).
    let targets: Vec<u32> = (0..model.groups())
        .map(|g| {
            let held = model.offers_for(g).iter().fold(0u32, |a, o| a.saturating_add(o.units));
            if p.backorder { model.demand[g].min(held) } else { model.demand[g] }
        })
        .collect();
    let full: u64 = targets.iter().map(|&t| u64::from(t)).sum();
    // Plans filling every target unit are compared on score: the incumbent's is the cutoff.
    let cutoff = |model: &Model, best: &Option<Solution>| {
        best.as_ref().filter(|b| u64::from(b.units) == full).map(|b| model.scalar(&b.score))
    };
    // 1. The cover table over every candidate (distances at their lower bounds): its optimum
    //    is often a plan, and often the best one; a candidate whose cover bound alone loses
    //    to the incumbent is dropped.
    let cover = Cover::build(&model, &live, &targets);
    if let Some(cover) = &cover {
        let mut nodes = cover.partition();
        nodes.sort_by_key(|&c| p.cands.node(c));
        if !nodes.is_empty() && nodes.len() <= p.kmax {
            keep_better(p, &mut best, assign::evaluate(p, &nodes).filter(|s| acceptable(p, s)));
        }
        if let Some(cutoff) = cutoff(&model, &best) {
            for (c, alive) in live.iter_mut().enumerate() {
                *alive = !cover.alone(&model, c).exceeds(cutoff);
            }
        }
    }
    // 2. The survivors' distances, exactly.
    for (c, _) in live.iter().enumerate().filter(|(_, l)| **l) {
        model.price(p, c);
    }
    // 3. The Lagrangian bound over the survivors, and reduced-cost fixing, until nothing moves.
    let mut duals = Duals::new(&model, &live);
    for _ in 0..FIXING_PASSES {
        duals.ascend(&model, &live, &targets, ASCENT_ROUNDS);
        let Some(cutoff) = cutoff(&model, &best) else { break };
        let bound = duals.bound(&model, &live, &targets);
        let mut changed = false;
        for (c, alive) in live.iter_mut().enumerate() {
            let forced = Bound { value: bound.value + duals.reduced(&model, c).max(0.0), slack: bound.slack };
            if *alive && forced.exceeds(cutoff) {
                *alive = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let bounds = Bounds { model: &model, duals: &duals, cover: cover.as_ref(), targets: &targets };
    let mut tree = Tree::new(p, bounds, &live, best, meter);
    tree.run();
    let explored = tree.meter.explored;
    let optimality =
        if tree.meter.exhausted() { Optimality::Unproven { explored } } else { Optimality::Proven { explored } };
    let best = tree.best.take().filter(|b| acceptable(p, b)).map(|b| canonical(p, b));
    Outcome { best, optimality }
}
