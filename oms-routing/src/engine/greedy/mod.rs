//! The greedy engine: scores a handful of candidate node sets instead of placing lines one at
//! a time, because consolidation (fewer, better-placed shipments) is where the money is.
//!
//! Sets tried, each priced exactly (as [`assign::evaluate`] would; see [`quote`]):
//! 1. the best single node that fills the order (most units when backordering);
//! 2. a set cover: repeatedly add the node with the lowest score per unit it adds;
//! 3. for the few best nodes by score per unit ("anchors"), the anchor plus the single node
//!    that best completes it;
//! 4. the cover without each of its nodes in turn (a later node may make an earlier one idle).
//!
//! The cover starts from the best anchor, so its second pick and that anchor's completion are
//! found in one scan. Distances are priced lazily: a node whose lower-bound score (chord
//! distance) already loses is never priced exactly, which keeps an order over a thousand nodes
//! in microseconds. With a one-level ranking every score is a single `i64` ([`Value`]).

mod completion;

use completion::plain_reach;

use crate::engine::quote::Best;
use crate::engine::{Solution, acceptable, assign, canonical};
use crate::problem::Problem;
use crate::score::{Score, Value};

const ANCHORS: usize = 3;

/// A candidate's fill: `(candidate, units, score)`.
type Fill<V> = (usize, u32, V);

/// A candidate's fill whose exact score is computed only when a tie needs it.
struct LazyFill<V> {
    c: usize,
    units: u32,
    /// The per-unit part of its score.
    part: V,
    /// Its exact score, once priced.
    exact: Option<V>,
}

/// The one sku still open, when only one is.
fn only_open_group(p: &Problem<'_>, open: &[u32]) -> Option<usize> {
    let mut found = None;
    for (line, &o) in p.lines.iter().zip(open) {
        if o > 0 {
            match found {
                None => found = Some(line.group),
                Some(g) if g == line.group => {}
                Some(_) => return None,
            }
        }
    }
    found
}

/// Buffers the greedy engine reuses from order to order (kept in [`Scratch`](crate::Scratch)).
#[derive(Debug, Default, Clone)]
pub(crate) struct Work {
    /// Per-sku buffer for lines sharing a sku.
    left: Vec<u32>,
    /// Units still open per line.
    open: Vec<u32>,
    cover: Vec<usize>,
    fewer: Vec<usize>,
    /// Open units after each anchor whose completion was scanned.
    done: Vec<u32>,
    /// Units each scanned candidate adds (a completion found in two passes).
    adds: Vec<u32>,
    /// The best set found.
    best: Vec<usize>,
}

/// The greedy plan, if any acceptable one was found.
pub(crate) fn solve(p: &Problem<'_>, work: &mut Work) -> Option<Solution> {
    if p.cands.is_empty() {
        return None;
    }
    let found = if p.single_level() { Greedy::<i64>::new(p, work).run() } else { Greedy::<Score>::new(p, work).run() };
    if !found {
        return None;
    }
    let set = &work.best;
    let s = assign::evaluate(p, set)?;
    if !acceptable(p, &s) {
        return None;
    }
    // Already canonical when every node is used and the set is in network order.
    let in_order = s.nodes.len() == set.len() && set.windows(2).all(|w| p.cands.node(w[0]) < p.cands.node(w[1]));
    Some(if in_order { s } else { canonical(p, s) })
}

struct Greedy<'p, 'a, V> {
    p: &'p Problem<'a>,
    /// One line per sku (so line `l` is sku group `l`), lines split freely, no stock-depth
    /// ranker: the common case, with the shortest reach.
    plain: bool,
    /// Reused per-sku buffer for lines sharing a sku.
    left: Vec<u32>,
    best: Best<V>,
    work: &'p mut Work,
}

/// The best few anchors, best first.
struct Anchors<V> {
    top: [Fill<V>; ANCHORS],
    len: usize,
}

impl<V: Value> Anchors<V> {
    fn as_slice(&self) -> &[Fill<V>] {
        self.top.get(..self.len).unwrap_or(&[])
    }

    fn last(&self) -> Option<&Fill<V>> {
        self.as_slice().last()
    }

