//! A MILP model of one routing order, solved by `microlp` (a pure-Rust MILP solver): the
//! independent oracle the optimal engine is checked against, shared by the router-level test
//! (`tests/oracle.rs`) and the search-level unit test (`src/engine/optimal/tests.rs`).
//!
//! The MILP is built from the network, stock and request alone (not from the engine's
//! candidates): eligibility by the format's rules, one binary per node, integer units per line
//! and node, stock, capacity, shipment limit and whole lines as linear constraints. It prices a
//! shipment's distance as the cost model does, rounded to the millionth per shipment (the
//! format's tolerance is 0.001 per order), so both solve the same problem and 1e-6 is a fair
//! tolerance. Lexicographic objectives are solved stage by stage: most units (backorders),
//! fewest shipments (that objective), then least cost, each stage fixing the previous value.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use microlp::{ComparisonOp, OptimizationDirection, Problem, Solution, Variable};
use oms_core::GeoPoint;
use oms_routing::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn point(&mut self) -> GeoPoint {
        GeoPoint::new(30.0 + (self.below(1500) as f64) / 100.0, -100.0 + (self.below(2500) as f64) / 100.0).unwrap()
    }
}

/// One order over a small network, with its policy.
pub struct Instance {
    pub network: Network,
    pub stock: Stock,
    pub request: Request,
    pub strategy: Strategy,
    /// Fewest shipments, then cost (else cost alone).
    pub shipments_first: bool,
}

/// The instance named by `seed`: mostly tiny (every rule combination), some up to 13 nodes and
/// 6 lines.
pub fn instance(seed: u64) -> Instance {
    let mut rng = Rng(seed);
    // Mostly tiny instances (every rule combination, fast), some up to 13 nodes and 6 lines,
    // where the greedy plan is often not the optimum and the search has to find it.
    let medium = rng.chance(30);
    let n = if medium { 6 + rng.below(8) as usize } else { 2 + rng.below(6) as usize };
    let skus = if medium { 3 + rng.below(4) as usize } else { 1 + rng.below(4) as usize };
    let nodes: Vec<Node> = (0..n)
        .map(|i| {
            let mut methods = vec![];
            if rng.chance(85) {
                methods.extend([Method::Ship, Method::Transfer]);
            }
            if rng.chance(50) {
                methods.push(Method::Pickup);
            }
            let mut node = Node::new(format!("N{i}").parse().unwrap(), NodeKind::Store, rng.point())
                .with_methods(methods)
                .with_costs(
                    Decimal::new(rng.below(1000) as i64, 2),
                    Decimal::new(rng.below(60) as i64, 4),
                    Decimal::new(rng.below(200) as i64, 2),
                )
                .with_enabled(rng.chance(92));
            if rng.chance(25) {
                node = node.with_capacity_units(rng.below(7) as u32);
            }
            node
        })
        .collect();
    let lanes: Vec<Lane> = (0..rng.below(2 * n as u64))
        .filter_map(|_| {
            let (a, b) = (rng.below(n as u64), rng.below(n as u64));
            (a != b).then(|| Lane {
                from: format!("N{a}").parse().unwrap(),
                to: format!("N{b}").parse().unwrap(),
                cost: Decimal::new(rng.below(800) as i64, 2),
            })
        })
        .collect();
    let network = Network::new(nodes, lanes).unwrap();
    let mut stock = Stock::new(&network);
    for node in network.nodes() {
        for s in 0..skus {
            if rng.chance(65) {
                stock.set(node.id(), format!("S{s}").parse().unwrap(), 1 + rng.below(6) as u32).unwrap();
            }
        }
    }
    let pickup_at = network.nodes().iter().filter(|n| n.supports(Method::Pickup)).map(|n| n.id().clone()).next();
    let mut request = match pickup_at.filter(|_| rng.chance(30)) {
        Some(at) => Request::pickup("O".parse().unwrap(), at),
        None => Request::ship("O".parse().unwrap(), rng.point()),
    };
    for l in 0..1 + rng.below(if medium { 6 } else { 4 }) {
        // Sometimes two lines of one sku (they share its stock).
        let sku = rng.below(skus as u64);
        request =
            request.line(format!("L{l}").parse().unwrap(), format!("S{sku}").parse().unwrap(), 1 + rng.below(3) as u32);
    }
    let mut split = SplitPolicy::default();
    if rng.chance(15) {
        split.mode = SplitMode::ShipComplete;
    }
    if rng.chance(30) {
        split.max_shipments = Some(1 + rng.below(3) as u32);
    }
    split.split_lines = rng.chance(70);
    let partial = if rng.chance(35) { PartialPolicy::Backorder } else { PartialPolicy::Reject };
    let shipments_first = rng.chance(30);
    let ranking = if shipments_first {
        Ranking::Lexicographic(vec![Ranker::FewestShipments, Ranker::Cost])
    } else {
        Ranking::default()
    };
    let strategy = Strategy::new("oracle").split(split).partial(partial).ranking(ranking).engine(Engine::Optimal);
    Instance { network, stock, request, strategy, shipments_first }
}

