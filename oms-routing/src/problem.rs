//! One order under one strategy, ready for an engine: the candidate nodes that survived the
//! filters, what each can supply, and the cost model both engines share.

use crate::admission::{Admission, Gate};
use crate::candidates::{Candidates, NARROW};
use crate::explain::Removal;
use crate::gather::{Gather, Slots};
use crate::network::{NodeFacts, Target};
use crate::rules::strategy::Strategy;
use crate::score::{Measure, Objective, Score};
use crate::{Cost, Destination, Error, Network, NodeIndex, Request, Result, StockView, Usage};

/// Reusable buffers for routing many orders without allocating per order. Create one per
/// thread and pass it to [`Router::route_with`](crate::Router::route_with).
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    slots: Slots,
    /// Transfer cost to the current pickup point per node, in millionths (-1: no path).
    transfer: Vec<i64>,
    /// Buffers lent to each problem and returned after it.
    cands: Candidates,
    holders: Vec<u32>,
    spans: Vec<(u32, u32)>,
    firsts: Vec<usize>,
    lines: Vec<LineNeed>,
    demand: Vec<u32>,
    held: Vec<u64>,
    /// The greedy engine's buffers.
    pub(crate) greedy: crate::engine::greedy::Work,
}

impl Scratch {
    /// Empty buffers; they grow to the network's size on first use.
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

/// How a candidate reaches the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Ships to the customer's address.
    Ship,
    /// Transfers to the pickup point over lanes, at this path cost.
    Transfer(Cost),
    /// Is the pickup point itself.
    Local,
}

#[derive(Clone, Debug)]
pub(crate) struct LineNeed {
    pub qty: u32,
    pub group: usize,
    /// Value of one unit in millionths (for the minimum shipment value).
    pub value: i64,
}

/// One order under one strategy.
pub(crate) struct Problem<'a> {
    pub network: &'a Network,
    pub request: &'a Request,
    objective: &'a Objective,
    pub kmax: usize,
    pub backorder: bool,
    pub split_lines: bool,
    /// Minimum shipment value in millionths, when set.
    pub min_value: Option<i64>,
    pub lines: Vec<LineNeed>,
    pub demand: Vec<u32>,
    pub cands: Candidates,
    pub removed: Vec<(NodeIndex, Removal)>,
    /// Candidates offering each group, in the order they were gathered (not necessarily
    /// ascending when an earlier sku created some of them): `holders[spans[g].0..spans[g].1]`.
    holders: Vec<u32>,
    spans: Vec<(u32, u32)>,
    /// True when no two lines share a sku (the common case, with a faster path).
    pub distinct: bool,
    /// Units held anywhere per group, before filters.
    pub held: Vec<u64>,
    pub total: u32,
    point: Option<Target>,
}

/// The distance-dependent parts of a candidate's fixed score, at `km` (floored for a bound).
#[inline]
pub(crate) fn distance_part(objective: &Objective, facts: &NodeFacts, source: Source, km: f64, floor: bool) -> Score {
    let mut s = Score::default();
    if source == Source::Local {
        return s;
    }
    if objective.cost_only {
        if source == Source::Ship {
            let c = if floor { facts.cost_per_km.per_km_floor(km) } else { facts.cost_per_km.per_km_fast(km) };
            s.0[0] = c.micros();
        }
        return s;
    }
    for term in &objective.terms {
        let v = match term.measure {
            Measure::Cost if source == Source::Ship => {
                if floor { facts.cost_per_km.per_km_floor(km) } else { facts.cost_per_km.per_km_fast(km) }.micros()
            }
            // km ≥ 0: truncation is floor, +0.5 then truncation rounds half up (no libm call).
            Measure::Distance => (if floor { km * 1000.0 } else { km * 1000.0 + 0.5 }) as i64,
            _ => continue,
        };
        s.0[term.level] = s.0[term.level].saturating_add(term.scale(v));
    }
    s
}

