//! The router: picks strategies, runs an engine, follows the fallback chain, builds the plan.

use std::sync::Arc;

use crate::engine::optimal::{self, Budget, Optimality};
use crate::engine::{Solution, greedy};
use crate::explain::{Attempt, CandidateNote, Outcome, Shortfall, ShortfallReason, Verdict};
use crate::problem::{Problem, Scratch, Source};
use crate::score::Objective;
use crate::{
    Engine, Explanation, LineQuantity, Network, NodeKind, PartialPolicy, Plan, PlanStatus, Request, Result, RuleSet,
    Shipment, ShipmentKind, SplitMode, StockView, Usage,
};

/// Routes requests over one network with one rule set.
///
/// ```
/// use oms_routing::*;
/// use oms_core::GeoPoint;
/// use rust_decimal_macros::dec;
///
/// let at = |lat, lon| GeoPoint::new(lat, lon).unwrap();
/// let network = Network::new(vec![
///     Node::new("DC".parse()?, NodeKind::Warehouse, at(40.74, -74.17)).with_costs(dec!(6), dec!(0.006), dec!(0.4)),
///     Node::new("STORE".parse()?, NodeKind::Store, at(41.88, -87.63)).with_costs(dec!(4.5), dec!(0.003), dec!(1.2)),
/// ], vec![])?;
/// let router = Router::new(network, RuleSet::single(Strategy::new("cheapest").engine(Engine::Optimal))?);
/// let mut stock = Stock::new(router.network());
/// stock.set(&"DC".parse()?, "TEE".parse()?, 10)?;
/// stock.set(&"STORE".parse()?, "TEE".parse()?, 1)?;
/// let usage = Usage::new(router.network());
///
/// let request = Request::ship("O-1".parse()?, at(41.85, -87.65)).line("1".parse()?, "TEE".parse()?, 2);
/// let plan = router.route(&request, &stock, &usage)?;
/// assert_eq!(plan.status(), PlanStatus::Routed);
/// assert_eq!(plan.shipments()[0].node().as_str(), "DC"); // one box from the DC beats two
/// assert!(plan.explanation().to_words().iter().any(|w| w.contains("STORE")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Router {
    network: Network,
    rules: RuleSet,
    objectives: Vec<Objective>,
    budget: Budget,
}

impl Router {
    /// A router over `network` with `rules`.
    pub fn new(network: Network, rules: RuleSet) -> Router {
        let objectives = rules.strategies().iter().map(Objective::compile).collect();
        Router { network, rules, objectives, budget: Budget::default() }
    }

    /// The same router with a different search budget for the optimal engine (the default is
    /// [`Budget::default`]). Per-call deadlines go to [`Router::route_within`].
    pub fn with_budget(mut self, budget: Budget) -> Router {
        self.budget = budget;
        self
    }

