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
//! lowest(R) of block[T] + best[R \ T]`, 3^G / 2 steps for G groups. Orders with more than
//! [`MAX_GROUPS`] distinct skus skip it (the Lagrangian bound still holds).
//!
//! Inside the tree, with nodes `S` forced in: groups `S` holds none of are given to other
//! nodes, so a plan scores at least `F(S) + best[groups S lacks] + Σ_{g S holds} t[g]·min U[g]`
//! (dropping a group from a partition lowers it by at least `t[g]·min U[g]`). Quantities, which this bound
//! does not see, are left to the tree's other bounds.

use crate::engine::optimal::relaxation::{Bound, Model};

/// Most sku groups for which the table is built (3^12 / 2 ≈ 266k steps).
pub(super) const MAX_GROUPS: usize = 12;

pub(super) struct Cover {
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
        if groups == 0 || groups > MAX_GROUPS {
            return None;
        }
        let full = 1usize << groups;
        let top = full - 1;
        let mut block = vec![f64::INFINITY; full];
        let mut server = vec![u32::MAX; full];
        let mut least_units = vec![f64::INFINITY; groups];
        let mut bits: Vec<(usize, f64)> = Vec::with_capacity(groups);
        let mut subsets: Vec<(usize, f64)> = Vec::with_capacity(full);
        for (c, _) in live.iter().enumerate().filter(|(_, l)| **l) {
            bits.clear();
            for o in model.offers_of(c) {
                let g = o.group as usize;
                let units = f64::from(targets.get(g).copied().unwrap_or(0)) * o.unit;
                bits.push((g, units));
                least_units[g] = least_units[g].min(units);
            }
            // Every subset of the candidate's groups, as a block it serves alone.
            subsets.clear();
            subsets.push((0, model.fixed[c]));
            for &(g, units) in &bits {
                for i in 0..subsets.len() {
                    let (mask, cost) = subsets[i];
                    subsets.push((mask | (1 << g), cost + units));
                }
            }
            for &(mask, cost) in &subsets[1..] {
                let slot = &mut block[mask & top];
                if cost < *slot {
                    *slot = cost;
                    server[mask & top] = c as u32;
                }
            }
        }
        for u in &mut least_units {
            if !u.is_finite() {
                *u = 0.0;
            }
        }
        let mut best = vec![f64::INFINITY; full];
        best[0] = 0.0;
        for r in 1..full {
            let low = r & r.wrapping_neg();
            let rest = r ^ low;
            let mut sub = rest;
            let mut least = f64::INFINITY;
            loop {
                let t = sub | low;
                // `& top` keeps every index in range, which also lets the compiler drop the
                // bounds checks from this innermost loop.
                least = least.min(block[t & top] + best[(r ^ t) & top]);
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & rest;
            }
            best[r & top] = least;
        }
        // Σ over a set's groups of their cheapest units, then the lookup table.
        let mut least = vec![0.0f64; full];
        for h in 1..full {
            let low = h.trailing_zeros() as usize;
            least[h & top] = least[(h & (h - 1)) & top] + least_units.get(low).copied().unwrap_or(0.0);
        }
        // Groups with nothing to fill (backorders of a sku no candidate holds) need no node.
        let needless = targets.iter().enumerate().fold(0usize, |m, (g, &t)| if t == 0 { m | (1 << g) } else { m });
        let rest = (0..full).map(|h| best[top & !(h | needless)] + least[h & top]).collect();
        let first = Self::path(&block, &server, &best);
        Some(Cover { rest, first })
    }

    /// The candidates of the best partition of every group, found again from the table.
    fn path(block: &[f64], server: &[u32], best: &[f64]) -> Vec<usize> {
        let mut left = best.len().saturating_sub(1);
        let mut nodes = Vec::new();
        while left != 0 {
            let low = left & left.wrapping_neg();
            let rest = left ^ low;
            let mut sub = rest;
            let mut pick = None;
            loop {
                let t = sub | low;
                let cost = block.get(t).copied().unwrap_or(f64::INFINITY)
                    + best.get(left ^ t).copied().unwrap_or(f64::INFINITY);
                if cost.is_finite() && best.get(left).is_some_and(|&b| cost <= b) {
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

    /// The bound for plans with nodes forced in whose fixed scores add up to `fixed`, holding
    /// the groups in `held` (a bit set).
    pub fn bound(&self, fixed: f64, held: usize) -> Bound {
        // Sums of integers held exactly in `f64` (below 2^52): no rounding to allow for.
        Bound { value: fixed + self.rest.get(held).copied().unwrap_or(f64::INFINITY), slack: 0.5 }
    }

    /// The bound for plans that use candidate `c`.
    pub fn alone(&self, model: &Model, c: usize) -> Bound {
        self.bound(model.fixed[c], model.mask(c))
    }
}
