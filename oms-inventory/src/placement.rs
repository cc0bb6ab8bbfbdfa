//! Placement: at which nodes of a channel's pool a reservation's network units are held.

use std::cmp::Reverse;

use crate::Inventory;

/// Placement order key: protected channels sharing the node, minus the others' availability,
/// channels sharing the node. Lower is used first.
type Rank = (u32, i64, u32);

/// A node of the channel's pool that holds the sku.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rank: Rank,
    node: u32,
    slot: u32,
    /// Bit `g`: the node is shared with the channel's guard `g`.
    guards: u64,
    /// The position's free stock before this decision's picks.
    free: u32,
}

/// Working memory of a reservation's placement, kept between calls: the units picked so far
/// per slot, and the candidates and guard slack of the sku being placed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement {
    pub picks: Vec<(u32, u32)>,
    candidates: Vec<Candidate>,
    slack: Vec<i64>,
    /// Per class: its rank in the channel's pool (`None` outside it).
    ranks: Vec<Option<Rank>>,
}

/// Adds `units` at `slot` to the picks, merging with an earlier pick of the same slot.
pub(crate) fn pick(picks: &mut Vec<(u32, u32)>, slot: u32, units: u32) {
    match picks.iter_mut().find(|(s, _)| *s == slot) {
        Some((_, u)) => *u += units,
        None => picks.push((slot, units)),
    }
}

pub(crate) fn picked(picks: &[(u32, u32)], slot: u32) -> u32 {
    picks.iter().filter(|(s, _)| *s == slot).map(|(_, u)| *u).sum()
}

pub(crate) fn units(n: u64) -> u32 {
    n.min(u64::from(u32::MAX)) as u32
}

impl Placement {
    pub fn clear(&mut self) {
        self.picks.clear();
    }
}

/// Units a candidate can take now: its free stock less what was picked there, and no more
/// than any guard it shares has to spare.
fn cap(candidate: &Candidate, picks: &[(u32, u32)], slack: &[i64]) -> u64 {
    let mut cap = i64::from(candidate.free.saturating_sub(picked(picks, candidate.slot)));
    let mut bits = candidate.guards;
    while bits != 0 {
        cap = cap.min(slack.get(bits.trailing_zeros() as usize).copied().unwrap_or(0));
        bits &= bits - 1;
    }
    cap.max(0) as u64
}

impl Inventory {
    /// Places up to `need` units of network stock for channel `c`: one node that covers it all
    /// when there is one (fewest splits), else node by node in placement order. Never takes
    /// stock that protected channels keep in shared nodes. Returns the units placed.
    pub(crate) fn place(&self, placement: &mut Placement, sku: u32, c: usize, need: u64) -> u64 {
        let Placement { picks, candidates, slack, ranks } = placement;
        let Some(plan) = self.net.plans.get(c) else { return 0 };
        let sums = self.agg.sums(sku);
        slack.clear();
        for guard in &plan.guards {
            let shared: i64 = guard.shared.iter().map(|&k| sums.free(k)).sum();
            slack.push(shared - self.net.guarded(guard, sums));
        }
        // A node's rank depends on its class only: rank the pool's classes (few: no sort).
        ranks.clear();
        ranks.resize(self.net.classes(), None);
        for &class in &plan.classes {
            let Some((protected, sharing)) = plan.rank.get(class).copied().flatten() else { continue };
            // Among equally shared nodes, take from where the other channels have most left.
            let mut others = plan.others.get(class).copied().unwrap_or(0);
            let mut others_left = i64::MAX;
            while others != 0 {
                others_left = others_left.min(self.agg.atp(sku, others.trailing_zeros() as usize));
                others &= others - 1;
            }
            if let Some(r) = ranks.get_mut(class) {
                *r = Some((protected, others_left.saturating_neg(), sharing));
            }
        }
        let nodes = self.nodes_of(sku);
        let rank_of = |node: u32| ranks.get(self.net.class_of(node as usize)).copied().flatten();
        let candidate = |node: u32, slot: u32, rank: Rank| Candidate {
            rank,
            node,
            slot,
            guards: plan.guard_bits.get(self.net.class_of(node as usize)).copied().unwrap_or(0),
            free: self.slot(slot).map_or(0, |s| s.pos.free()),
        };
        // One node for everything when possible: the lowest (rank, node) that covers it, found
        // by taking the ranks from the best and walking the sku's nodes (sorted) for each.
        let mut floor: Option<Rank> = None;
        while let Some(rank) =
            ranks.iter().flatten().filter(|&&r| need > 0 && floor.is_none_or(|f| r > f)).min().copied()
        {
            floor = Some(rank);
            for &(node, slot) in nodes {
                if rank_of(node) == Some(rank) && cap(&candidate(node, slot, rank), picks, slack) >= need {
                    pick(picks, slot, units(need));
                    return need;
                }
            }
        }
        // Else node by node: the best rank first, then the most units, then the node.
        candidates.clear();
        for &(node, slot) in nodes {
            if let Some(rank) = rank_of(node) {
                candidates.push(candidate(node, slot, rank));
            }
        }
        let mut left = need;
        while left > 0 {
            let best = candidates
                .iter()
                .map(|cand| (cand, cap(cand, picks, slack)))
                .filter(|&(_, units)| units > 0)
                .min_by_key(|&(cand, units)| (cand.rank, Reverse(units), cand.node));
            let Some((cand, units_here)) = best else { break };
            let take = units_here.min(left);
            pick(picks, cand.slot, units(take));
            left -= take;
            for (g, s) in slack.iter_mut().enumerate() {
                if cand.guards >> g & 1 == 1 {
                    *s -= take as i64;
                }
            }
        }
        need - left
    }

