//! The branch-and-bound tree over source-node sets.
//!
//! A tree node is a set `S` of nodes forced in and a set `X` forced out; the other live
//! candidates are free. At each tree node:
//! 1. units: with what `S` and the free nodes hold, can a plan still fill as many units as the
//!    incumbent (every unit, when the order is rejected unless filled)? If not, prune;
//! 2. score: the relaxation's bound for plans that contain `S`, avoid `X` and fill those units;
//!    prune when it exceeds the incumbent (strictly: a plan of equal score may still win the tie
//!    on fewer shipments or smaller node ids);
//! 3. `S` itself is priced exactly ([`assign::evaluate`]) when it holds enough stock;
//! 4. branch. If some sku group is short in `S`, every better plan adds one of the group's free
//!    holders: child `i` forces holder `i` in and holders `1..i` out (set-cover branching, most
//!    promising holder first; with backorders a last child forces all of them out and leaves
//!    the group short). If nothing is short, children add any free node (a cheaper unit source).
//!    A child whose holder is dominated by a node already forced out is skipped.
//!
//! Every plan better than the incumbent is reachable, so when the tree is exhausted the
//! incumbent is optimal. The walk is iterative (an explicit stack), so no order can overflow
//! the call stack however many candidates it has.

use std::cmp::Ordering;

use crate::engine::optimal::budget::Meter;
use crate::engine::optimal::cover::Cover;
use crate::engine::optimal::relaxation::{Bound, Duals, Model, slack};
use crate::engine::{Solution, assign, compare};
use crate::problem::Problem;

/// Group `g` as a bit. Groups past 63 have none; the cover table, the only reader of these bit
/// sets, picks its groups among the first 64.
fn bit(g: usize) -> usize {
    1usize.checked_shl(g as u32).unwrap_or(0)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Free,
    In,
    Out,
}

struct Frame {
    /// Children: `kids[start..start + len]`.
    start: usize,
    len: usize,
    next: usize,
    /// The child being explored (forced in), to force out when its subtree is done.
    current: Option<u32>,
    /// With backorders: a last child with every holder forced out.
    skip: bool,
    /// Whether children may be skipped on their bound (the incumbent fills as many units as
    /// this subtree can).
    cut: bool,
}

/// One live candidate, in tree order.
struct Member {
    cand: usize,
    /// The groups it offers, as the cover table's bits.
    covered: usize,
    /// Lower bounds of the reduced cost and of its positive and negative parts (integers).
    rc: i64,
    pos: i64,
    neg: i64,
}

/// What the tree bounds with: the order's model, the Lagrangian multipliers, the cover table
/// (when the order has few enough groups) and the units of each group it was built for.
pub(super) struct Bounds<'s> {
    pub model: &'s Model,
    pub duals: &'s Duals,
    pub cover: Option<&'s Cover>,
    pub targets: &'s [u32],
}

pub(super) struct Tree<'s, 'a> {
    p: &'s Problem<'a>,
    model: &'s Model,
    lambda: &'s [f64],
    cover: Option<&'s Cover>,
    /// The units of each group the cover bound was built for.
    targets: &'s [u32],
    /// `Σ_S F`, exact in `f64` (integers below 2^52).
    fixed_in: f64,
    members: Vec<Member>,
    /// Tree positions of each group's holders, in tree order.
    holders: Vec<Vec<u32>>,
    /// The same, cheapest fixed score first.
    cheapest: Vec<Vec<u32>>,
    /// Every member, cheapest fixed score first.
    by_fixed: Vec<u32>,
    /// Per group, its holders by amortized unit score `U + F / units the node can ship`, with
    /// that score: what a unit costs at least when it comes from a node not yet opened.
    amortized: Vec<Vec<(f64, u32)>>,
    /// `t[g] · min U[g]` over the members holding `g`.
    least_units: Vec<f64>,
    dominators: Vec<Vec<u32>>,
    status: Vec<Status>,
    chosen: Vec<usize>,
    inside: Vec<u32>,
    avail: Vec<u32>,
    /// `Σ_live min(0, rc)`, and `Σ_S max(0, rc) + Σ_X max(0, −rc)`, exact integers.
    base: i64,
    penalty: i64,
    /// `Σ_S rc`, for the bound with a shipment limit.
    rc_in: i64,
    kids: Vec<u32>,
    ranked: Vec<(f64, u32)>,
    per_unit: Vec<f64>,
    /// A lower bound for each child, to skip those that cannot win without visiting them.
    kid_bounds: Vec<f64>,
    stack: Vec<Frame>,
    pub best: Option<Solution>,
    best_scalar: f64,
    pub meter: Meter<'s>,
}

