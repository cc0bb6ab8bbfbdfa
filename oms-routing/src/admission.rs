//! Admission: which nodes holding an order's skus become candidates, and which check or filter
//! removed the others (the first that fails is the one explanations name).
//!
//! Most of a strategy's checks do not depend on the order: whether a node is enabled, ships
//! or transfers, serves every channel, is of a kind and carries the tags the filters ask for,
//! what its scores are. [`Admission`] settles those once per router, so admitting a typical
//! node for an order is a capacity check and a distance bound. A node failing one of them, an
//! excluded node, and every node of a strategy with request-dependent rules (radius, capacity
//! left, code filters or rankers) go through the full list, in order.

use std::cell::Cell;
use std::sync::Arc;

use crate::candidates::Candidates;
use crate::cost::floor_per_km;
use crate::explain::Removal;
use crate::network::{NodeFacts, SHIP, TRANSFER, Target, km_lower_bound};
use crate::problem::{Source, distance_part};
use crate::rules::strategy::{FilterRule, Strategy};
use crate::score::{Measure, Objective, Score};
use crate::{Cost, Filter, Network, Node, NodeIndex, Request, Usage};

/// Bits of [`Admission::plain`]: the node passes every order-independent check when it ships
/// to the customer, or when it transfers to a pickup point.
const PLAIN_SHIP: u8 = 1;
const PLAIN_TRANSFER: u8 = 2;

/// A strategy's order-independent admission facts, computed once per router.
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    /// Per node, [`PLAIN_SHIP`] and [`PLAIN_TRANSFER`] bits.
    plain: Vec<u8>,
    /// The strategy has rules that depend on the request or on capacity beyond exhaustion
    /// (radius, capacity left, code filters or rankers): no node takes the short path.
    dynamic: bool,
    /// Units kept back per node by `min_stock` filters (empty when there are none).
    safety: Vec<u32>,
    /// Per node, for rankings other than cost alone: base score when shipping, base score
    /// without any cost part (pickup point; transfers add their path cost), unit score.
    ship_base: Vec<Score>,
    local_base: Vec<Score>,
    unit: Vec<Score>,
    /// Per node, what [`Gate::admit_shipping`] reads, when the ranking is cost alone and no
    /// rule depends on the order (empty otherwise).
    ship: Vec<ShipFacts>,
}

/// A node's facts for the short admission, in one record: one bounds check and one cache
/// line per candidate instead of three tables.
#[derive(Debug, Clone, Copy)]
struct ShipFacts {
    unit_vector: [f64; 3],
    /// Cost per km ([`Cost::rate_f64`]).
    per_km: f64,
    /// Shipment and unit costs, in millionths.
    shipment: i64,
    unit: i64,
    /// Passes every order-independent check when shipping ([`PLAIN_SHIP`]).
    plain: bool,
}

/// A filter that does not depend on the order: does `node` pass it?
fn static_filter_passes(filter: &Filter, node: &Node) -> bool {
    match filter {
        Filter::Kinds(kinds) => kinds.contains(&node.kind()),
        Filter::ExcludeKinds(kinds) => !kinds.contains(&node.kind()),
        Filter::RequireTags(tags) => tags.iter().all(|t| node.has_tag(t)),
        Filter::ExcludeTags(tags) => !tags.iter().any(|t| node.has_tag(t)),
        Filter::MinStock { .. } => true,
        Filter::RadiusKm(_) | Filter::CapacityLeft { .. } => false,
    }
}

/// The node's base and unit scores for a source, before distance: the one definition both
/// paths use. `request` is needed only by code rankers.
fn scores(
    objective: &Objective,
    strategy: &Strategy,
    facts: &NodeFacts,
    node: &Node,
    request: Option<&Request>,
    source: Source,
) -> (Score, Score) {
    let mut base = Score::default();
    let mut unit = Score::default();
    let source_cost = match source {
        Source::Ship => facts.shipment_cost.micros(),
        Source::Transfer(c) => c.micros(),
        Source::Local => 0,
    };
    if objective.cost_only {
        // The scenario's objective: one level, cost at its natural scale.
        unit.0[0] = facts.unit_cost.micros();
        base.0[0] = source_cost;
        return (base, unit);
    }
    for term in &objective.terms {
        let fixed = match term.measure {
            Measure::Cost => {
                unit.0[term.level] = unit.0[term.level].saturating_add(term.scale(facts.unit_cost.micros()));
                source_cost
            }
            Measure::Priority => i64::from(node.priority()),
            Measure::Shipments => 1,
            Measure::Code(i) => match request {
                Some(r) => strategy.code_rankers.get(i).map_or(0, |(_, ranker)| ranker.score(node, r).max(0)),
                None => 0,
            },
            Measure::Distance | Measure::Depth => 0,
        };
        base.0[term.level] = base.0[term.level].saturating_add(term.scale(fixed));
    }
    (base, unit)
}

