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
fn reach(p: &Problem<'_>, c: usize, open: &[u32], left: &mut Vec<u32>) -> (u32, Score) {
    let groups = p.demand.len();
    left.clear();
    left.extend((0..groups).map(|g| p.supply(c, g)));
    let mut cap = p.cands[c].cap;
    let mut units = 0u32;
    let mut part = Score::default();
    for (line, need) in p.lines.iter().enumerate() {
        let want = open[line];
        if want == 0 || cap == 0 {
            continue;
        }
        let have = left[need.group].min(cap);
        let take = if p.split_lines || have >= want {
            want.min(have)
        } else if p.backorder {
            have
        } else {
            0
        };
        if take > 0 {
            left[need.group] -= take;
            cap -= take;
            units += take;
            part = part + p.unit_score(c, need.group).times(take);
        }
    }
    (units, part)
}

/// Marks what candidate `c` takes as no longer open.
fn consume(p: &Problem<'_>, c: usize, open: &mut [u32], left: &mut Vec<u32>) {
    let groups = p.demand.len();
    left.clear();
    left.extend((0..groups).map(|g| p.supply(c, g)));
    let mut cap = p.cands[c].cap;
    for (line, need) in p.lines.iter().enumerate() {
        let want = open[line];
        if want == 0 || cap == 0 {
            continue;
        }
        let have = left[need.group].min(cap);
        let take = if p.split_lines || have >= want {
            want.min(have)
        } else if p.backorder {
            have
        } else {
            0
        };
        left[need.group] -= take;
        cap -= take;
        open[line] -= take;
    }
}

/// Is `(units, score)` a better single-node fill than `best`? Most units, then lowest score,
/// then lowest node index (deterministic whatever order candidates were gathered in).
fn better_fill(p: &Problem<'_>, c: usize, units: u32, score: &Score, best: &Option<(usize, u32, Score)>) -> bool {
    match best {
        None => true,
        Some((b, bu, bs)) => {
            units > *bu || (units == *bu && (score < bs || (score == bs && p.cands[c].node < p.cands[*b].node)))
        }
    }
}

/// The best single candidate for what is open (`skip`: candidates already chosen).
fn best_single(p: &Problem<'_>, open: &[u32], skip: &[usize], left: &mut Vec<u32>) -> Option<(usize, u32, Score)> {
    let needed: u32 = open.iter().sum();
    let mut best: Option<(usize, u32, Score)> = None;
    for c in 0..p.cands.len() {
        if skip.contains(&c) {
            continue;
        }
        let (units, part) = reach(p, c, open, left);
        if units == 0 || (!p.backorder && units < needed) {
            continue;
        }
        let lb = p.cands[c].fixed_lb + part;
        if better_fill(p, c, units, &lb, &best) {
            let exact = p.fixed(c) + part;
            if better_fill(p, c, units, &exact, &best) {
                best = Some((c, units, exact));
            }
        }
    }
    best
}

/// Candidates by lowest score per unit added (ties: more units, lower node index).
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
        let (units, part) = reach(p, c, &full, &mut left);
        if units == 0 {
            continue;
        }
        let lb = p.cands[c].fixed_lb + part;
        if (p.backorder || units == p.total) && better_fill(p, c, units, &lb, &single) {
            let exact = p.fixed(c) + part;
            if better_fill(p, c, units, &exact, &single) {
                single = Some((c, units, exact));
            }
        }
        if p.kmax >= 2 && (anchors.len() < ANCHORS || anchors.last().is_some_and(|a| per_unit_better(p, c, units, &lb, a)))
        {
            let exact = p.fixed(c) + part;
            let entry = (c, units, exact);
            if anchors.len() < ANCHORS || anchors.last().is_some_and(|a| per_unit_better(p, c, units, &exact, a)) {
                let at = anchors.iter().position(|a| per_unit_better(p, c, units, &exact, a)).unwrap_or(anchors.len());
                anchors.insert(at, entry);
                anchors.truncate(ANCHORS);
            }
        }
    }
    if let Some((c, _, _)) = single {
        keep_better(p, &mut best, assign::evaluate(p, &[c]));
    }
    let complete = |best: &Option<Solution>| best.as_ref().is_some_and(|b| b.units == p.total);
    if p.kmax < 2 || anchors.is_empty() {
        return best.filter(|b| acceptable(p, b)).map(|b| canonical(p, b));
    }

    // Set cover by score per unit added, starting from the best anchor.
    let mut cover: Vec<usize> = Vec::new();
    let mut open = full.clone();
    while open.iter().any(|&u| u > 0) && cover.len() < p.kmax {
        let mut pick: Option<(usize, u32, Score)> = None;
        for c in 0..p.cands.len() {
            if cover.contains(&c) {
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

    // Anchor + best completion.
    for &(a, _, _) in &anchors {
        let mut open = full.clone();
        consume(p, a, &mut open, &mut left);
        if open.iter().all(|&u| u == 0) {
            continue; // the anchor fills the order alone: the single pass saw it
        }
        if let Some((c, _, _)) = best_single(p, &open, &[a], &mut left) {
            keep_better(p, &mut best, assign::evaluate(p, &[a, c]));
        }
    }
    if !complete(&best) && !p.backorder {
        return None;
    }
    best.filter(|b| acceptable(p, b)).map(|b| canonical(p, b))
}
