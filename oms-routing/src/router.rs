//! The router: picks strategies, runs an engine, follows the fallback chain, builds the plan.

use std::sync::Arc;

use crate::admission::Admission;
use crate::engine::optimal::{self, Budget, Optimality};
use crate::engine::{Solution, greedy};
use crate::explain::draft::{Draft, Reach, Record, Seen};
use crate::explain::{Outcome, Shortfall, ShortfallReason};
use crate::problem::{Problem, Scratch, Source};
use crate::score::Objective;
use crate::{
    Destination, Engine, Explanation, LineQuantity, Network, NodeKind, PartialPolicy, Plan, PlanStatus, Request,
    Result, RuleSet, Shipment, ShipmentKind, SplitMode, StockView, Usage,
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
    /// Per strategy: its compiled ranking and its order-independent admission facts.
    compiled: Vec<(Objective, Admission)>,
    budget: Budget,
}

impl Router {
    /// A router over `network` with `rules`.
    pub fn new(network: Network, rules: RuleSet) -> Router {
        let compiled = rules
            .strategies()
            .iter()
            .map(|s| {
                let objective = Objective::compile(s);
                let admission = Admission::new(&network, s, &objective);
                (objective, admission)
            })
            .collect();
        Router { network, rules, compiled, budget: Budget::default() }
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
        // One strategy applies to most orders: one draft, allocated once.
        let mut drafts = Vec::with_capacity(1);
        let reach = match request.destination() {
            Destination::Ship { to } => Some(Reach::Ship(*to)),
            Destination::Pickup { at } => self.network.index_of(at).map(Reach::Pickup),
        };
        for (strategy, (objective, admission)) in self.rules.strategies().iter().zip(&self.compiled) {
            if !strategy.applies_to(request) {
                continue;
            }
            let mut problem =
                Problem::build(&self.network, strategy, objective, admission, request, stock, usage, scratch)?;
            let quick = greedy::solve(&problem, &mut scratch.greedy);
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
            let seen = seen(&problem, kept.as_ref());
            drafts.push(Draft {
                strategy: Arc::clone(strategy.shared_name()),
                engine: strategy.engine,
                outcome,
                shortfalls,
                seen,
                removed: std::mem::take(&mut problem.removed),
                optimality,
            });
            if outcome != Outcome::FellBack {
                let record = Record::new(Arc::clone(self.network.table()), reach, drafts);
                let plan =
                    self.plan(&problem, kept, record, Some(Arc::clone(strategy.shared_name())), Some(strategy.engine));
                problem.recycle(scratch);
                return Ok(plan);
            }
            problem.recycle(scratch);
        }
        // No strategy applied, or every one fell back: nothing is taken.
        if drafts.is_empty() {
            drafts.push(Draft {
                strategy: Arc::from(""),
                engine: Engine::Greedy,
                outcome: Outcome::Rejected,
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
                seen: Vec::new(),
                removed: Vec::new(),
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
            explanation: Explanation::new(Record::new(Arc::clone(self.network.table()), reach, drafts)),
        })
    }

    fn plan(
        &self,
        p: &Problem<'_>,
        solution: Option<Solution>,
        record: Record,
        strategy: Option<Arc<str>>,
        engine: Option<Engine>,
    ) -> Plan {
        let request = p.request;
        let mut filled = vec![0u32; p.lines.len()];
        let mut shipments: Vec<Shipment> = Vec::with_capacity(solution.as_ref().map_or(0, |s| s.nodes.len()));
        if let Some(s) = &solution {
            for &c in &s.nodes {
                let node = p.cands.node(c);
                let mut lines = Vec::with_capacity(p.lines.len());
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
                let kind = match p.cands.source(c) {
                    Source::Local => ShipmentKind::Collect,
                    Source::Transfer(_) => ShipmentKind::Transfer,
                    Source::Ship if self.network.node(node).is_some_and(|n| n.kind() == NodeKind::Vendor) => {
                        ShipmentKind::DropShip
                    }
                    Source::Ship => ShipmentKind::Ship,
                };
                shipments.push(Shipment {
                    node: self.network.id(node).clone(),
                    index: node,
                    kind,
                    lines,
                    cost: p.shipment_cost(c, units),
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
            explanation: Explanation::new(record),
        }
    }
}

/// What the explanation needs of each candidate: its node, what it could supply alone, and
/// what the plan takes from it (verdicts and costs are written from this when read).
fn seen(p: &Problem<'_>, solution: Option<&Solution>) -> Vec<Seen> {
    let mut seen: Vec<Seen> = Vec::with_capacity(p.cands.len());
    seen.extend(p.cands.rows().iter().map(|row| Seen { node: row.node(), could: row.could(), chosen: 0 }));
    if let Some(s) = solution {
        for t in &s.takes {
            if let Some(entry) = seen.get_mut(t.cand) {
                entry.chosen += t.units;
            }
        }
    }
    seen
}

/// Why each unfilled quantity was not filled.
fn shortfalls(p: &Problem<'_>, solution: Option<&Solution>, strategy: &crate::Strategy) -> Vec<Shortfall> {
    let groups = p.demand.len();
    // Stock-level reasons per sku group.
    let stock_reason: Vec<Option<ShortfallReason>> = (0..groups)
        .map(|g| {
            let eligible: u64 = (0..p.cands.len()).map(|c| u64::from(p.supply(c, g))).sum();
            let within_capacity: u64 = (0..p.cands.len()).map(|c| u64::from(p.supply(c, g).min(p.cands.cap(c)))).sum();
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
