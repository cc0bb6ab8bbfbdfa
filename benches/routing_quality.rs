//! Plan quality, not speed: on generated scenarios, the cost of greedy plans and of two
//! peer-style baselines relative to the optimal engine's plans, order by order on the same
//! stock and capacity (the optimal plan is applied before the next order).
//!
//! - "first node that fills the whole order" (Medusa, Vendure defaults): nodes in network
//!   order; the first enabled shipping node holding every line (within capacity) ships it all.
//! - "each line from its cheapest node" (Saleor, Solidus-like): every line routed alone to its
//!   cheapest source(s); lines landing on the same node share its shipment.
//!
//! Only orders that all four route whole are compared. Prints a markdown table.
//!
//! `cargo bench --bench routing_quality` (add `-- 300 2000 SEED` for nodes, orders, seed)
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::time::Instant;

use oms_routing::scenario::Scenario;
use oms_routing::strategies::{ScenarioConfig, scenario_json};
use oms_routing::*;
use rust_decimal::Decimal;

/// A plan as (node, units) pairs, priced with the scenario's cost model in decimals.
fn price(network: &Network, request: &Request, parts: &BTreeMap<String, u32>) -> Decimal {
    let Destination::Ship { to } = request.destination() else { unreachable!("ship orders only") };
    parts
        .iter()
        .map(|(node, units)| {
            let n = network.node_by_id(&node.parse().unwrap()).unwrap();
            let km = Decimal::from_f64_retain(n.location().distance_km(to)).unwrap();
            n.shipment_cost() + n.cost_per_km() * km + n.unit_cost() * Decimal::from(*units)
        })
        .sum()
}

fn parts(plan: &Plan) -> BTreeMap<String, u32> {
    plan.shipments().iter().map(|s| (s.node().to_string(), s.units())).collect()
}

fn first_fill(network: &Network, stock: &Stock, usage: &Usage, request: &Request) -> Option<BTreeMap<String, u32>> {
    network.nodes().iter().enumerate().find_map(|(i, n)| {
        let index = network.index_of(n.id()).unwrap();
        let units = request.units() as u32;
        let ok = n.is_enabled()
            && n.supports(Method::Ship)
            && usage.units_left(index).is_none_or(|left| left >= units)
            && request.lines().iter().all(|l| stock.available(n.id(), &l.sku) >= l.quantity);
        let _ = i;
        ok.then(|| BTreeMap::from([(n.id().to_string(), units)]))
    })
}

fn per_line(line_router: &Router, stock: &Stock, usage: &Usage, request: &Request) -> Option<BTreeMap<String, u32>> {
    let Destination::Ship { to } = request.destination() else { return None };
    let mut all: BTreeMap<String, u32> = BTreeMap::new();
    for line in request.lines() {
        let one = Request::ship(request.order().clone(), *to).line(line.id.clone(), line.sku.clone(), line.quantity);
        let plan = line_router.route(&one, stock, usage).unwrap();
        if plan.status() != PlanStatus::Routed {
            return None;
        }
        for (node, units) in parts(&plan) {
            *all.entry(node).or_default() += units;
        }
    }
    Some(all)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let nodes = args.first().and_then(|a| a.parse().ok()).unwrap_or(300);
    let orders = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let seed = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let config = ScenarioConfig {
        nodes,
        skus: 1_000,
        orders,
        lines: 3,
        pickup_percent: 0,
        store_assortment_percent: 10,
        mode: "optimal",
        partial: "reject",
    };
    let scenario = Scenario::from_json(&scenario_json(&config, seed)).unwrap();
    let network = scenario.router().network().clone();
    let greedy = scenario.clone().with_engine(Engine::Greedy).unwrap();
    let line_router = scenario.router().clone();
    let mut stock = scenario.stock().clone();
    let mut usage = Usage::new(&network);
    let (mut cost, mut ships) = ([Decimal::ZERO; 4], [0usize; 4]);
    let (mut compared, mut greedy_worse, mut greedy_failed) = (0, 0, 0);
    let mut optimal_time = std::time::Duration::ZERO;
    for request in scenario.requests() {
        let t = Instant::now();
        let optimal = scenario.router().route(request, &stock, &usage).unwrap();
        optimal_time += t.elapsed();
        let fast = greedy.router().route(request, &stock, &usage).unwrap();
        let first = first_fill(&network, &stock, &usage, request);
        let lines = per_line(&line_router, &stock, &usage, request);
        if optimal.status() == PlanStatus::Routed && fast.status() != PlanStatus::Routed {
            greedy_failed += 1;
        }
        if let (PlanStatus::Routed, PlanStatus::Routed, Some(first), Some(lines)) =
            (optimal.status(), fast.status(), first, lines)
        {
            compared += 1;
            let plans = [parts(&optimal), parts(&fast), first, lines];
            for (i, p) in plans.iter().enumerate() {
                cost[i] += price(&network, request, p);
                ships[i] += p.len();
            }
            if fast.cost() > optimal.cost() {
                greedy_worse += 1;
            }
        }
        stock.take(&optimal).unwrap();
        usage.record(&optimal).unwrap();
    }
    let names = ["optimal", "greedy", "first node that fills the order", "each line from its cheapest node"];
    println!(
        "quality: {nodes} nodes, 1,000 skus, {orders} three-line ship orders, seed {seed}: {compared} orders compared \
         (all four routed whole); greedy above optimal on {greedy_worse}, greedy failed where optimal routed on {greedy_failed}; \
         optimal engine {:.1} ms/order on average\n",
        optimal_time.as_secs_f64() * 1000.0 / scenario.requests().len() as f64
    );
    println!("| strategy | total cost | cost ÷ optimal | shipments | shipments ÷ optimal |");
    println!("|---|---|---|---|---|");
    for i in 0..4 {
        println!(
            "| {} | {:.2} | {:.4} | {} | {:.2} |",
            names[i],
            cost[i],
            cost[i] / cost[0],
            ships[i],
            ships[i] as f64 / ships[0] as f64
        );
    }
}