    /// The optimal engine's search budget per order.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Routes one request against a stock view and today's capacity usage. Changes nothing:
    /// apply the plan with [`Stock::take`](crate::Stock::take) (or your inventory) and
    /// [`Usage::record`].
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) /
    /// [`Error::InvalidLine`](crate::Error::InvalidLine) for a request that cannot be routed as
    /// written; [`Error::ForeignState`](crate::Error::ForeignState) for usage of another network.
    pub fn route(&self, request: &Request, stock: &dyn StockView, usage: &Usage) -> Result<Plan> {
        self.route_with(&mut Scratch::new(), request, stock, usage)
    }

    /// [`Router::route`] reusing buffers across calls (for batches).
    ///
    /// # Errors
    /// As [`Router::route`].
    pub fn route_with(
        &self,
        scratch: &mut Scratch,
        request: &Request,
        stock: &dyn StockView,
        usage: &Usage,
    ) -> Result<Plan> {
        self.route_within(scratch, request, stock, usage, &self.budget)
    }

    /// [`Router::route_with`] with the optimal engine searching within `budget` (for example a
    /// deadline for this call) instead of the router's.
    ///
    /// # Errors
    /// As [`Router::route`].
    pub fn route_within(
        &self,
        scratch: &mut Scratch,
        request: &Request,
        stock: &dyn StockView,
        usage: &Usage,
        budget: &Budget,
    ) -> Result<Plan> {
        request.validate(&self.network)?;
        usage.check(&self.network)?;
        let mut attempts = Vec::new();
        for (strategy, objective) in self.rules.strategies().iter().zip(&self.objectives) {
            if !strategy.applies_to(request) {
                continue;
            }
            let problem = Problem::build(&self.network, strategy, objective, request, stock, usage, scratch)?;
            let quick = greedy::solve(&problem);
            let (solution, optimality) = match strategy.engine {
                Engine::Greedy => (quick, Optimality::Heuristic),
                Engine::Optimal => {
                    let outcome = optimal::solve(&problem, quick, budget);
                    (outcome.best, outcome.optimality)
                }
            };
            let filled = solution.as_ref().is_some_and(|s| s.units == problem.total);
            let outcome = match (filled, strategy.partial) {
                (true, _) => Outcome::Filled,
                (false, PartialPolicy::Backorder) => Outcome::Backordered,
                (false, PartialPolicy::Reject) => Outcome::Rejected,
                (false, PartialPolicy::Fallback) => Outcome::FellBack,
            };
            let kept = if matches!(outcome, Outcome::Filled | Outcome::Backordered) { solution } else { None };
            let shortfalls = if filled { Vec::new() } else { shortfalls(&problem, kept.as_ref(), strategy) };
            attempts.push(Attempt {
                strategy: strategy.name().to_owned(),
                engine: strategy.engine,
                candidates: notes(&problem, kept.as_ref()),
                shortfalls,
                outcome,
                optimality,
            });
            if outcome != Outcome::FellBack {
                let plan = self.plan(&problem, kept, attempts, Some(strategy.name().to_owned()), Some(strategy.engine));
                problem.recycle(scratch);
                return Ok(plan);
            }
            problem.recycle(scratch);
        }
        // No strategy applied, or every one fell back: nothing is taken.
        if attempts.is_empty() {
            attempts.push(Attempt {
                strategy: String::new(),
                engine: Engine::Greedy,
                candidates: Vec::new(),
                shortfalls: request
                    .lines()
                    .iter()
                    .map(|l| Shortfall {
                        line: l.id.clone(),
                        sku: l.sku.clone(),
                        quantity: l.quantity,
                        reason: ShortfallReason::NoStrategy,
                    })
                    .collect(),
                outcome: Outcome::Rejected,
                optimality: Optimality::Heuristic,
            });
        }
        Ok(Plan {
            order: request.order().clone(),
            status: PlanStatus::Unfillable,
            shipments: Vec::new(),
            backordered: Vec::new(),
            cost: crate::Cost::ZERO,
            strategy: None,
            engine: None,
            explanation: Explanation { names: Arc::clone(self.network.ids()), attempts },
        })
    }

    fn plan(
        &self,
        p: &Problem<'_>,
        solution: Option<Solution>,
        attempts: Vec<Attempt>,
        strategy: Option<String>,
        engine: Option<Engine>,
    ) -> Plan {
        let request = p.request;
        let mut filled = vec![0u32; p.lines.len()];
        let mut shipments: Vec<Shipment> = Vec::new();
        if let Some(s) = &solution {
            for &c in &s.nodes {
                let cand = &p.cands[c];
                let mut lines = Vec::new();
                for t in s.takes.iter().filter(|t| t.cand == c) {
                    filled[t.line] += t.units;
                    if let Some(line) = request.lines().get(t.line) {
                        match lines.iter_mut().find(|l: &&mut LineQuantity| l.line == line.id) {
                            Some(l) => l.quantity += t.units,
                            None => lines.push(LineQuantity {
                                line: line.id.clone(),
                                sku: line.sku.clone(),
                                quantity: t.units,
                            }),
                        }
                    }
                }
                let units = lines.iter().map(|l| l.quantity).sum();
                let kind = match cand.source {
                    Source::Local => ShipmentKind::Collect,
                    Source::Transfer(_) => ShipmentKind::Transfer,
                    Source::Ship if self.network.node(cand.node).is_some_and(|n| n.kind() == NodeKind::Vendor) => {
                        ShipmentKind::DropShip
                    }
                    Source::Ship => ShipmentKind::Ship,
                };
                shipments.push(Shipment {
                    node: self.network.id(cand.node).clone(),
                    index: cand.node,
                    kind,
                    lines,
                    cost: p.shipment_cost(c, units, true),
                });
            }
        }
        // `nodes` is already sorted by node id.
        let backordered: Vec<LineQuantity> = request
            .lines()
            .iter()
            .zip(&filled)
            .filter(|(l, f)| **f < l.quantity)
            .map(|(l, f)| LineQuantity { line: l.id.clone(), sku: l.sku.clone(), quantity: l.quantity - f })
            .collect();
        let units: u32 = filled.iter().sum();
        let status = if units == p.total {
            PlanStatus::Routed
        } else if units > 0 {
            PlanStatus::Partial
        } else {
            PlanStatus::Unfillable
        };
        // Under a reject policy nothing is backordered: the order is refused whole.
        let backorder = p.backorder;
        Plan {
            order: request.order().clone(),
            status,
            cost: shipments.iter().map(|s| s.cost).sum(),
            shipments,
            backordered: if backorder { backordered } else { Vec::new() },
            strategy,
            engine,
            explanation: Explanation { names: Arc::clone(self.network.ids()), attempts },
        }
    }
}