impl<'a> Problem<'a> {
    /// Gathers the candidates for `request` under `strategy`.
    #[allow(clippy::too_many_arguments)] // the order, its rules and the state it is routed against
    pub fn build(
        network: &'a Network,
        strategy: &'a Strategy,
        objective: &'a Objective,
        admission: &'a Admission,
        request: &'a Request,
        stock: &dyn StockView,
        usage: &'a Usage,
        scratch: &mut Scratch,
    ) -> Result<Problem<'a>> {
        // Lines of one sku form a group; `firsts[g]` is the first line of group g.
        let mut firsts = std::mem::take(&mut scratch.firsts);
        let mut demand = std::mem::take(&mut scratch.demand);
        let mut lines = std::mem::take(&mut scratch.lines);
        firsts.clear();
        demand.clear();
        lines.clear();
        let all = request.lines();
        let min_value = strategy.split.min_shipment_value;
        for (i, line) in all.iter().enumerate() {
            let group = match firsts.iter().position(|&f| all.get(f).is_some_and(|l| l.sku == line.sku)) {
                Some(g) => g,
                None => {
                    firsts.push(i);
                    demand.push(0);
                    demand.len() - 1
                }
            };
            demand[group] = demand[group].saturating_add(line.quantity);
            let value = match (min_value, line.unit_value) {
                (Some(min), Some(v)) if v.currency() != min.currency() => {
                    return Err(Error::InvalidRequest {
                        order: request.order().clone(),
                        problem: format!(
                            "line {} is valued in {} but the minimum shipment value is in {}",
                            line.id,
                            v.currency(),
                            min.currency()
                        ),
                    });
                }
                (Some(_), Some(v)) => Cost::from_decimal(v.amount()).map_or(i64::MAX, Cost::micros),
                _ => 0,
            };
            lines.push(LineNeed { qty: line.quantity, group, value });
        }
        let groups = demand.len();
        let (point, pickup) = match request.destination() {
            Destination::Ship { to } => (Some(*to), None),
            Destination::Pickup { at } => {
                let p = network.index_of(at);
                (p.and_then(|p| network.node(p)).map(|n| n.location()), p)
            }
        };
        scratch.slots.begin(network.len());
        for id in request.excluded() {
            if let Some(ix) = network.index_of(id) {
                scratch.slots.exclude(ix);
            }
        }
        if let Some(p) = pickup {
            if scratch.transfer.len() != network.len() {
                scratch.transfer = vec![-1; network.len()];
            }
            for &(source, cost) in network.transfers_to(p) {
                scratch.transfer[source.get()] = cost.micros();
            }
        }
        let mut cands = std::mem::take(&mut scratch.cands);
        let mut holders = std::mem::take(&mut scratch.holders);
        let mut spans = std::mem::take(&mut scratch.spans);
        let mut held = std::mem::take(&mut scratch.held);
        // Each line its own sku and lines split freely: what a node could supply is a few
        // minimums, kept as its stock is gathered.
        let plain = (groups == lines.len() && strategy.split.split_lines && groups <= NARROW).then(|| {
            let mut qty = [0; NARROW];
            for (q, line) in qty.iter_mut().zip(&lines) {
                *q = line.qty;
            }
            qty
        });
        cands.reset(!objective.single_level, groups, plain);
        held.clear();
        held.resize(groups, 0);
        let mut removed = Vec::new();
        let target = point.map(Target::new);
        let mut gather = Gather {
            gate: Gate {
                network,
                request,
                strategy,
                objective,
                admission,
                usage,
                point: target,
                pickup,
                transfer: &scratch.transfer,
            },
            slots: &mut scratch.slots,
            cands: &mut cands,
            removed: &mut removed,
            held: &mut held,
            holders: &mut holders,
            spans: &mut spans,
        };
        gather.run(stock, groups, |g| firsts.get(g).and_then(|&l| all.get(l)).map(|l| &l.sku));
        scratch.firsts = firsts;
        if let Some(p) = pickup {
            for &(source, _) in network.transfers_to(p) {
                scratch.transfer[source.get()] = -1;
            }
        }
        let total = demand.iter().fold(0u32, |a, &d| a.saturating_add(d));
        let mut problem = Problem {
            network,
            request,
            objective,
            kmax: strategy.split.max_nodes(),
            backorder: strategy.partial == crate::PartialPolicy::Backorder,
            split_lines: strategy.split.split_lines,
            min_value: min_value.map(|m| Cost::from_decimal(m.amount()).map_or(i64::MAX, Cost::micros)),
            distinct: groups == lines.len(),
            lines,
            demand,
            cands,
            removed,
            holders,
            spans,
            held,
            total,
            point: target,
        };
        if !problem.cands.keeps_could() {
            let open: Vec<u32> = problem.lines.iter().map(|l| l.qty).collect();
            let mut left = Vec::with_capacity(groups);
            let mut could = Vec::with_capacity(problem.cands.len());
            for c in 0..problem.cands.len() {
                could.push(problem.reach_units(c, &open, &mut left));
            }
            problem.cands.set_could(|_, c| could.get(c).copied().unwrap_or(0));
        }
        Ok(problem)
    }

    /// Hands the problem's buffers back for the next order.
    pub fn recycle(self, scratch: &mut Scratch) {
        scratch.cands = self.cands;
        scratch.holders = self.holders;
        scratch.spans = self.spans;
        scratch.lines = self.lines;
        scratch.demand = self.demand;
        scratch.held = self.held;
    }

    /// The candidates offering group `g`.
    #[inline]
    pub fn holders(&self, g: usize) -> &[u32] {
        match self.spans.get(g) {
            Some(&(a, b)) => self.holders.get(a as usize..b as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Units of every group candidate `c` can supply.
    #[inline]
    pub fn supply_row(&self, c: usize) -> &[u32] {
        self.cands.supply_row(c)
    }

    /// Units of group `g` candidate `c` can supply (stock after safety).
    #[inline]
    pub fn supply(&self, c: usize, g: usize) -> u32 {
        self.cands.supply_row(c).get(g).copied().unwrap_or(0)
    }

    /// The candidate's exact distance to the destination (priced on first use).
    fn km(&self, c: usize) -> f64 {
        let km = self.cands.km(c);
        if km.get().is_nan()
            && let Some(to) = &self.point
        {
            km.set(self.network.facts(self.cands.node(c)).km_to(to));
        }
        km.get()
    }

    /// The candidate's exact fixed score (prices the distance on first use).
    pub fn fixed(&self, c: usize) -> Score {
        if self.objective.cost_only {
            // One level: the same sum, without the other levels' arithmetic.
            let mut s = Score::default();
            s.0[0] = self.fixed_first(c);
            return s;
        }
        let source = self.cands.source(c);
        let km = if source == Source::Local { 0.0 } else { self.km(c) };
        self.cands.base(c) + distance_part(self.objective, self.network.facts(self.cands.node(c)), source, km, false)
    }

    /// First level of [`Problem::fixed`], without building the other levels when the ranking
    /// is cost alone (the scenario's objective).
    #[inline]
    pub fn fixed_first(&self, c: usize) -> i64 {
        if !self.objective.cost_only {
            return self.fixed(c).0[0];
        }
        let base = self.cands.base_first(c);
        match self.cands.source(c) {
            Source::Ship => {
                let per_km = self.network.facts(self.cands.node(c)).cost_per_km;
                base.saturating_add(per_km.per_km_fast(self.km(c)).micros())
            }
            Source::Transfer(_) | Source::Local => base,
        }
    }

    /// True when the ranking has one level: every score is its first `i64`.
    #[inline]
    pub fn single_level(&self) -> bool {
        self.objective.single_level
    }

    /// Lexicographic levels the objective uses (1 for cost alone or any weighted ranking).
    pub fn levels(&self) -> usize {
        self.objective.terms.iter().map(|t| t.level + 1).max().unwrap_or(1)
    }

    /// True when the per-unit score depends on the sku (a stock-depth ranker).
    #[inline]
    pub fn has_depth(&self) -> bool {
        self.objective.has_depth
    }

    /// Per-unit score of taking group `g` from candidate `c`.
    #[inline]
    pub fn unit_score(&self, c: usize, g: usize) -> Score {
        let s = self.cands.unit(c);
        if !self.objective.has_depth {
            return s;
        }
        self.with_depth(s, c, g)
    }

    /// `s` plus the stock-depth parts of taking group `g` from candidate `c`: out of line, so
    /// the common ranking's unit score stays a few loads where it is asked.
    #[inline(never)]
    fn with_depth(&self, mut s: Score, c: usize, g: usize) -> Score {
        let held = self.supply(c, g).max(1);
        for term in self.objective.terms.iter().filter(|t| t.measure == Measure::Depth) {
            s.0[term.level] = s.0[term.level].saturating_add(term.scale(1_000_000 / i64::from(held)));
        }
        s
    }

    /// The spec cost of the candidate's shipment carrying `units` (exact distance).
    pub fn shipment_cost(&self, c: usize, units: u32) -> Cost {
        let facts = self.network.facts(self.cands.node(c));
        let fixed = match self.cands.source(c) {
            Source::Ship => facts.ship_cost(self.km(c)),
            Source::Transfer(t) => t,
            Source::Local => Cost::ZERO,
        };
        fixed + facts.unit_cost.times(units)
    }

    /// What candidate `c` would take of the `open` units of each line: stock (shared by lines of
    /// one sku), capacity, and whole lines when lines may not be split (a partial line only when
    /// backordering). The one definition every engine step uses.
    #[inline]
    pub fn reach_units(&self, c: usize, open: &[u32], left: &mut Vec<u32>) -> u32 {
        let row = self.supply_row(c);
        let mut cap = self.cands.cap(c);
        let mut units = 0u32;
        if self.distinct && self.split_lines {
            // Capacity caps the sum: no need to thread it through the lines.
            for (need, &want) in self.lines.iter().zip(open) {
                units = units.saturating_add(want.min(row.get(need.group).copied().unwrap_or(0)));
            }
            return units.min(cap);
        }
        if self.distinct {
            for (need, &want) in self.lines.iter().zip(open) {
                if want > 0 {
                    let t = self.take(want, row.get(need.group).copied().unwrap_or(0).min(cap));
                    cap -= t;
                    units += t;
                }
            }
            return units;
        }
        left.clear();
        left.extend_from_slice(row);
        for (need, &want) in self.lines.iter().zip(open) {
            if want == 0 {
                continue;
            }
            let Some(have) = left.get_mut(need.group) else { continue };
            let t = self.take(want, (*have).min(cap));
            *have -= t;
            cap -= t;
            units += t;
        }
        units
    }

    /// Units of a line wanting `want` that a node offering `have` supplies.
    #[inline]
    pub fn take(&self, want: u32, have: u32) -> u32 {
        if self.split_lines || have >= want {
            want.min(have)
        } else if self.backorder {
            have
        } else {
            0
        }
    }
}