impl Admission {
    pub fn new(network: &Network, strategy: &Strategy, objective: &Objective) -> Admission {
        let dynamic = !strategy.code_rankers.is_empty()
            || strategy.filters.iter().any(|f| match f {
                FilterRule::Data(d) => matches!(d, Filter::RadiusKm(_) | Filter::CapacityLeft { .. }),
                FilterRule::Code(..) => true,
            });
        let has_safety = strategy.filters.iter().any(|f| matches!(f, FilterRule::Data(Filter::MinStock { .. })));
        let mut adm = Admission {
            plain: Vec::with_capacity(network.len()),
            dynamic,
            safety: Vec::new(),
            ship_base: Vec::new(),
            local_base: Vec::new(),
            unit: Vec::new(),
            ship: Vec::new(),
        };
        for (i, node) in network.nodes().iter().enumerate() {
            let facts = network.facts(NodeIndex::new(i));
            let filters_pass = strategy.filters.iter().all(|f| match f {
                FilterRule::Data(d) => static_filter_passes(d, node),
                FilterRule::Code(..) => false,
            });
            let usable = facts.enabled && !facts.restricted && filters_pass;
            let mut bits = 0;
            if usable && facts.methods & SHIP != 0 {
                bits |= PLAIN_SHIP;
            }
            if usable && facts.methods & TRANSFER != 0 {
                bits |= PLAIN_TRANSFER;
            }
            adm.plain.push(bits);
            if objective.cost_only && !dynamic {
                adm.ship.push(ShipFacts {
                    unit_vector: facts.unit_vector,
                    per_km: facts.cost_per_km.rate_f64(),
                    shipment: facts.shipment_cost.micros(),
                    unit: facts.unit_cost.micros(),
                    plain: bits & PLAIN_SHIP != 0,
                });
            }
            if has_safety {
                adm.safety.push(safety_at(strategy, node));
            }
            if !objective.cost_only && !dynamic {
                let (ship, unit) = scores(objective, strategy, facts, node, None, Source::Ship);
                let (local, _) = scores(objective, strategy, facts, node, None, Source::Local);
                adm.ship_base.push(ship);
                adm.local_base.push(local);
                adm.unit.push(unit);
            }
        }
        adm
    }

    /// True when some `min_stock` filter keeps units back.
    #[inline]
    pub fn has_safety(&self) -> bool {
        !self.safety.is_empty()
    }

    /// Units kept back at `node` (0 without `min_stock` filters).
    #[inline]
    pub fn safety(&self, node: NodeIndex) -> u32 {
        self.safety.get(node.get()).copied().unwrap_or(0)
    }
}

fn safety_at(strategy: &Strategy, node: &Node) -> u32 {
    strategy
        .filters
        .iter()
        .map(|f| match f {
            FilterRule::Data(d) => d.safety_at(node),
            FilterRule::Code(..) => 0,
        })
        .max()
        .unwrap_or(0)
}

/// Admits nodes for one order under one strategy, pushing candidates as they pass.
pub(crate) struct Gate<'g, 'a> {
    pub network: &'a Network,
    pub request: &'a Request,
    pub strategy: &'a Strategy,
    pub objective: &'a Objective,
    pub admission: &'a Admission,
    pub usage: &'a Usage,
    /// The destination (the pickup point for pickup orders).
    pub point: Option<Target>,
    pub pickup: Option<NodeIndex>,
    /// Transfer cost to the pickup point per node, in millionths (-1: no path).
    pub transfer: &'g [i64],
}