/// How many passed-over nodes get an exact price in an explanation: the runners-up.
const PRICED_RUNNERS_UP: usize = 3;

/// Every candidate's verdict: removed (by what), chosen (units, cost), or passed over. The
/// [`PRICED_RUNNERS_UP`] passed-over nodes with the lowest cost bounds (ties by node) are priced
/// exactly; the others are reported as "at least" their bound. The rule depends only on the
/// inputs, never on which nodes an engine happened to price, and keeps explaining an order over
/// a thousand nodes cheap.
fn notes(p: &Problem<'_>, solution: Option<&Solution>) -> Vec<CandidateNote> {
    let mut notes = Vec::with_capacity(p.cands.len() + p.removed.len());
    let mut runners_up: Vec<(crate::Cost, crate::NodeIndex, usize, u32)> = Vec::with_capacity(PRICED_RUNNERS_UP + 1);
    let mut chosen = vec![0u32; p.cands.len()];
    if let Some(s) = solution {
        for t in &s.takes {
            chosen[t.cand] += t.units;
        }
    }
    for (c, cand) in p.cands.iter().enumerate() {
        let verdict = if chosen[c] > 0 {
            Verdict::Chosen { units: chosen[c], cost: p.shipment_cost(c, chosen[c], true) }
        } else {
            let could = p.could_supply(c);
            let bound = p.lower_bound_cost(c, could);
            let key = (bound, cand.node, notes.len(), c as u32);
            if runners_up.len() < PRICED_RUNNERS_UP
                || runners_up.last().is_some_and(|last| (key.0, key.1) < (last.0, last.1))
            {
                let at = runners_up.partition_point(|r| (r.0, r.1) < (key.0, key.1));
                runners_up.insert(at, key);
                runners_up.truncate(PRICED_RUNNERS_UP);
            }
            Verdict::NotChosen { could_supply: could, cost: bound, exact: false }
        };
        notes.push(CandidateNote { node: cand.node, verdict });
    }
    for (_, _, at, c) in runners_up {
        if let Some(CandidateNote { verdict: Verdict::NotChosen { could_supply, cost, exact }, .. }) = notes.get_mut(at)
        {
            *cost = p.shipment_cost(c as usize, *could_supply, true);
            *exact = true;
        }
    }
    for (node, removal) in &p.removed {
        notes.push(CandidateNote { node: *node, verdict: Verdict::Removed { removal: removal.clone() } });
    }
    notes
}

/// Why each unfilled quantity was not filled.
fn shortfalls(p: &Problem<'_>, solution: Option<&Solution>, strategy: &crate::Strategy) -> Vec<Shortfall> {
    let groups = p.demand.len();
    // Stock-level reasons per sku group.
    let stock_reason: Vec<Option<ShortfallReason>> = (0..groups)
        .map(|g| {
            let eligible: u64 = (0..p.cands.len()).map(|c| u64::from(p.supply(c, g))).sum();
            let within_capacity: u64 = (0..p.cands.len()).map(|c| u64::from(p.supply(c, g).min(p.cands[c].cap))).sum();
            let demand = u64::from(p.demand[g]);
            let held = p.held[g];
            if held == 0 {
                Some(ShortfallReason::NoStock)
            } else if eligible == 0 {
                Some(ShortfallReason::OnlyAtRemovedNodes { held })
            } else if eligible < demand {
                Some(ShortfallReason::NotEnoughStock { eligible })
            } else if within_capacity < demand {
                Some(ShortfallReason::Capacity)
            } else {
                None
            }
        })
        .collect();
    let policy_reason = {
        let split = &strategy.split;
        if split.mode == SplitMode::ShipComplete {
            ShortfallReason::ShipComplete
        } else if let Some(max) = split.max_shipments {
            ShortfallReason::MaxShipments { max }
        } else if !split.split_lines {
            ShortfallReason::LinesWhole
        } else if split.min_shipment_value.is_some() {
            ShortfallReason::MinShipmentValue
        } else {
            ShortfallReason::NotFound
        }
    };
    let any_stock_short = stock_reason.iter().any(Option::is_some);
    let mut filled = vec![0u32; p.lines.len()];
    if let Some(s) = solution {
        for t in &s.takes {
            filled[t.line] += t.units;
        }
    }
    p.request
        .lines()
        .iter()
        .zip(&p.lines)
        .zip(filled)
        .filter(|((l, _), f)| *f < l.quantity)
        .map(|((l, need), f)| {
            let reason = match &stock_reason[need.group] {
                Some(r) => r.clone(),
                None if any_stock_short && !p.backorder => ShortfallReason::OrderRejected,
                None => policy_reason.clone(),
            };
            Shortfall { line: l.id.clone(), sku: l.sku.clone(), quantity: l.quantity - f, reason }
        })
        .collect()
}
