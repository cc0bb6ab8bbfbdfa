//! The cover bound: an exact set-cover relaxation by dynamic programming over subsets of the
//! order's sku groups.
//!
//! In a plan, give each sku group to the cheapest (per unit) node that ships any of it. Each
//! node then pays its fixed score plus, for the groups given to it, `t[g]` units at its unit
//! score: a lower bound of the plan's score. So the least score of a partition of the groups
//! into blocks, each block served by one node holding some stock of every group in it, is a
//! lower bound of every plan, and an integer one: it knows that a node is opened whole, which
//! the linear relaxation does not (on the benchmark orders it closes most of the linear
//! relaxation's 5–20% gap). Stock quantities are what it relaxes: holding one unit counts as
//! holding the group.
//!
//! `best[R]` is that least score for the groups in `R`, over the live candidates: block costs
//! by enumerating the subsets of each candidate's groups, then `best[R] = min over blocks T ∋
//! lowest(R) of block[T] + best[R \ T]`, 3^G / 2 steps for G groups. An order with more than
//! [`MAX_GROUPS`] groups gets the table over the [`MAX_GROUPS`] with the fewest holders (the
//! hardest to cover); the others count only their cheapest units, which is still a bound.
//!
//! Inside the tree, with nodes `S` forced in: groups `S` holds none of are given to other
//! nodes, so a plan scores at least `F(S) + best[groups S lacks] + Σ_{g S holds} t[g]·min U[g]`
//! (dropping a group from a partition lowers it by at least `t[g]·min U[g]`). Quantities, which this bound
//! does not see, are left to the tree's other bounds.

use crate::engine::optimal::relaxation::{Bound, Model};

/// Most sku groups the table covers (3^10 / 2 ≈ 30k steps, a few dozen microseconds).
pub(super) const MAX_GROUPS: usize = 10;

/// Scores are capped here (a lower bound), so that adding two never overflows.
const CAP: i64 = 1 << 52;
/// No block or partition: above any capped sum, and two of them still add up in an `i64`.
const NONE: i64 = 1 << 60;

pub(super) struct Cover {
    /// Each group's bit in the table, if it is one of the groups the table covers.
    bit_of: Vec<Option<u32>>,
    /// `Σ t[g]·min U[g]` over the groups the table leaves out.
    others: f64,
    /// The candidates of the best partition of every group.
    first: Vec<usize>,
    /// `best[groups \ H] + Σ_{g ∈ H} t[g]·min U[g]` for every set `H` of groups held: the
    /// whole bound but the forced nodes' fixed scores, in one lookup.
    rest: Vec<f64>,
}

