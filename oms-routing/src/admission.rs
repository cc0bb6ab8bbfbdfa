//! Admission: which nodes holding an order's skus become candidates, and which check or filter
//! removed the others (the first that fails is the one explanations name).

use std::cell::Cell;
use std::sync::Arc;

use oms_core::GeoPoint;

use crate::explain::Removal;
use crate::network::{NodeFacts, SHIP, TRANSFER, km_lower_bound};
use crate::problem::{Cand, EXCLUDED, Scratch, Source, UNSEEN, distance_part};
use crate::rules::strategy::{FilterRule, Strategy};
use crate::score::{Measure, Objective, Score};
use crate::{Cost, Filter, Network, NodeIndex, Request, Usage};

const REMOVED: u32 = u32::MAX - 1;

/// Gathers candidates as the stock view reports holders, one sku group at a time.
pub(crate) struct Gather<'p, 'a> {
    pub(crate) network: &'a Network,
    pub(crate) request: &'a Request,
    pub(crate) strategy: &'a Strategy,
    pub(crate) objective: &'a Objective,
    pub(crate) usage: &'a Usage,
    pub(crate) point: Option<(GeoPoint, [f64; 3])>,
    pub(crate) pickup: Option<NodeIndex>,
    pub(crate) groups: usize,
    pub(crate) group: usize,
    pub(crate) has_safety: bool,
    pub(crate) scratch: &'p mut Scratch,
    pub(crate) cands: Vec<Cand>,
    pub(crate) supply: Vec<u32>,
    pub(crate) removed: Vec<(NodeIndex, Removal)>,
    pub(crate) held: Vec<u64>,
}

impl Gather<'_, '_> {
    pub(crate) fn visit(&mut self, node: NodeIndex, units: u32) {
        let Some(slot) = self.scratch.slot.get(node.get()).copied() else { return };
        if let Some(h) = self.held.get_mut(self.group) {
            *h += u64::from(units);
        }
        let slot = match slot {
            REMOVED => return,
            UNSEEN | EXCLUDED => {
                self.scratch.touched.push(node.get() as u32);
                match self.admit(node, slot == EXCLUDED) {
                    Ok(()) => {
                        let at = (self.cands.len() - 1) as u32;
                        match [0u32; 8].get(..self.groups) {
                            Some(zeros) => self.supply.extend_from_slice(zeros),
                            None => self.supply.resize(self.supply.len() + self.groups, 0),
                        }
                        self.scratch.slot[node.get()] = at;
                        at
                    }
                    Err(removal) => {
                        self.removed.push((node, removal));
                        self.scratch.slot[node.get()] = REMOVED;
                        return;
                    }
                }
            }
            at => at,
        };
        let usable = if self.has_safety { units.saturating_sub(self.safety(node)) } else { units };
        let cell = &mut self.supply[slot as usize * self.groups + self.group];
        *cell = cell.saturating_add(usable);
    }

    fn safety(&self, node: NodeIndex) -> u32 {
        let Some(n) = self.network.node(node) else { return 0 };
        self.strategy
            .filters
            .iter()
            .map(|f| match f {
                FilterRule::Data(d) => d.safety_at(n),
                FilterRule::Code(..) => 0,
            })
            .max()
            .unwrap_or(0)
    }

    /// The built-in checks, then the strategy's filters, in order; the first failure names the
    /// removal. An admitted node is pushed as the last candidate.
    fn admit(&mut self, index: NodeIndex, excluded: bool) -> std::result::Result<(), Removal> {
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
            Some(_) => match self.scratch.transfer.get(index.get()) {
                Some(&micros) if micros >= 0 => Source::Transfer(Cost::from_micros(micros)),
                _ => return Err(Removal::NoLane),
            },
        };
        let Some(node) = self.network.node(index) else { return Err(Removal::Disabled) };
        if facts.restricted && !node.serves(self.request.sales_channel()) {
            return Err(Removal::Channel);
        }
        let (units_left, orders_left) = (self.usage.units_left(index), self.usage.orders_left(index));
        if units_left == Some(0) || orders_left == Some(0) {
            return Err(Removal::CapacityExhausted);
        }
        let km_lb = match (source, self.point) {
            (Source::Local, _) | (_, None) => 0.0,
            (_, Some((_, v))) => km_lower_bound(&facts.unit_vector, &v),
        };
        let km = Cell::new(if source == Source::Local { 0.0 } else { f64::NAN });
        for rule in &self.strategy.filters {
            match rule {
                FilterRule::Data(filter) => match filter {
                    Filter::RadiusKm(max_km) => {
                        let beyond = km_lb > *max_km || {
                            let exact = self.exact_km(index, &km);
                            exact > *max_km
                        };
                        if beyond {
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
        let mut base = Score::default();
        let mut unit = Score::default();
        if self.objective.cost_only {
            // The scenario's objective: one level, cost at its natural scale.
            unit.0[0] = facts.unit_cost.micros();
            base.0[0] = match source {
                Source::Ship => facts.shipment_cost.micros(),
                Source::Transfer(c) => c.micros(),
                Source::Local => 0,
            };
        }
        let terms: &[crate::score::Term] = if self.objective.cost_only { &[] } else { &self.objective.terms };
        for term in terms {
            let fixed = match term.measure {
                Measure::Cost => {
                    unit.0[term.level] += term.scale(facts.unit_cost.micros());
                    match source {
                        Source::Ship => facts.shipment_cost.micros(),
                        Source::Transfer(c) => c.micros(),
                        Source::Local => 0,
                    }
                }
                Measure::Priority => i64::from(node.priority()),
                Measure::Shipments => 1,
                Measure::Code(i) => {
                    self.strategy.code_rankers.get(i).map_or(0, |(_, r)| r.score(node, self.request).max(0))
                }
                Measure::Distance | Measure::Depth => 0,
            };
            base.0[term.level] = base.0[term.level].saturating_add(term.scale(fixed));
        }
        self.cands.push(Cand {
            node: index,
            source,
            cap: units_left.unwrap_or(u32::MAX),
            base,
            unit,
            fixed_lb: base,
            km_lb,
            km,
        });
        if let Some(cand) = self.cands.last_mut() {
            if self.objective.cost_only {
                if source == Source::Ship {
                    cand.fixed_lb.0[0] = base.0[0].saturating_add(facts.cost_per_km.per_km_floor(km_lb).micros());
                }
            } else {
                cand.fixed_lb = base + distance_part(self.objective, facts, cand, km_lb, true);
            }
        }
        Ok(())
    }

    fn exact_km(&self, index: NodeIndex, cache: &Cell<f64>) -> f64 {
        if cache.get().is_nan()
            && let (Some(node), Some((p, _))) = (self.network.node(index), self.point)
        {
            cache.set(node.location().distance_km(&p));
        }
        cache.get()
    }
}
