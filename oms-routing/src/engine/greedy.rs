//! The greedy engine: scores a handful of candidate node sets instead of placing lines one at
//! a time, because consolidation (fewer, better-placed shipments) is where the money is.
//!
//! Sets tried, each priced exactly by [`assign::evaluate`]:
//! 1. the best single node that fills the order (most units when backordering);
//! 2. a set cover: repeatedly add the node with the lowest score per unit it adds;
//! 3. for the few best nodes by score per unit ("anchors"), the anchor plus the single node
//!    that best completes it;
//! 4. the cover without each of its nodes in turn (a later node may make an earlier one idle).
//!
//! Distances are priced lazily: a node whose lower-bound score (chord distance) already loses
//! is never priced exactly, which keeps an order over a thousand nodes in microseconds.

use crate::engine::{Solution, acceptable, assign, canonical, keep_better};
use crate::problem::Problem;
use crate::score::Score;

const ANCHORS: usize = 3;

/// What one candidate would add given what is still open: units and their per-unit score.
#[inline]
fn reach(p: &Problem<'_>, c: usize, open: &[u32], left: &mut Vec<u32>) -> (u32, Score) {
    if !p.has_depth() {
        let units = p.reach_units(c, open, left);
        return (units, p.cands[c].unit.times(units));
    }
    let mut cap = p.cands[c].cap;
    let mut units = 0u32;
    left.clear();
    left.extend_from_slice(p.supply_row(c));
    let mut part = Score::default();
    for (need, &want) in p.lines.iter().zip(open) {
        if want == 0 || cap == 0 {
            continue;
        }
        let Some(have) = left.get_mut(need.group) else { continue };
        let t = p.take(want, (*have).min(cap));
        *have -= t;
        cap -= t;
        units += t;
        if t > 0 {
            part = part + p.unit_score(c, need.group).times(t);
        }
    }
    (units, part)
}

/// Marks what candidate `c` takes as no longer open.
fn consume(p: &Problem<'_>, c: usize, open: &mut [u32], left: &mut Vec<u32>) {
    left.clear();
    left.extend((0..p.demand.len()).map(|g| p.supply(c, g)));
    let mut cap = p.cands[c].cap;
    for (line, need) in p.lines.iter().enumerate() {
        let want = open[line];
        if want == 0 || cap == 0 {
            continue;
        }
        let t = p.take(want, left[need.group].min(cap));
        left[need.group] -= t;
        cap -= t;
        open[line] -= t;
    }
}

/// Is `(units, score)` a better fill than `best`? Most units, then lowest score, then lowest
/// node index (deterministic whatever order candidates were gathered in).
fn better_fill(p: &Problem<'_>, c: usize, units: u32, score: &Score, best: &Option<(usize, u32, Score)>) -> bool {
    match best {
        None => true,
        Some((b, bu, bs)) => {
            units > *bu || (units == *bu && (score < bs || (score == bs && p.cands[c].node < p.cands[*b].node)))
        }
    }
}

/// Lowest score per unit added (ties: more units, lower node index).
fn per_unit_better(p: &Problem<'_>, c: usize, units: u32, score: &Score, other: &(usize, u32, Score)) -> bool {
    let (o, ou, os) = other;
    if score.per_unit_lt(units, os, *ou) {
        return true;
    }
    if os.per_unit_lt(*ou, score, units) {
        return false;
    }
    units > *ou || (units == *ou && p.cands[c].node < p.cands[*o].node)
}

/// Candidates that could add something to what is open: the holders of the open skus (only
/// those of the scarcest open sku when the plan must be completed by one node).
fn relevant(p: &Problem<'_>, open: &[u32], complete_by_one: bool, seen: &mut [bool], out: &mut Vec<usize>) {
    out.clear();
    let mut groups: Vec<usize> = p.lines.iter().zip(open).filter(|(_, o)| **o > 0).map(|(l, _)| l.group).collect();
    groups.dedup();
    if complete_by_one && let Some(&g) = groups.iter().min_by_key(|&&g| p.holders(g).len()) {
        out.extend(p.holders(g).iter().map(|&c| c as usize));
        return;
    }
    for g in groups {
        for &c in p.holders(g) {
            let c = c as usize;
            if !seen[c] {
                seen[c] = true;
                out.push(c);
            }
        }
    }
    for &c in out.iter() {
        seen[c] = false;
    }
}

/// The best single candidate among `among` for what is open.
fn best_single(p: &Problem<'_>, open: &[u32], among: &[usize], skip: &[usize], left: &mut Vec<u32>) -> Option<usize> {
    let needed: u32 = open.iter().sum();
    let mut best: Option<(usize, u32, Score)> = None;
    for &c in among {
        if skip.contains(&c) {
            continue;
        }
        // Every term is non-negative: a node whose fixed part alone loses cannot win.
        if best.as_ref().is_some_and(|b| b.1 == needed && p.cands[c].fixed_lb > b.2) {
            continue;
        }
        let (units, part) = reach(p, c, open, left);
        if units == 0 || (!p.backorder && units < needed) {
            continue;
        }
        if better_fill(p, c, units, &(p.cands[c].fixed_lb + part), &best) {
            let exact = p.fixed(c) + part;
            if better_fill(p, c, units, &exact, &best) {
                best = Some((c, units, exact));
            }
        }
    }
    best.map(|b| b.0)
}