impl<'s, 'a> Tree<'s, 'a> {
    /// A tree over the live candidates, most promising first (lowest reduced cost, then network
    /// order, so the walk does not depend on the order candidates were gathered in).
    pub fn new(
        p: &'s Problem<'a>,
        bounds: Bounds<'s>,
        live: &[bool],
        best: Option<Solution>,
        meter: Meter<'s>,
    ) -> Tree<'s, 'a> {
        let Bounds { model, duals, cover, targets } = bounds;
        let groups = model.groups();
        let mut members: Vec<(f64, Member)> = Vec::with_capacity(live.iter().filter(|l| **l).count());
        for (c, _) in live.iter().enumerate().filter(|(_, l)| **l) {
            let r = duals.rounded(model, c);
            let covered = cover.map_or(0, |cover| cover.project(model.mask(c)));
            members.push((duals.reduced(model, c), Member { cand: c, covered, rc: r.rc, pos: r.pos, neg: r.neg }));
        }
        members.sort_by(|(ra, a), (rb, b)| {
            ra.partial_cmp(rb).unwrap_or(Ordering::Equal).then(p.cands.node(a.cand).cmp(&p.cands.node(b.cand)))
        });
        let members: Vec<Member> = members.into_iter().map(|(_, m)| m).collect();
        let mut holders = vec![Vec::new(); groups];
        let mut avail = vec![0u32; groups];
        let mut base = 0i64;
        for (i, m) in members.iter().enumerate() {
            base = base.saturating_add(m.rc.min(0));
            for o in model.offers_of(m.cand) {
                holders[o.group as usize].push(i as u32);
                avail[o.group as usize] = avail[o.group as usize].saturating_add(o.units);
            }
        }
        let mut least_units = vec![f64::INFINITY; groups];
        for m in &members {
            for o in model.offers_of(m.cand) {
                let g = o.group as usize;
                least_units[g] = least_units[g].min(f64::from(targets.get(g).copied().unwrap_or(0)) * o.unit);
            }
        }
        for u in &mut least_units {
            if !u.is_finite() {
                *u = 0.0;
            }
        }
        let mut amortized: Vec<Vec<(f64, u32)>> = vec![Vec::new(); groups];
        for (i, m) in members.iter().enumerate() {
            let offers = model.offers_of(m.cand);
            let reach = offers.iter().map(|o| f64::from(o.units)).sum::<f64>().min(f64::from(p.cands.cap(m.cand)));
            let share = if reach > 0.0 { model.fixed[m.cand] / reach } else { f64::INFINITY };
            for o in offers {
                // Rounded down a little: a lower bound whatever the rounding of the division.
                let a = (o.unit + share) * (1.0 - 1e-12);
                amortized[o.group as usize].push((a, i as u32));
            }
        }
        for list in &mut amortized {
            list.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        let mut cheapest = holders.clone();
        for list in &mut cheapest {
            list.sort_by(|&a, &b| {
                let (fa, fb) = (model.fixed[members[a as usize].cand], model.fixed[members[b as usize].cand]);
                fa.partial_cmp(&fb).unwrap_or(Ordering::Equal).then(a.cmp(&b))
            });
        }
        let mut by_fixed: Vec<u32> = (0..members.len() as u32).collect();
        by_fixed.sort_by(|&a, &b| {
            let (fa, fb) = (model.fixed[members[a as usize].cand], model.fixed[members[b as usize].cand]);
            fa.total_cmp(&fb).then(a.cmp(&b))
        });
        let dominators = if p.min_value.is_none() {
            super::dominance::dominators(p, model, &members.iter().map(|m| m.cand).collect::<Vec<_>>())
        } else {
            Vec::new()
        };
        let best_scalar = best.as_ref().map_or(f64::INFINITY, |b| model.scalar(&b.score));
        Tree {
            p,
            model,
            lambda: &duals.lambda,
            cover,
            targets,
            fixed_in: 0.0,
            status: vec![Status::Free; members.len()],
            members,
            holders,
            cheapest,
            by_fixed,
            amortized,
            least_units,
            dominators,
            chosen: Vec::new(),
            inside: vec![0; groups],
            avail,
            base,
            penalty: 0,
            rc_in: 0,
            kids: Vec::new(),
            ranked: Vec::new(),
            per_unit: Vec::new(),
            kid_bounds: Vec::new(),
            stack: Vec::new(),
            best,
            best_scalar,
            meter,
        }
    }

    /// Walks the tree until it is exhausted or the budget runs out.
    pub fn run(&mut self) {
        self.expand(false);
        while let Some(top) = self.stack.last_mut() {
            let done = top.current.take();
            let child = (top.next < top.len).then(|| {
                top.next += 1;
                (self.kids[top.start + top.next - 1], self.kid_bounds[top.start + top.next - 1])
            });
            let cut = top.cut;
            let skip = child.is_none() && std::mem::take(&mut top.skip);
            let (start, len) = (top.start, top.len);
            if let Some(h) = done {
                self.release(h);
                self.exclude(h);
            }
            if self.meter.exhausted() {
                return;
            }
            if let Some((h, bound)) = child {
                // Children are ranked by bound: once one cannot win, neither can the rest.
                if cut && bound > self.best_scalar {
                    self.exclude(h);
                    continue;
                }
                if self.dominated(h) {
                    self.exclude(h);
                    continue;
                }
                if let Some(top) = self.stack.last_mut() {
                    top.current = Some(h);
                }
                self.include(h);
                self.expand(true);
            } else if skip {
                self.expand(false);
            } else {
                for i in start..start + len {
                    let h = self.kids[i];
                    self.restore(h);
                }
                self.kids.truncate(start);
                self.kid_bounds.truncate(start);
                self.stack.pop();
            }
        }
    }

    fn include(&mut self, h: u32) {
        let m = &self.members[h as usize];
        self.status[h as usize] = Status::In;
        self.chosen.push(m.cand);
        self.fixed_in += self.model.fixed[m.cand];
        self.penalty = self.penalty.saturating_add(m.pos);
        self.rc_in = self.rc_in.saturating_add(m.rc);
        for o in self.model.offers_of(m.cand) {
            self.inside[o.group as usize] += o.units;
        }
    }

    fn release(&mut self, h: u32) {
        let m = &self.members[h as usize];
        self.status[h as usize] = Status::Free;
        self.chosen.pop();
        self.fixed_in -= self.model.fixed[m.cand];
        self.penalty = self.penalty.saturating_sub(m.pos);
        self.rc_in = self.rc_in.saturating_sub(m.rc);
        for o in self.model.offers_of(m.cand) {
            self.inside[o.group as usize] -= o.units;
        }
    }

    fn exclude(&mut self, h: u32) {
        let m = &self.members[h as usize];
        self.status[h as usize] = Status::Out;
        self.penalty = self.penalty.saturating_add(m.neg);
        for o in self.model.offers_of(m.cand) {
            self.avail[o.group as usize] -= o.units;
        }
    }

    fn restore(&mut self, h: u32) {
        if self.status[h as usize] != Status::Out {
            return;
        }
        let m = &self.members[h as usize];
        self.status[h as usize] = Status::Free;
        self.penalty = self.penalty.saturating_sub(m.neg);
        for o in self.model.offers_of(m.cand) {
            self.avail[o.group as usize] += o.units;
        }
    }

    /// A node that dominates `h` is forced out: any plan using `h` here is beaten by the same
    /// plan with that node instead, which an earlier branch covers.
    fn dominated(&self, h: u32) -> bool {
        self.dominators.get(h as usize).is_some_and(|ds| ds.iter().any(|&d| self.status[d as usize] == Status::Out))
    }

    /// Units of group `g` a plan in this subtree fills at most.
    fn reach(&self, g: usize) -> u32 {
        self.model.demand[g].min(self.avail[g])
    }

    /// The best bound for plans in this subtree that fill `reach(g)` of every group: the cover
    /// bound when those are the targets it was built for (`full`), else the Lagrangian.
    fn bound(&mut self, full: bool) -> Bound {
        let lagrangian = self.lagrangian();
        if !full {
            return lagrangian;
        }
        // A group `S` holds too little of needs one more node: at least the cheapest free
        // holder's fixed score, on top of `S`'s and every unit at its cheapest.
        let groups = self.model.groups();
        let mut extra = 0.0f64;
        let mut held = 0usize;
        for g in 0..groups {
            if self.inside[g] > 0 {
                held |= bit(g);
            }
            if self.inside[g] < self.reach(g) {
                let cheapest = self.cheapest[g]
                    .iter()
                    .find(|&&h| self.status[h as usize] == Status::Free)
                    .map_or(f64::INFINITY, |&h| self.model.fixed[self.members[h as usize].cand]);
                extra = extra.max(cheapest);
            }
        }
        let units: f64 = self.least_units.iter().sum();
        let mut best = Bound { value: self.fixed_in + extra + units, slack: 0.5 };
        let mut per_unit = std::mem::take(&mut self.per_unit);
        let amortized = self.amortized_bound(&mut per_unit);
        self.per_unit = per_unit;
        if amortized > best.value {
            best.value = amortized;
        }
        if let Some(cover) = self.cover {
            let mut covered = cover.bound(self.fixed_in, cover.project(held));
            if self.inside.iter().all(|&u| u > 0) {
                // Every group held: no other node is counted yet.
                covered.value += extra;
            }
            if covered.value > best.value {
                best = covered;
            }
        }
        if lagrangian.value - lagrangian.slack > best.value - best.slack { lagrangian } else { best }
    }

    /// The amortized bound: each unit from a forced node costs at least its unit score there,
    /// from a node not yet opened at least that node's amortized score. Leaves each group's
    /// cheapest per-unit score in `per_unit`.
    fn amortized_bound(&self, per_unit: &mut Vec<f64>) -> f64 {
        let groups = self.model.groups();
        per_unit.clear();
        for g in 0..groups {
            per_unit.push(
                self.amortized[g]
                    .iter()
                    .find(|&&(_, h)| self.status[h as usize] == Status::Free)
                    .map_or(f64::INFINITY, |&(a, _)| a),
            );
        }
        for &c in &self.chosen {
            for o in self.model.offers_of(c) {
                let u = &mut per_unit[o.group as usize];
                *u = u.min(o.unit);
            }
        }
        let total = self.fixed_in
            + (0..groups).filter(|&g| self.reach(g) > 0).map(|g| f64::from(self.reach(g)) * per_unit[g]).sum::<f64>();
        total - total.abs() * 1e-12
    }

    /// `Σ_g reach(g) · λ[g]`.
    fn demand_part(&self) -> f64 {
        self.lambda.iter().enumerate().map(|(g, &l)| f64::from(self.reach(g)) * l).sum()
    }

    /// The Lagrangian bound for plans in this subtree that fill `reach(g)` of every group.
    fn lagrangian(&self) -> Bound {
        let demand = self.demand_part();
        let magnitude = demand.abs();
        let open = self.p.kmax.saturating_sub(self.chosen.len());
        let nodes = if open >= self.members.len() {
            self.base.saturating_add(self.penalty)
        } else {
            // At most `open` more nodes: only the most negative free reduced costs count.
            let mut sum = self.rc_in;
            let mut taken = 0;
            for (i, m) in self.members.iter().enumerate() {
                if taken == open || m.rc >= 0 {
                    break;
                }
                if self.status[i] == Status::Free {
                    sum = sum.saturating_add(m.rc);
                    taken += 1;
                }
            }
            sum
        };
        Bound { value: demand + nodes as f64, slack: slack(magnitude) }
    }

    /// Visits the current tree node: prunes, prices `S` when it changed (`fresh`), and pushes
    /// the node's children.
    fn expand(&mut self, fresh: bool) {
        if !self.meter.tick() {
            return;
        }
        let groups = self.model.groups();
        let reachable: u64 = (0..groups).map(|g| u64::from(self.reach(g))).sum();
        if !self.p.backorder && reachable < u64::from(self.p.total) {
            return;
        }
        if let Some(best) = &self.best {
            if reachable < u64::from(best.units) {
                return;
            }
            let full = (0..groups).all(|g| self.reach(g) == self.targets[g]);
            if reachable == u64::from(best.units) && self.bound(full).exceeds(self.best_scalar) {
                return;
            }
        }
        let covers = (0..groups).all(|g| self.inside[g] >= self.reach(g));
        if fresh && (self.p.backorder || covers) {
            self.price_chosen();
        }
        if self.chosen.len() >= self.p.kmax {
            return;
        }
        // The short group with the fewest free holders, or (nothing short) every free node.
        let mut pick: Option<(usize, usize)> = None;
        for g in 0..groups {
            if self.inside[g] >= self.reach(g) {
                continue;
            }
            let free = self.holders[g].iter().filter(|&&h| self.status[h as usize] == Status::Free).count();
            if pick.is_none_or(|(_, n)| free < n) {
                pick = Some((g, free));
            }
        }
        let start = self.kids.len();
        let full = (0..groups).all(|g| self.reach(g) == self.targets[g]);
        match pick {
            Some((g, _)) => {
                for &h in &self.holders[g] {
                    if self.status[h as usize] == Status::Free {
                        self.kids.push(h);
                    }
                }
            }
            None => {
                // `S` holds enough of everything: a larger set pays at least one more fixed score.
                let cheapest = self
                    .by_fixed
                    .iter()
                    .find(|&&h| self.status[h as usize] == Status::Free)
                    .map_or(f64::INFINITY, |&h| self.model.fixed[self.members[h as usize].cand]);
                let units: f64 = self.least_units.iter().sum();
                let beaten = self.best.as_ref().is_some_and(|b| reachable == u64::from(b.units))
                    && full
                    && self.fixed_in + cheapest + units - 1.0 > self.best_scalar;
                if !beaten {
                    for (h, s) in self.status.iter().enumerate() {
                        if *s == Status::Free {
                            self.kids.push(h as u32);
                        }
                    }
                }
            }
        }
        // Most promising child first: a good plan early prunes the rest.
        let base = self.demand_part() + (self.base.saturating_add(self.penalty)) as f64;
        let held = self.inside.iter().enumerate().fold(0usize, |m, (g, &u)| if u > 0 { m | bit(g) } else { m });
        let held_covered = self.cover.map_or(0, |cover| cover.project(held));
        let mut ranked = std::mem::take(&mut self.ranked);
        ranked.clear();
        let mut per_unit = std::mem::take(&mut self.per_unit);
        let amortized = if full { self.amortized_bound(&mut per_unit) } else { f64::NEG_INFINITY };
        for &h in &self.kids[start..] {
            let m = &self.members[h as usize];
            let lagrangian = base + m.pos as f64;
            let bound = match self.cover {
                Some(cover) if full => {
                    // The child's amortized bound from the parent's: its fixed score, and its
                    // units where they are cheaper (the parent's per-unit scores count it as
                    // free, a lower bound).
                    let mut child = amortized + self.model.fixed[m.cand];
                    for o in self.model.offers_of(m.cand) {
                        let g = o.group as usize;
                        if self.reach(g) == 0 || !per_unit[g].is_finite() {
                            continue;
                        }
                        let saved = per_unit[g] - per_unit[g].min(o.unit);
                        child -= f64::from(self.reach(g)) * saved * (1.0 + 1e-12);
                    }
                    cover
                        .bound(self.fixed_in + self.model.fixed[m.cand], held_covered | m.covered)
                        .value
                        .max(lagrangian)
                        .max(child)
                }
                _ => lagrangian,
            };
            ranked.push((bound, h));
        }
        self.per_unit = per_unit;
        ranked.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (i, &(bound, h)) in ranked.iter().enumerate() {
            self.kids[start + i] = h;
            // Allow for rounding: a child is skipped only when it loses by more than that.
            self.kid_bounds.push(bound - 1.0 - bound.abs() * 1e-12);
        }
        self.ranked = ranked;
        let len = self.kids.len() - start;
        let skip = self.p.backorder && pick.is_some();
        if len == 0 && !skip {
            return;
        }
        let cut = self.best.as_ref().is_some_and(|b| reachable == u64::from(b.units));
        self.stack.push(Frame { start, len, next: 0, current: None, skip, cut });
    }

    fn price_chosen(&mut self) {
        let Some(s) = assign::evaluate(self.p, &self.chosen) else { return };
        if !self.p.backorder && s.units < self.p.total {
            return;
        }
        if self.best.as_ref().is_none_or(|b| compare(self.p, &s, b) == Ordering::Less) {
            self.best_scalar = self.model.scalar(&s.score);
            self.best = Some(s);
        }
    }
}