/// What the MILP says: units filled, shipments, cost.
#[derive(Debug)]
pub struct Optimum {
    pub units: u32,
    pub shipments: usize,
    pub cost: f64,
}

/// A source node as the format defines it: its fixed cost for this request, if it may serve it.
fn fixed_cost(network: &Network, request: &Request, node: &Node) -> Option<f64> {
    if !node.is_enabled() {
        return None;
    }
    let to_f64 = |d: Decimal| d.to_f64().unwrap();
    match request.destination() {
        Destination::Ship { to } => node.supports(Method::Ship).then(|| {
            let per_km = Cost::from_decimal(node.cost_per_km()).unwrap().per_km(node.location().distance_km(to));
            to_f64(node.shipment_cost()) + to_f64(per_km.to_decimal())
        }),
        Destination::Pickup { at } if at == node.id() => Some(0.0),
        Destination::Pickup { at } => {
            let path = network.transfer_cost(network.index_of(node.id())?, network.index_of(at)?)?;
            node.supports(Method::Transfer).then(|| to_f64(path.to_decimal()))
        }
    }
}

struct Milp {
    problem: Problem,
    used: Vec<Variable>,
    units: Vec<Variable>,
    fixed: Vec<f64>,
    unit_costs: Vec<f64>,
}

/// What a stage of the lexicographic solve optimises.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    MostUnits,
    FewestShipments,
    LeastCost,
}

/// The instance as a MILP with the stage's objective.
fn milp(inst: &Instance, stage: Stage) -> Option<Milp> {
    let request = &inst.request;
    let split = inst.strategy.split_policy();
    let backorder = inst.strategy.partial_policy() == PartialPolicy::Backorder;
    let eligible: Vec<(&Node, f64)> = inst
        .network
        .nodes()
        .iter()
        .filter_map(|n| fixed_cost(&inst.network, request, n).map(|f| (n, f)))
        .filter(|(n, _)| request.lines().iter().any(|l| inst.stock.available(n.id(), &l.sku) > 0))
        .collect();
    if eligible.is_empty() {
        return None;
    }
    let direction =
        if stage == Stage::MostUnits { OptimizationDirection::Maximize } else { OptimizationDirection::Minimize };
    let mut problem = Problem::new(direction);
    let mut used = Vec::new();
    let mut units = Vec::new();
    let mut fixed = Vec::new();
    let mut unit_costs = Vec::new();
    let lines = request.lines();
    for (node, f) in &eligible {
        let per_node = match stage {
            Stage::MostUnits => 0.0,
            Stage::FewestShipments => 1.0,
            Stage::LeastCost => *f,
        };
        used.push(problem.add_binary_var(per_node));
        fixed.push(*f);
        unit_costs.push(node.unit_cost().to_f64().unwrap());
    }
    for (n, (node, _)) in eligible.iter().enumerate() {
        let per_unit = match stage {
            Stage::MostUnits => 1.0,
            Stage::FewestShipments => 0.0,
            Stage::LeastCost => unit_costs[n],
        };
        let mut row = Vec::new();
        for line in lines {
            let top = line.quantity.min(inst.stock.available(node.id(), &line.sku)) as i32;
            let x = problem.add_integer_var(per_unit, (0, top));
            // A unit from a node opens it.
            problem.add_constraint([(x, 1.0), (used[n], -f64::from(line.quantity))], ComparisonOp::Le, 0.0);
            row.push(x);
        }
        // Stock of each sku, shared by its lines.
        for line in lines {
            let same: Vec<(Variable, f64)> =
                lines.iter().zip(&row).filter(|(l, _)| l.sku == line.sku).map(|(_, &x)| (x, 1.0)).collect();
            let have = f64::from(inst.stock.available(node.id(), &line.sku));
            problem.add_constraint(same, ComparisonOp::Le, have);
        }
        if let Some(cap) = node.capacity_units() {
            problem.add_constraint(row.iter().map(|&x| (x, 1.0)).collect::<Vec<_>>(), ComparisonOp::Le, f64::from(cap));
        }
        units.extend(row);
    }
    let k = eligible.len();
    let max_nodes = split.max_nodes().min(k);
    problem.add_constraint(used.iter().map(|&y| (y, 1.0)).collect::<Vec<_>>(), ComparisonOp::Le, max_nodes as f64);
    for (l, line) in lines.iter().enumerate() {
        let per_node: Vec<Variable> = (0..k).map(|n| units[n * lines.len() + l]).collect();
        let op = if backorder { ComparisonOp::Le } else { ComparisonOp::Eq };
        problem.add_constraint(per_node.iter().map(|&x| (x, 1.0)).collect::<Vec<_>>(), op, f64::from(line.quantity));
        if !split.split_lines {
            // The line from one node: whole, or (backorders) in part.
            let picks: Vec<Variable> = (0..k).map(|_| problem.add_binary_var(0.0)).collect();
            for (&x, &z) in per_node.iter().zip(&picks) {
                problem.add_constraint([(x, 1.0), (z, -f64::from(line.quantity))], ComparisonOp::Le, 0.0);
            }
            problem.add_constraint(picks.iter().map(|&z| (z, 1.0)).collect::<Vec<_>>(), ComparisonOp::Le, 1.0);
        }
    }
    Some(Milp { problem, used, units, fixed, unit_costs })
}