/// The greedy plan, if any acceptable one was found.
pub(crate) fn solve(p: &Problem<'_>) -> Option<Solution> {
    if p.cands.is_empty() {
        return None;
    }
    let mut left = Vec::with_capacity(p.demand.len());
    let full: Vec<u32> = p.lines.iter().map(|l| l.qty).collect();
    let mut best: Option<Solution> = None;

    // One pass over every candidate: the best single fill and the best anchors.
    let mut single: Option<(usize, u32, Score)> = None;
    let mut anchors: Vec<(usize, u32, Score)> = Vec::with_capacity(ANCHORS + 1);
    for c in 0..p.cands.len() {
        // Prune without computing the reach when the fixed part alone loses both contests:
        // a single fill pays at least `fixed_lb`, an anchor at least `fixed_lb / total` per unit.
        let fixed_lb = p.cands[c].fixed_lb;
        if single.as_ref().is_some_and(|s| s.1 == p.total && fixed_lb > s.2)
            && (p.kmax < 2
                || (anchors.len() == ANCHORS
                    && anchors.last().is_some_and(|a| !fixed_lb.per_unit_lt(p.total, &a.2, a.1))))
        {
            continue;
        }
        let (units, part) = if p.has_depth() {
            reach(p, c, &full, &mut left)
        } else {
            let units = p.could_supply(c);
            (units, p.cands[c].unit.times(units))
        };
        if units == 0 {
            continue;
        }
        let lb = fixed_lb + part;
        if (p.backorder || units == p.total) && better_fill(p, c, units, &lb, &single) {
            let exact = p.fixed(c) + part;
            if better_fill(p, c, units, &exact, &single) {
                single = Some((c, units, exact));
            }
        }
        if p.kmax >= 2
            && (anchors.len() < ANCHORS || anchors.last().is_some_and(|a| per_unit_better(p, c, units, &lb, a)))
        {
            let exact = p.fixed(c) + part;
            if anchors.len() < ANCHORS || anchors.last().is_some_and(|a| per_unit_better(p, c, units, &exact, a)) {
                let at = anchors.iter().position(|a| per_unit_better(p, c, units, &exact, a)).unwrap_or(anchors.len());
                anchors.insert(at, (c, units, exact));
                anchors.truncate(ANCHORS);
            }
        }
    }
    if let Some((c, _, _)) = single {
        keep_better(p, &mut best, assign::evaluate(p, &[c]));
    }
    if p.kmax < 2 || anchors.is_empty() {
        return best.filter(|b| acceptable(p, b)).map(|b| canonical(p, b));
    }
    let mut seen = vec![false; p.cands.len()];
    let mut among = Vec::new();

    // Set cover by score per unit added; its first pick is the best anchor.
    let mut cover: Vec<usize> = vec![anchors[0].0];
    let mut open = full.clone();
    consume(p, anchors[0].0, &mut open, &mut left);
    while open.iter().any(|&u| u > 0) && cover.len() < p.kmax {
        relevant(p, &open, false, &mut seen, &mut among);
        let open_units: u32 = open.iter().sum();
        let mut pick: Option<(usize, u32, Score)> = None;
        for &c in &among {
            if cover.contains(&c) {
                continue;
            }
            // A node adds at most every open unit: its fixed part over that is a per-unit bound.
            if pick.as_ref().is_some_and(|b| !p.cands[c].fixed_lb.per_unit_lt(open_units, &b.2, b.1)) {
                continue;
            }
            let (units, part) = reach(p, c, &open, &mut left);
            if units == 0 {
                continue;
            }
            let lb = p.cands[c].fixed_lb + part;
            if pick.as_ref().is_none_or(|b| per_unit_better(p, c, units, &lb, b)) {
                let exact = p.fixed(c) + part;
                if pick.as_ref().is_none_or(|b| per_unit_better(p, c, units, &exact, b)) {
                    pick = Some((c, units, exact));
                }
            }
        }
        let Some((c, _, _)) = pick else { break };
        consume(p, c, &mut open, &mut left);
        cover.push(c);
    }
    if cover.len() > 1 {
        keep_better(p, &mut best, assign::evaluate(p, &cover));
        if cover.len() > 2 {
            for skip in 0..cover.len() {
                let fewer: Vec<usize> = cover.iter().enumerate().filter(|&(i, _)| i != skip).map(|(_, &c)| c).collect();
                keep_better(p, &mut best, assign::evaluate(p, &fewer));
            }
        }
    }

    // Anchor + the single node that best completes it.
    for &(a, _, _) in &anchors {
        let mut open = full.clone();
        consume(p, a, &mut open, &mut left);
        if open.iter().all(|&u| u == 0) {
            continue; // the anchor fills the order alone: the single pass saw it
        }
        relevant(p, &open, !p.backorder, &mut seen, &mut among);
        if let Some(c) = best_single(p, &open, &among, &[a], &mut left) {
            keep_better(p, &mut best, assign::evaluate(p, &[a, c]));
        }
    }
    best.filter(|b| acceptable(p, b)).map(|b| canonical(p, b))
}