impl Gate<'_, '_> {
    /// True when this order's nodes can take [`Gate::admit_shipping`]: a ship order, the
    /// scenario's objective (cost alone), no request-dependent rule.
    pub fn ships_by_cost(&self) -> bool {
        self.pickup.is_none() && self.objective.cost_only && !self.admission.dynamic && self.point.is_some()
    }

    /// [`Gate::admit`] for a ship order under [`Gate::ships_by_cost`] and a node that is not
    /// excluded, first seen holding `units` (> 0) of sku `group`: `None` when the node fails an
    /// order-independent check (take the full path).
    #[inline(always)]
    pub fn admit_shipping(
        &self,
        index: NodeIndex,
        cands: &mut Candidates,
        group: usize,
        units: u32,
    ) -> Option<std::result::Result<(), Removal>> {
        let facts = self.admission.ship.get(index.get()).filter(|f| f.plain)?;
        let (cap, exhausted) = self.usage.left(index);
        if exhausted {
            return Some(Err(Removal::CapacityExhausted));
        }
        let to = self.point.as_ref()?;
        // `NodeFacts::km_lb_to` and `Cost::per_km_floor` on the same numbers.
        let km_lb = km_lower_bound(&facts.unit_vector, &to.unit_vector);
        let lb = facts.shipment.saturating_add(floor_per_km(facts.per_km, km_lb));
        cands.push_first(index, Source::Ship, cap, lb, facts.shipment, facts.unit, group, units);
        Some(Ok(()))
    }

    /// The built-in checks, then the strategy's filters, in order; the first failure names the
    /// removal. An admitted node is pushed as the last candidate.
    #[inline(always)]
    pub fn admit(&self, index: NodeIndex, excluded: bool, cands: &mut Candidates) -> std::result::Result<(), Removal> {
        if !excluded && !self.admission.dynamic {
            let (bit, source) = match self.pickup {
                None => (PLAIN_SHIP, Some(Source::Ship)),
                Some(p) if p == index => (0, None),
                Some(_) => (PLAIN_TRANSFER, None),
            };
            if self.admission.plain.get(index.get()).is_some_and(|b| b & bit != 0) {
                return self.admit_plain(index, source, cands);
            }
        }
        self.admit_full(index, excluded, cands)
    }

    /// A node that passes every order-independent check: only the lane, capacity and the
    /// scores are left.
    #[inline(always)]
    fn admit_plain(
        &self,
        index: NodeIndex,
        source: Option<Source>,
        cands: &mut Candidates,
    ) -> std::result::Result<(), Removal> {
        let source = match source {
            Some(s) => s,
            None => self.transfer_source(index)?,
        };
        let (cap, exhausted) = self.usage.left(index);
        if exhausted {
            return Err(Removal::CapacityExhausted);
        }
        let facts = self.network.facts(index);
        let adm = self.admission;
        let (base, unit) = if self.objective.cost_only {
            let mut base = Score::default();
            let mut unit = Score::default();
            unit.0[0] = facts.unit_cost.micros();
            base.0[0] = match source {
                Source::Ship => facts.shipment_cost.micros(),
                Source::Transfer(c) => c.micros(),
                Source::Local => 0,
            };
            (base, unit)
        } else {
            let i = index.get();
            let unit = adm.unit.get(i).copied().unwrap_or_default();
            let base = match source {
                Source::Ship => adm.ship_base.get(i).copied().unwrap_or_default(),
                Source::Local => adm.local_base.get(i).copied().unwrap_or_default(),
                Source::Transfer(c) => {
                    let mut base = adm.local_base.get(i).copied().unwrap_or_default();
                    for term in self.objective.terms.iter().filter(|t| t.measure == Measure::Cost) {
                        base.0[term.level] = base.0[term.level].saturating_add(term.scale(c.micros()));
                    }
                    base
                }
            };
            (base, unit)
        };
        self.push(cands, index, source, cap, &base, &unit, f64::NAN);
        Ok(())
    }

    fn transfer_source(&self, index: NodeIndex) -> std::result::Result<Source, Removal> {
        match self.transfer.get(index.get()) {
            Some(&micros) if micros >= 0 => Ok(Source::Transfer(Cost::from_micros(micros))),
            _ => Err(Removal::NoLane),
        }
    }