impl Cover {
    /// The table over the live candidates for demands `targets`, or `None` when the order has
    /// too many groups.
    pub fn build(model: &Model, live: &[bool], targets: &[u32]) -> Option<Cover> {
        let groups = model.groups();
        // The groups with the fewest live holders, at most `MAX_GROUPS` (bit sets stop at 64).
        let mut chosen: Vec<(usize, usize)> = (0..groups.min(64))
            .map(|g| {
                (model.offers_for(g).iter().filter(|o| live.get(o.cand as usize).copied().unwrap_or(false)).count(), g)
            })
            .collect();
        chosen.sort_unstable();
        chosen.truncate(MAX_GROUPS);
        if chosen.is_empty() {
            return None;
        }
        let mut bit_of = vec![None; groups];
        let mut order: Vec<usize> = chosen.iter().map(|&(_, g)| g).collect();
        order.sort_unstable();
        for (bit, &g) in order.iter().enumerate() {
            bit_of[g] = Some(bit as u32);
        }
        let full = 1usize << order.len();
        let top = full - 1;
        // Scores are integers below 2^52 (see `relaxation`); capped there (a lower bound) so that
        // sums of two never overflow, whatever the objective.
        let int = |v: f64| (v.min(CAP as f64) as i64).max(0);
        let mut block = vec![NONE; full];
        let mut server = vec![u32::MAX; full];
        let mut least_units = vec![NONE; groups];
        let mut bits: Vec<(usize, i64)> = Vec::with_capacity(groups);
        let mut subsets: Vec<(usize, i64)> = Vec::with_capacity(full);
        for (c, _) in live.iter().enumerate().filter(|(_, l)| **l) {
            bits.clear();
            for o in model.offers_of(c) {
                let g = o.group as usize;
                let units = int(f64::from(targets.get(g).copied().unwrap_or(0)) * o.unit);
                least_units[g] = least_units[g].min(units);
                if let Some(Some(bit)) = bit_of.get(g) {
                    bits.push((*bit as usize, units));
                }
            }
            // Every subset of the candidate's groups, as a block it serves alone.
            subsets.clear();
            subsets.push((0, int(model.fixed[c])));
            for &(g, units) in &bits {
                for i in 0..subsets.len() {
                    let (mask, cost) = subsets[i];
                    subsets.push((mask | (1 << g), (cost + units).min(CAP)));
                }
            }
            for &(mask, cost) in &subsets[1..] {
                if cost < block[mask & top] {
                    block[mask & top] = cost;
                    server[mask & top] = c as u32;
                }
            }
        }
        for u in &mut least_units {
            if *u == NONE {
                *u = 0;
            }
        }
        let others = (0..groups).filter(|&g| bit_of[g].is_none()).map(|g| least_units[g] as f64).sum();
        let mut best = vec![NONE; full];
        {
            // Slices of length `top + 1`, indexed by `& top`: the compiler sees every index in
            // range and drops the bounds checks from the innermost loop (3^G / 2 steps).
            let block = &block[..=top];
            let best = &mut best[..=top];
            best[0] = 0;
            for r in 1..full {
                let low = r & r.wrapping_neg();
                let rest = r ^ low;
                let mut sub = rest;
                let mut least = NONE;
                loop {
                    least = least.min(block[(sub | low) & top] + best[(rest ^ sub) & top]);
                    if sub == 0 {
                        break;
                    }
                    sub = (sub - 1) & rest;
                }
                best[r & top] = least.min(NONE);
            }
        }
        // Σ over a set's groups of their cheapest units, then the lookup table.
        let mut least = vec![0i64; full];
        for h in 1..full {
            let low = order.get(h.trailing_zeros() as usize).copied().unwrap_or(0);
            least[h & top] = least[(h & (h - 1)) & top] + least_units.get(low).copied().unwrap_or(0);
        }
        // Groups with nothing to fill (backorders of a sku no candidate holds) need no node.
        let needless = order
            .iter()
            .enumerate()
            .fold(0usize, |m, (bit, &g)| if targets.get(g).copied().unwrap_or(0) == 0 { m | (1 << bit) } else { m });
        let rest = (0..full)
            .map(|h| {
                let lacking = best[top & !(h | needless)];
                let v = lacking + least[h & top];
                match v {
                    _ if lacking >= NONE => f64::INFINITY,
                    // Exact below 2^53; above, rounded down past the conversion's rounding.
                    _ if v < 1 << 53 => v as f64,
                    _ => v as f64 * (1.0 - 1e-15),
                }
            })
            .collect();
        let first = Self::path(&block, &server, &best);
        Some(Cover { bit_of, others, rest, first })
    }

    /// The candidates of the best partition of every group, found again from the table.
    fn path(block: &[i64], server: &[u32], best: &[i64]) -> Vec<usize> {
        let mut left = best.len().saturating_sub(1);
        let mut nodes = Vec::new();
        while left != 0 && best.get(left).is_some_and(|&b| b < NONE) {
            let low = left & left.wrapping_neg();
            let rest = left ^ low;
            let mut sub = rest;
            let mut pick = None;
            loop {
                let t = sub | low;
                let cost =
                    block.get(t).copied().unwrap_or(NONE).saturating_add(best.get(left ^ t).copied().unwrap_or(NONE));
                if best.get(left).is_some_and(|&b| cost <= b) {
                    pick = Some(t);
                    break;
                }
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & rest;
            }
            let Some(t) = pick else { break };
            if let Some(&c) = server.get(t)
                && c != u32::MAX
                && !nodes.contains(&(c as usize))
            {
                nodes.push(c as usize);
            }
            left ^= t;
        }
        nodes
    }

    /// The candidates of the best partition of every group: a plan when their stock suffices,
    /// and a strong incumbent to start from.
    pub fn partition(&self) -> Vec<usize> {
        self.first.clone()
    }

    /// A set of groups (bit `g` for group `g`) as the table's bits.
    pub fn project(&self, groups: usize) -> usize {
        let mut out = 0;
        for (g, bit) in self.bit_of.iter().enumerate().take(64) {
            if let Some(bit) = bit
                && groups & (1 << g) != 0
            {
                out |= 1 << bit;
            }
        }
        out
    }

    /// The bound for plans with nodes forced in whose fixed scores add up to `fixed`, holding
    /// the groups in `held` (in the table's bits, see [`Cover::project`]).
    pub fn bound(&self, fixed: f64, held: usize) -> Bound {
        // Sums of integers held exactly in `f64` (below 2^52): no rounding to allow for.
        Bound { value: fixed + self.others + self.rest.get(held).copied().unwrap_or(f64::INFINITY), slack: 0.5 }
    }

    /// The bound for plans that use candidate `c`.
    pub fn alone(&self, model: &Model, c: usize) -> Bound {
        self.bound(model.fixed[c], self.project(model.mask(c)))
    }
}