    fn is_full(&self) -> bool {
        self.len == ANCHORS
    }

    /// Inserts at `at`, dropping the last one when full.
    fn insert(&mut self, at: usize, fill: Fill<V>) {
        if at >= ANCHORS {
            return;
        }
        // Shift the few worse ones down by hand: `copy_within` is an out-of-line call.
        let mut i = self.len.min(ANCHORS - 1);
        while i > at {
            self.top[i] = self.top[i - 1];
            i -= 1;
        }
        self.top[at] = fill;
        self.len = (self.len + 1).min(ANCHORS);
    }
}

impl<'p, 'a, V: Value> Greedy<'p, 'a, V> {
    fn new(p: &'p Problem<'a>, work: &'p mut Work) -> Self {
        let plain = p.distinct && p.split_lines && !p.has_depth();
        let left = std::mem::take(&mut work.left);
        let best = Best::new(std::mem::take(&mut work.best));
        Greedy { p, plain, left, best, work }
    }

    #[inline(always)]
    fn fixed_lb(&self, c: usize) -> V {
        V::fixed_lb(&self.p.cands, c)
    }

    #[inline(always)]
    fn fixed(&self, c: usize) -> V {
        V::fixed(self.p, c)
    }

    /// What candidate `c` would add given what is still open: units and their per-unit score.
    fn reach(&mut self, c: usize, open: &[u32]) -> (u32, V) {
        let mut left = std::mem::take(&mut self.left);
        let found = self.reach_into(c, open, &mut left);
        self.left = left;
        found
    }