fn solved(problem: &Problem) -> Option<Solution> {
    match problem.solve() {
        Ok(outcome) => Some(outcome.into_solution().expect("solved to optimality")),
        Err(microlp::Error::Infeasible) => None,
        Err(e) => panic!("microlp: {e}"),
    }
}

/// The lexicographic optimum, stage by stage: units (backorders), shipments (fewest-shipments
/// objective), then cost, each stage fixing the previous one's value.
pub fn oracle(inst: &Instance) -> Option<Optimum> {
    let backorder = inst.strategy.partial_policy() == PartialPolicy::Backorder;
    let all = |m: &Milp| m.units.iter().map(|&x| (x, 1.0)).collect::<Vec<_>>();
    let opened = |m: &Milp| m.used.iter().map(|&y| (y, 1.0)).collect::<Vec<_>>();
    let mut most_units = None;
    if backorder {
        let m = milp(inst, Stage::MostUnits)?;
        let u = solved(&m.problem)?.objective().round();
        if u < 0.5 {
            return None;
        }
        most_units = Some(u);
    }
    let mut fewest = None;
    if inst.shipments_first {
        let mut m = milp(inst, Stage::FewestShipments)?;
        if let Some(u) = most_units {
            let row = all(&m);
            m.problem.add_constraint(row, ComparisonOp::Eq, u);
        }
        fewest = Some(solved(&m.problem)?.objective().round());
    }
    let mut m = milp(inst, Stage::LeastCost)?;
    if let Some(u) = most_units {
        let row = all(&m);
        m.problem.add_constraint(row, ComparisonOp::Eq, u);
    }
    if let Some(k) = fewest {
        let row = opened(&m);
        m.problem.add_constraint(row, ComparisonOp::Le, k);
    }
    let s = solved(&m.problem)?;
    // Recompute from the rounded solution: the solver's objective carries its tolerances.
    let lines = inst.request.lines().len();
    let mut cost = 0.0;
    let mut units = 0u32;
    let mut shipments = 0;
    for (n, &f) in m.fixed.iter().enumerate() {
        let taken: u32 = (0..lines).map(|l| s.var_value(m.units[n * lines + l]).round() as u32).sum();
        if taken > 0 {
            shipments += 1;
            units += taken;
            cost += f + m.unit_costs[n] * f64::from(taken);
        }
    }
    Some(Optimum { units, shipments, cost })
}
