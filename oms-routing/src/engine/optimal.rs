//! The optimal engine: the best plan under the strategy's ranking and every rule.
//!
//! This is the boundary the exact branch-and-bound solver replaces: a function from one order
//! (its [`Problem`]: candidates with the stock and capacity they have left, the policy) and an
//! optional incumbent to the best [`Solution`] by [`compare`](super::compare).
//!
//! Today it enumerates node sets depth-first in order of their lower-bound fixed scores and
//! prices each with [`assign::evaluate`]. Pruning is exact:
//! - sets are enumerated by increasing lower bound, so once `Σ fixed_lb + unit_lb ≥ best`
//!   for the next node, no later node (and no larger set) can win;
//! - a branch whose nodes, together with every node after it, cannot supply more units than
//!   the incumbent already fills is cut when its bound also loses.
//!
//! Every term of a score is non-negative, which is what makes these bounds valid.

use crate::engine::{Solution, acceptable, assign, canonical, keep_better};
use crate::problem::Problem;
use crate::score::Score;

struct Search<'s, 'a> {
    p: &'s Problem<'a>,
    order: Vec<usize>,
    /// `suffix[i * groups + g]`: units of group g offered by candidates `order[i..]`.
    suffix: Vec<u64>,
    /// Lower bound of the per-unit part of a complete plan.
    unit_lb: Score,
    set: Vec<usize>,
    best: Option<Solution>,
}

impl Search<'_, '_> {
    fn reachable_units(&self, from: usize) -> u32 {
        let groups = self.p.demand.len();
        let mut units = 0u64;
        for g in 0..groups {
            let mine: u64 = self.set.iter().map(|&c| u64::from(self.p.supply(c, g))).sum();
            let rest = self.suffix.get(from * groups + g).copied().unwrap_or(0);
            units += u64::from(self.p.demand[g]).min(mine + rest);
        }
        u32::try_from(units).unwrap_or(u32::MAX)
    }

    fn dfs(&mut self, from: usize, fixed_lb: Score) {
        for i in from..self.order.len() {
            let c = self.order[i];
            let lb = fixed_lb + self.p.cands.fixed_lb(c);
            let reachable = self.reachable_units(i);
            // Under a reject policy only complete plans count, incumbent or not.
            if !self.p.backorder && reachable < self.p.total {
                return;
            }
            if let Some(best) = &self.best {
                if reachable < best.units {
                    return;
                }
                // Only a plan filling every unit pays at least `unit_lb`.
                let unit_lb = if best.units == self.p.total { self.unit_lb } else { Score::default() };
                if reachable == best.units && lb + unit_lb > best.score {
                    return; // later nodes have larger bounds: nothing after this can win
                }
            }
            self.set.push(c);
            let priced = assign::evaluate(self.p, &self.set);
            keep_better(self.p, &mut self.best, priced);
            if self.set.len() < self.p.kmax {
                self.dfs(i + 1, lb);
            }
            self.set.pop();
        }
    }
}

/// True when no plan can fill every unit, whatever the node set: some sku lacks stock (or
/// capacity to pick it) across all candidates, or, with lines kept whole, no single node holds a
/// whole line. Checked before searching so an unfillable order under a reject policy is refused
/// at once instead of after enumerating every set.
fn cannot_fill(p: &Problem<'_>) -> bool {
    let n = p.cands.len();
    let short = (0..p.demand.len()).any(|g| {
        let reach: u64 = (0..n).map(|c| u64::from(p.supply(c, g).min(p.cands.cap(c)))).sum();
        reach < u64::from(p.demand[g])
    });
    short
        || (!p.split_lines && p.lines.iter().any(|l| (0..n).all(|c| p.supply(c, l.group).min(p.cands.cap(c)) < l.qty)))
}

/// The best plan, starting from `incumbent` (a greedy plan, to prune early).
pub(crate) fn solve(p: &Problem<'_>, incumbent: Option<Solution>) -> Option<Solution> {
    if !p.backorder && cannot_fill(p) {
        return None;
    }
    let groups = p.demand.len();
    let mut order: Vec<usize> = (0..p.cands.len()).collect();
    order.sort_by(|&a, &b| p.cands.fixed_lb(a).cmp(&p.cands.fixed_lb(b)).then(p.cands.node(a).cmp(&p.cands.node(b))));
    let mut suffix = vec![0u64; (order.len() + 1) * groups];
    for i in (0..order.len()).rev() {
        for g in 0..groups {
            suffix[i * groups + g] = suffix[(i + 1) * groups + g] + u64::from(p.supply(order[i], g));
        }
    }
    let mut unit_lb = Score::default();
    for need in &p.lines {
        let cheapest = (0..p.cands.len())
            .filter(|&c| p.supply(c, need.group) > 0)
            .map(|c| p.unit_score(c, need.group))
            .min()
            .unwrap_or_default();
        unit_lb = unit_lb + cheapest.times(need.qty);
    }
    let mut search = Search { p, order, suffix, unit_lb, set: Vec::new(), best: None };
    // The incumbent only bounds the search; every set is still priced, so ties resolve by the
    // spec's rule whatever the incumbent was.
    if let Some(inc) = incumbent.filter(|s| acceptable(p, s)) {
        search.best = Some(inc);
    }
    search.dfs(0, Score::default());
    search.best.filter(|b| acceptable(p, b)).map(|b| canonical(p, b))
}
