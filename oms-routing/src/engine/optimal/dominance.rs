//! Dominance between candidates: `a` dominates `b` when `a` could ship anything `b` ships at a
//! score no higher, and the plan with `a` would win ties.
//!
//! Precisely: `a` holds at least as much of every sku `b` offers (up to the order's demand) and
//! has the capacity to ship what `b` could, its per-unit scores are no higher on those skus, and
//! its fixed score is no higher on any level and either lower on one or tied with a smaller node
//! id. Swapping `b` for `a` in a plan that does not use `a` then gives a strictly better plan
//! (lower score, or equal score and a smaller list of node ids), so in a branch where `a` is
//! forced out, forcing `b` in can be skipped. The relation is a strict partial order (ties are
//! broken by id), so two nodes never skip each other.
//!
//! Not used with a minimum shipment value: that rule is checked on each set's cheapest
//! assignment, which the swap may change.

use crate::engine::optimal::relaxation::Model;
use crate::problem::Problem;
use crate::score::Score;

/// Above this many live candidates the quadratic check is skipped (the bound alone prunes).
const MAX_MEMBERS: usize = 400;

fn no_higher(a: &Score, b: &Score) -> bool {
    a.0.iter().zip(&b.0).all(|(x, y)| x <= y)
}

/// For each member (tree position), the members that dominate it.
pub(super) fn dominators(p: &Problem<'_>, model: &Model, members: &[usize]) -> Vec<Vec<u32>> {
    let groups = p.demand.len();
    if members.len() > MAX_MEMBERS || groups > 64 {
        return Vec::new();
    }
    struct Facts {
        mask: u64,
        cap: u32,
        fixed: Score,
    }
    let facts: Vec<Facts> = members
        .iter()
        .map(|&c| Facts {
            mask: model.offers_of(c).iter().fold(0u64, |m, o| m | (1u64 << o.group)),
            cap: p.cands.cap(c).min(p.total),
            fixed: p.fixed(c),
        })
        .collect();
    let held = |c: usize, g: usize| p.supply(c, g).min(p.demand[g]);
    let mut out = vec![Vec::new(); members.len()];
    for (b, fb) in facts.iter().enumerate() {
        let cb = members[b];
        for (a, fa) in facts.iter().enumerate() {
            let ca = members[a];
            if a == b || fb.mask & !fa.mask != 0 || fa.cap < fb.cap || !no_higher(&fa.fixed, &fb.fixed) {
                continue;
            }
            let wins_ties = fa.fixed != fb.fixed || p.network.id(p.cands.node(ca)) < p.network.id(p.cands.node(cb));
            if !wins_ties {
                continue;
            }
            let covers = model.offers_of(cb).iter().all(|o| {
                let g = o.group as usize;
                held(ca, g) >= held(cb, g) && no_higher(&p.unit_score(ca, g), &p.unit_score(cb, g))
            });
            if covers {
                out[b].push(a as u32);
            }
        }
    }
    out
}