    /// [`Greedy::reach`] with a buffer for lines sharing a sku.
    #[inline(always)]
    fn reach_into(&self, c: usize, open: &[u32], left: &mut Vec<u32>) -> (u32, V) {
        let p = self.p;
        if !p.has_depth() {
            let units = p.reach_units(c, open, left);
            return (units, V::unit(&p.cands, c).times(units));
        }
        let mut cap = p.cands.cap(c);
        let mut units = 0u32;
        left.clear();
        left.extend_from_slice(p.supply_row(c));
        let mut part = V::default();
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
                part = part.plus(V::of(&p.unit_score(c, need.group)).times(t));
            }
        }
        (units, part)
    }

    /// Marks what candidate `c` takes as no longer open.
    fn consume(&mut self, c: usize, open: &mut [u32]) {
        let p = self.p;
        if p.distinct && p.split_lines {
            // Line `k` is sku `k` and takes what it wants up to the stock: no per-sku buffer.
            let mut cap = p.cands.cap(c);
            for (&have, want) in p.supply_row(c).iter().zip(open.iter_mut()) {
                let t = (*want).min(have).min(cap);
                cap -= t;
                *want -= t;
            }
            return;
        }
        self.left.clear();
        self.left.extend_from_slice(p.supply_row(c));
        let mut cap = p.cands.cap(c);
        for (need, want) in p.lines.iter().zip(open.iter_mut()) {
            if *want == 0 || cap == 0 {
                continue;
            }
            let Some(have) = self.left.get_mut(need.group) else { continue };
            let t = p.take(*want, (*have).min(cap));
            *have -= t;
            cap -= t;
            *want -= t;
        }
    }

    /// Is `(units, score)` a better fill than `best`? Most units, then lowest score, then lowest
    /// node index (deterministic whatever order candidates were gathered in).
    #[inline(always)]
    fn better_fill(&self, c: usize, units: u32, score: V, best: &Option<Fill<V>>) -> bool {
        match best {
            None => true,
            Some((b, bu, bs)) => {
                units > *bu
                    || (units == *bu && (score < *bs || (score == *bs && self.p.cands.node(c) < self.p.cands.node(*b))))
            }
        }
    }

    /// Lowest score per unit added (ties: more units, lower node index).
    #[inline(always)]
    fn per_unit_better(&self, c: usize, units: u32, score: V, other: &Fill<V>) -> bool {
        let (o, ou, os) = other;
        match score.per_unit_cmp(units, os, *ou) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => units > *ou || (units == *ou && self.p.cands.node(c) < self.p.cands.node(*o)),
        }
    }

    /// Offers candidate `c` adding `(units, part)` as a fill: most units, then lowest score, then
    /// lowest node. Distances are priced only to settle ties on units (a node adding more units
    /// wins outright).
    #[inline(always)]
    fn offer_fill_lazily(&self, c: usize, units: u32, part: V, best: &mut Option<LazyFill<V>>) {
        let Some(b) = best else {
            *best = Some(LazyFill { c, units, part, exact: None });
            return;
        };
        if units != b.units {
            if units > b.units {
                *best = Some(LazyFill { c, units, part, exact: None });
            }
            return;
        }
        let b_exact = match b.exact {
            Some(e) => e,
            None => *b.exact.insert(self.fixed(b.c).plus(b.part)),
        };
        if self.fixed_lb(c).plus(part) > b_exact {
            return; // its exact score is at least its bound
        }
        let exact = self.fixed(c).plus(part);
        if exact < b_exact || (exact == b_exact && self.p.cands.node(c) < self.p.cands.node(b.c)) {
            *best = Some(LazyFill { c, units, part, exact: Some(exact) });
        }
    }

    /// Offers candidate `c` as the next cover pick (lowest score per unit added).
    #[inline(always)]
    fn offer_pick(&self, c: usize, units: u32, part: V, pick: &mut Option<Fill<V>>) {
        if pick.as_ref().is_none_or(|b| self.per_unit_better(c, units, self.fixed_lb(c).plus(part), b)) {
            let exact = self.fixed(c).plus(part);
            if pick.as_ref().is_none_or(|b| self.per_unit_better(c, units, exact, b)) {
                *pick = Some((c, units, exact));
            }
        }
    }

    /// One pass over every candidate: the best single fill, and the best anchors by score per
    /// unit of the whole order.
    fn first_pass(&mut self) -> (Option<Fill<V>>, Anchors<V>) {
        let p = self.p;
        let mut single: Option<Fill<V>> = None;
        let mut anchors = Anchors { top: [(0, 0, V::default()); ANCHORS], len: 0 };
        let two = p.kmax >= 2;
        let total = p.total;
        // A single fill takes the most units any node can supply (all of them when the order
        // may not be backordered): only nodes supplying exactly that many compete.
        let target = if p.backorder { p.cands.max_could() } else { total };
        // What a candidate's bound must beat to matter: the score of the best single fill, and
        // the last anchor once there are enough. A node whose fixed part alone loses both (a
        // single fill pays at least `fixed_lb`, an anchor at least `fixed_lb / total` per unit)
        // is skipped without computing what it could add.
        // Before there is a bar, each stands at a value nothing exceeds (and per unit, over no
        // unit, everything beats).
        let mut single_bar = V::MAX;
        let mut anchor_bar = (V::MAX, 0);
        let depth = p.has_depth();
        let lines: Vec<u32> = if depth { p.lines.iter().map(|l| l.qty).collect() } else { Vec::new() };
        let cands = &p.cands;
        for (c, row) in cands.rows().iter().enumerate() {
            let could = row.could();
            let lb = V::fixed_lb_at(cands, c, row);
            if lb > single_bar && (!two || lb.per_unit_cmp(total, &anchor_bar.0, anchor_bar.1).is_ge()) {
                continue;
            }
            let (units, part) =
                if depth { self.reach(c, &lines) } else { (could, V::unit_at(cands, c, row).times(could)) };
            if units == 0 {
                continue;
            }
            if units == target && self.better_fill(c, units, lb.plus(part), &single) {
                let exact = self.fixed(c).plus(part);
                if self.better_fill(c, units, exact, &single) {
                    single = Some((c, units, exact));
                    single_bar = exact;
                }
            }
            if two && lb.plus(part).per_unit_cmp(units, &anchor_bar.0, anchor_bar.1).is_le() {
                self.offer_anchor(c, units, part, &mut anchors);
                if anchors.is_full()
                    && let Some(last) = anchors.last()
                {
                    anchor_bar = (last.2, last.1);
                }
            }
        }
        (single, anchors)
    }

    /// Offers candidate `c` as an anchor (the best few by score per unit).
    fn offer_anchor(&self, c: usize, units: u32, part: V, anchors: &mut Anchors<V>) {
        let lb = self.fixed_lb(c).plus(part);
        if !anchors.is_full() || anchors.last().is_some_and(|a| self.per_unit_better(c, units, lb, a)) {
            let exact = self.fixed(c).plus(part);
            if !anchors.is_full() || anchors.last().is_some_and(|a| self.per_unit_better(c, units, exact, a)) {
                let at = anchors
                    .as_slice()
                    .iter()
                    .position(|a| self.per_unit_better(c, units, exact, a))
                    .unwrap_or(anchors.len);
                anchors.insert(at, (c, units, exact));
            }
        }
    }

    /// Scans the candidates that could add to `open` (all but `exclude`) for the best cover pick
    /// and, when `complete` is set, the best single completion (a fill of what is open; it must
    /// fill everything unless backordering).
    fn scan(&mut self, open: &[u32], exclude: &[usize], pick: bool, complete: bool) -> (Option<usize>, Option<usize>) {
        let p = self.p;
        if self.plain && complete && !pick {
            match *open {
                [a] => return (None, self.plain_completion([a], exclude)),
                [a, b] => return (None, self.plain_completion([a, b], exclude)),
                [a, b, c] => return (None, self.plain_completion([a, b, c], exclude)),
                [a, b, c, d] => return (None, self.plain_completion([a, b, c, d], exclude)),
                _ => {}
            }
        }
        if self.plain {
            // The common case gets a reach unrolled over its few skus.
            match *open {
                [a] => return self.scan_with(open, exclude, pick, complete, plain_reach(p, [a])),
                [a, b] => return self.scan_with(open, exclude, pick, complete, plain_reach(p, [a, b])),
                [a, b, c] => return self.scan_with(open, exclude, pick, complete, plain_reach(p, [a, b, c])),
                [a, b, c, d] => return self.scan_with(open, exclude, pick, complete, plain_reach(p, [a, b, c, d])),
                _ => {}
            }
        }
        let mut left = std::mem::take(&mut self.left);
        let found = self.scan_with(open, exclude, pick, complete, |c| self.reach_into(c, open, &mut left));
        self.left = left;
        found
    }

    /// [`Greedy::scan`] with `reach(c)`: what candidate `c` adds to `open`.
    #[inline(always)]
    fn scan_with(
        &self,
        open: &[u32],
        exclude: &[usize],
        pick: bool,
        complete: bool,
        mut reach: impl FnMut(usize) -> (u32, V),
    ) -> (Option<usize>, Option<usize>) {
        let p = self.p;
        let needed: u32 = open.iter().sum();
        let mut best_pick: Option<Fill<V>> = None;
        let mut best_fill: Option<LazyFill<V>> = None;
        // What a node's fixed bound must beat to matter: the pick per unit of what is open
        // (over no unit before there is one: everything beats it), and the exact score of a
        // fill of everything open (nothing exceeds MAX before there is one).
        let mut pick_bar = (V::MAX, 0);
        let mut fill_bar = V::MAX;
        // Only holders of an open sku can add anything: when one sku is open, scan its holders.
        let among = only_open_group(p, open).map(|g| p.holders(g));
        let count = among.map_or(p.cands.len(), <[u32]>::len);
        for i in 0..count {
            let c = among.map_or(i, |h| h.get(i).map_or(usize::MAX, |&c| c as usize));
            let lb = self.fixed_lb(c);
            let want_pick = pick && lb.per_unit_cmp(needed, &pick_bar.0, pick_bar.1).is_lt();
            let want_fill = complete && lb <= fill_bar;
            if !(want_pick || want_fill) || exclude.contains(&c) {
                continue;
            }
            let (units, part) = reach(c);
            if units == 0 {
                continue;
            }
            if want_pick {
                self.offer_pick(c, units, part, &mut best_pick);
                if let Some(b) = &best_pick {
                    pick_bar = (b.2, b.1);
                }
            }
            if want_fill && (p.backorder || units == needed) {
                self.offer_fill_lazily(c, units, part, &mut best_fill);
                if let Some(LazyFill { units, exact: Some(e), .. }) = &best_fill
                    && *units == needed
                {
                    fill_bar = *e;
                }
            }
        }
        (best_pick.map(|b| b.0), best_fill.map(|b| b.c))
    }

    /// The best set found, if any.
    /// Searches; true when a set was found (left in the work's `best`).
    fn run(mut self) -> bool {
        let p = self.p;
        let (single, anchors) = self.first_pass();
        if let Some((c, _, _)) = single {
            self.best.offer(p, &[c]);
        }
        if p.kmax >= 2 && anchors.len > 0 {
            self.cover_and_pairs(anchors.as_slice());
        }
        let found = self.best.set().is_some();
        self.work.best = self.best.into_set();
        self.work.left = self.left;
        found
    }

    /// The set cover from the best anchor, the cover minus each node, and each anchor with its
    /// best completion.
    fn cover_and_pairs(&mut self, anchors: &[Fill<V>]) {
        let p = self.p;
        let mut pairs = [[0usize; 2]; ANCHORS];
        let mut n_pairs = 0;
        let mut push_pair = |pair: [usize; 2]| {
            if let Some(slot) = pairs.get_mut(n_pairs) {
                *slot = pair;
                n_pairs += 1;
            }
        };
        let (mut open, mut cover, mut fewer) = (
            std::mem::take(&mut self.work.open),
            std::mem::take(&mut self.work.cover),
            std::mem::take(&mut self.work.fewer),
        );
        let refill = |open: &mut Vec<u32>| {
            open.clear();
            open.extend(p.lines.iter().map(|l| l.qty));
        };
        // Set cover by score per unit added; its first pick is the best anchor, whose best
        // completion the same scan finds.
        let Some(&(a0, _, _)) = anchors.first() else { return };
        cover.clear();
        cover.push(a0);
        refill(&mut open);
        self.consume(a0, &mut open);
        // Completion scans done so far: what was open after which anchor, and the best
        // completion found. Anchors often leave the same units open (two warehouses lacking
        // the same item); then the earlier answer settles the later one.
        let mut done = std::mem::take(&mut self.work.done);
        done.clear();
        let mut done_by = [(0usize, None); ANCHORS];
        let mut n_done = 0;
        while open.iter().any(|&u| u > 0) && cover.len() < p.kmax {
            let first = cover.len() == 1;
            let (pick, completion) = self.scan(&open, &cover, true, first);
            if first {
                done.extend_from_slice(&open);
                done_by[0] = (a0, completion);
                n_done = 1;
            }
            if let Some(c) = completion {
                push_pair([a0, c]);
            }
            let Some(c) = pick else { break };
            self.consume(c, &mut open);
            cover.push(c);
        }
        if cover.len() > 1 {
            self.best.offer(p, &cover);
            if cover.len() > 2 {
                for skip in 0..cover.len() {
                    fewer.clear();
                    fewer.extend(cover.iter().enumerate().filter(|&(i, _)| i != skip).map(|(_, &c)| c));
                    self.best.offer(p, &fewer);
                }
            }
        }
        // Anchor + the single node that best completes it.
        for &(a, _, _) in anchors.iter().skip(1) {
            refill(&mut open);
            self.consume(a, &mut open);
            if open.iter().all(|&u| u == 0) {
                continue; // the anchor fills the order alone: the single pass saw it
            }
            let lines = open.len();
            let earlier = (0..n_done).find(|&i| done.get(i * lines..(i + 1) * lines) == Some(&open[..]));
            let completion = match earlier.and_then(|i| done_by.get(i)) {
                Some(&(before, prev)) if prev != Some(a) => {
                    self.best_completion_of(&open, prev.into_iter().chain([before]))
                }
                _ => self.scan(&open, &[a], false, true).1,
            };
            if let Some(slot) = done_by.get_mut(n_done) {
                done.extend_from_slice(&open);
                *slot = (a, completion);
                n_done += 1;
            }
            if let Some(c) = completion {
                push_pair([a, c]);
            }
        }
        self.work.done = done;
        for pair in pairs.iter().take(n_pairs) {
            self.best.offer(p, pair);
        }
        (self.work.open, self.work.cover, self.work.fewer) = (open, cover, fewer);
    }
}