    /// The first node (in placement order) of the channel's pool that takes backorders of the sku.
    pub(crate) fn backorder_node(&self, sku: u32, c: usize) -> Option<u32> {
        let plan = self.net.plans.get(c)?;
        self.nodes_of(sku)
            .iter()
            .filter(|&&(_, slot)| self.slot(slot).is_some_and(|s| s.pos.backorder_allowed()))
            .filter_map(|&(node, slot)| Some((plan.rank.get(self.net.class_of(node as usize)).copied()??, node, slot)))
            .min()
            .map(|(_, _, slot)| slot)
    }
}

#[cfg(all(test, feature = "proptest"))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::strategies;
    use crate::testkit::fixtures::{key, t0};

    /// Placement as first written: every pool node ranked and capped each time, the lowest
    /// (rank, node) that covers `need` taken, else the lowest (rank, most units, node) in turn.
    fn reference(inv: &Inventory, picks: &mut Vec<(u32, u32)>, sku: u32, c: usize, need: u64) -> u64 {
        let Some(plan) = inv.net.plans.get(c) else { return 0 };
        let supply = inv.agg.sums(sku);
        let mut slack: Vec<i64> = plan
            .guards
            .iter()
            .map(|g| g.shared.iter().map(|&k| supply.free(k)).sum::<i64>() - inv.net.guarded(g, supply))
            .collect();
        let cap = |node: u32, slot: u32, picks: &[(u32, u32)], slack: &[i64]| -> (Rank, u64) {
            let class = inv.net.class_of(node as usize);
            let Some((protected, sharing)) = plan.rank.get(class).copied().flatten() else {
                return ((u32::MAX, 0, u32::MAX), 0);
            };
            let mut others_left = i64::MAX;
            let mut others = plan.others.get(class).copied().unwrap_or(0);
            while others != 0 {
                others_left = others_left.min(inv.agg.atp(sku, others.trailing_zeros() as usize));
                others &= others - 1;
            }
            let mut cap = i64::from(inv.slot(slot).map_or(0, |s| s.pos.free()).saturating_sub(picked(picks, slot)));
            let mut bits = plan.guard_bits.get(class).copied().unwrap_or(0);
            while bits != 0 {
                cap = cap.min(slack.get(bits.trailing_zeros() as usize).copied().unwrap_or(0));
                bits &= bits - 1;
            }
            ((protected, others_left.saturating_neg(), sharing), cap.max(0) as u64)
        };
        let candidates = inv.nodes_of(sku);
        let mut left = need;
        let whole = candidates
            .iter()
            .map(|&(node, slot)| (cap(node, slot, picks, &slack), node, slot))
            .filter(|&((_, units), _, _)| units >= left && left > 0)
            .min_by_key(|&((rank, _), node, _)| (rank, node));
        if let Some((_, _, slot)) = whole {
            pick(picks, slot, units(left));
            return need;
        }
        while left > 0 {
            let best = candidates
                .iter()
                .map(|&(node, slot)| (cap(node, slot, picks, &slack), node, slot))
                .filter(|&((_, units), _, _)| units > 0)
                .min_by_key(|&((rank, units), node, _)| (rank, Reverse(units), node));
            let Some(((_, units_here), node, slot)) = best else { break };
            let take = units_here.min(left);
            pick(picks, slot, units(take));
            left -= take;
            let bits = plan.guard_bits.get(inv.net.class_of(node as usize)).copied().unwrap_or(0);
            for (g, s) in slack.iter_mut().enumerate() {
                if bits >> g & 1 == 1 {
                    *s -= take as i64;
                }
            }
        }
        need - left
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn places_where_the_straightforward_rule_places(
            config in strategies::network(),
            commands in strategies::commands(50, true),
            need in 1u64..40,
            held in proptest::collection::vec((0usize..5, 1u32..4), 0..3),
        ) {
            // Given any state the command streams reach, and picks already made at some nodes,
            // when a channel places `need` units of a sku, then it picks what the original,
            // straightforward placement picks.
            let mut inv = Inventory::new(config).unwrap();
            for (i, (_, command)) in commands.iter().enumerate() {
                let _ = inv.execute(&key(&format!("k{i}")), command, t0());
            }
            for sku in 0..inv.index.len() as u32 {
                let earlier: Vec<(u32, u32)> = held
                    .iter()
                    .filter_map(|&(i, units)| inv.nodes_of(sku).get(i).map(|&(_, slot)| (slot, units)))
                    .collect();
                for c in 0..inv.net.channels() {
                    let mut placement = Placement::default();
                    for &(slot, units) in &earlier {
                        pick(&mut placement.picks, slot, units);
                    }
                    let mut picks = placement.picks.clone();
                    let placed = inv.place(&mut placement, sku, c, need);
                    let expected = reference(&inv, &mut picks, sku, c, need);
                    prop_assert_eq!((placed, &placement.picks), (expected, &picks));
                }
            }
        }
    }
}