    /// Adds an admitted node as a candidate, with its fixed-score bound (distance at its chord
    /// lower bound).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // a candidate's columns
    fn push(
        &self,
        cands: &mut Candidates,
        index: NodeIndex,
        source: Source,
        cap: u32,
        base: &Score,
        unit: &Score,
        km: f64,
    ) {
        let facts = self.network.facts(index);
        let km_lb = match (source, &self.point) {
            (Source::Local, _) | (_, None) => 0.0,
            (_, Some(to)) => facts.km_lb_to(to),
        };
        let mut lb = *base;
        if self.objective.cost_only {
            if source == Source::Ship {
                lb.0[0] = base.0[0].saturating_add(facts.cost_per_km.per_km_floor(km_lb).micros());
            }
        } else {
            lb = *base + distance_part(self.objective, facts, source, km_lb, true);
        }
        cands.push(index, source, cap, &lb, base, unit, km);
    }

    /// Every check and filter, in order.
    #[inline(never)]
    fn admit_full(&self, index: NodeIndex, excluded: bool, cands: &mut Candidates) -> std::result::Result<(), Removal> {
        let facts: &NodeFacts = self.network.facts(index);
        if !facts.enabled {
            return Err(Removal::Disabled);
        }
        if excluded {
            return Err(Removal::Excluded);
        }
        let source = match self.pickup {
            None if facts.methods & SHIP == 0 => return Err(Removal::NoShipping),
            None => Source::Ship,
            Some(p) if p == index => Source::Local,
            Some(_) if facts.methods & TRANSFER == 0 => return Err(Removal::NoTransfer),
            Some(_) => self.transfer_source(index)?,
        };
        let Some(node) = self.network.node(index) else { return Err(Removal::Disabled) };
        if facts.restricted && !node.serves(self.request.sales_channel()) {
            return Err(Removal::Channel);
        }
        let (units_left, orders_left) = (self.usage.units_left(index), self.usage.orders_left(index));
        if units_left == Some(0) || orders_left == Some(0) {
            return Err(Removal::CapacityExhausted);
        }
        let km = Cell::new(if source == Source::Local { 0.0 } else { f64::NAN });
        for rule in &self.strategy.filters {
            match rule {
                FilterRule::Data(filter) => match filter {
                    Filter::RadiusKm(max_km) => {
                        let km_lb = match &self.point {
                            Some(to) if source != Source::Local => facts.km_lb_to(to),
                            _ => 0.0,
                        };
                        if km_lb > *max_km || self.exact_km(index, &km) > *max_km {
                            return Err(Removal::Radius { max_km: *max_km });
                        }
                    }
                    Filter::Kinds(kinds) if !kinds.contains(&node.kind()) => {
                        return Err(Removal::Kind { kind: node.kind() });
                    }
                    Filter::ExcludeKinds(kinds) if kinds.contains(&node.kind()) => {
                        return Err(Removal::Kind { kind: node.kind() });
                    }
                    Filter::RequireTags(tags) => {
                        if let Some(tag) = tags.iter().find(|t| !node.has_tag(t)) {
                            return Err(Removal::Tag { tag: tag.clone(), required: true });
                        }
                    }
                    Filter::ExcludeTags(tags) => {
                        if let Some(tag) = tags.iter().find(|t| node.has_tag(t)) {
                            return Err(Removal::Tag { tag: tag.clone(), required: false });
                        }
                    }
                    Filter::CapacityLeft { units, orders }
                        if units_left.is_some_and(|l| l < *units) || orders_left.is_some_and(|l| l < *orders) =>
                    {
                        return Err(Removal::CapacityLeft { units: *units, orders: *orders });
                    }
                    _ => {}
                },
                FilterRule::Code(name, f) => {
                    if !f.keep(node, self.request) {
                        return Err(Removal::Custom { name: Arc::from(name.as_str()) });
                    }
                }
            }
        }
        let (base, unit) = scores(self.objective, self.strategy, facts, node, Some(self.request), source);
        self.push(cands, index, source, units_left.unwrap_or(u32::MAX), &base, &unit, km.get());
        Ok(())
    }

    fn exact_km(&self, index: NodeIndex, cache: &Cell<f64>) -> f64 {
        if cache.get().is_nan()
            && let Some(to) = &self.point
        {
            cache.set(self.network.facts(index).km_to(to));
        }
        cache.get()
    }
}
