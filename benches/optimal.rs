//! The exact optimal router at interactive speed.
//!
//! Workload (the issue's): `N` nodes spread over the continental US, each holding each sku of a
//! 200-sku catalogue with probability `density` (1–8 units), shipment cost 4–12, 0.001–0.006 per
//! km, 0.10–1.50 per unit; orders of `L` distinct skus, 1–3 units each, to customers anywhere in
//! the same area; minimum cost (or fewest shipments, then cost), split allowed, reject policy.
//! Every order is routed against the same stock (nothing is consumed), one at a time, on one
//! thread.
//!
//! `cargo bench --bench optimal -- --warm-up-time 1 --measurement-time 3`
//!
//! Besides the criterion medians, it prints for each size the latency percentiles from its own
//! timing loop (one order at a time), the share of orders proven optimal within the default
//! budget, and the search nodes explored. `OPTIMAL_BENCH=quick` prints only the latency table.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use oms_core::GeoPoint;
use oms_routing::{
    Budget, Engine, Node, NodeKind, Optimality, Plan, Ranker, Ranking, Request, Router, RuleSet, Scratch, Stock,
    Strategy, Usage,
};
use rust_decimal::Decimal;

const SKUS: usize = 200;

/// SplitMix64: seedable and stable, so a seed always names the same workload.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn cents(&mut self, lo: i64, hi: i64) -> Decimal {
        Decimal::new(lo + self.below((hi - lo + 1) as u64) as i64, 2)
    }
    fn point(&mut self) -> GeoPoint {
        GeoPoint::new(30.0 + 17.0 * self.unit(), -120.0 + 45.0 * self.unit()).unwrap()
    }
}

struct Workload {
    router: Router,
    stock: Stock,
    orders: Vec<Request>,
}

/// Minimum cost, or fewest shipments then cost.
#[derive(Clone, Copy, PartialEq)]
enum Objective {
    Cost,
    Shipments,
}

fn workload(nodes: usize, lines: usize, density: f64, orders: usize, objective: Objective, seed: u64) -> Workload {
    let mut rng = Rng(seed);
    let network_nodes: Vec<Node> = (0..nodes)
        .map(|i| {
            let kind = if i % 10 == 0 { NodeKind::Warehouse } else { NodeKind::Store };
            Node::new(format!("N{i:05}").parse().unwrap(), kind, rng.point()).with_costs(
                rng.cents(400, 1200),
                Decimal::new(10 + rng.below(51) as i64, 4),
                rng.cents(10, 150),
            )
        })
        .collect();
    let network = oms_routing::Network::new(network_nodes, vec![]).unwrap();
    let mut stock = Stock::new(&network);
    for node in network.nodes() {
        for s in 0..SKUS {
            if rng.unit() < density {
                stock.set(node.id(), format!("SKU{s:04}").parse().unwrap(), 1 + rng.below(8) as u32).unwrap();
            }
        }
    }
    let orders = (0..orders)
        .map(|o| {
            let mut request = Request::ship(format!("O{o}").parse().unwrap(), rng.point());
            let mut skus: Vec<usize> = Vec::with_capacity(lines);
            while skus.len() < lines.min(SKUS) {
                let s = rng.below(SKUS as u64) as usize;
                if !skus.contains(&s) {
                    skus.push(s);
                }
            }
            for (l, s) in skus.into_iter().enumerate() {
                request = request.line(
                    format!("{l}").parse().unwrap(),
                    format!("SKU{s:04}").parse().unwrap(),
                    1 + rng.below(3) as u32,
                );
            }
            request
        })
        .collect();
    let ranking = match objective {
        Objective::Cost => Ranking::default(),
        Objective::Shipments => Ranking::Lexicographic(vec![Ranker::FewestShipments, Ranker::Cost]),
    };
    let strategy = Strategy::new("optimal").ranking(ranking).engine(Engine::Optimal);
    Workload { router: Router::new(network, RuleSet::single(strategy).unwrap()), stock, orders }
}

fn route(w: &Workload, scratch: &mut Scratch, usage: &Usage, r: &Request) -> Plan {
    w.router.route_with(scratch, r, &w.stock, usage).unwrap()
}

/// One order at a time through our own timing loop: percentiles, share proven, nodes explored.
fn latency(label: &str, w: &Workload, rounds: usize) {
    let usage = Usage::new(w.router.network());
    let mut scratch = Scratch::new();
    let mut samples: Vec<Duration> = Vec::with_capacity(w.orders.len() * rounds);
    let (mut proven, mut routed, mut explored, mut most) = (0usize, 0usize, 0u64, 0u64);
    for r in &w.orders {
        let plan = route(w, &mut scratch, &usage, r);
        routed += usize::from(plan.status() == oms_routing::PlanStatus::Routed);
        match plan.optimality() {
            Optimality::Proven { explored: e } => {
                proven += 1;
                explored += e;
                most = most.max(e);
            }
            Optimality::Unproven { explored: e } => {
                explored += e;
                most = most.max(e);
            }
            _ => {}
        }
    }
    // Each order's fastest of `rounds` runs too: on a shared machine a slow sample is more often
    // another process than the order, and the per-order minimum filters that out.
    let mut fastest = vec![Duration::MAX; w.orders.len()];
    for _ in 0..rounds {
        for (i, r) in w.orders.iter().enumerate() {
            let t = Instant::now();
            black_box(route(w, &mut scratch, &usage, r));
            let took = t.elapsed();
            samples.push(took);
            fastest[i] = fastest[i].min(took);
        }
    }
    samples.sort_unstable();
    fastest.sort_unstable();
    let at = |v: &[Duration], q: f64| v[((v.len() as f64 - 1.0) * q) as usize];
    let n = w.orders.len();
    eprintln!(
        "optimal/{label}: {} samples  p50 {:?}  p90 {:?}  p99 {:?}  max {:?}  | per-order fastest of {rounds}: p50 {:?}  p99 {:?}  max {:?}  | proven {}/{n}  routed {}/{n}  nodes mean {:.1} max {}",
        samples.len(),
        at(&samples, 0.5),
        at(&samples, 0.9),
        at(&samples, 0.99),
        at(&samples, 1.0),
        at(&fastest, 0.5),
        at(&fastest, 0.99),
        at(&fastest, 1.0),
        proven,
        routed,
        explored as f64 / n as f64,
        most
    );
}

/// Criterion's time per order: one order per iteration, cycling through the workload's orders
/// (so it is a mean over them, tail included).
fn per_order(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, w: &Workload) {
    let usage = Usage::new(w.router.network());
    group.bench_function(name, |b| {
        let mut scratch = Scratch::new();
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % w.orders.len();
            black_box(route(w, &mut scratch, &usage, &w.orders[i]))
        })
    });
}

fn bench_optimal(c: &mut Criterion) {
    // `OPTIMAL_BENCH=quick` (latency lines only), `=cost` or `=shipments` (one of them, for a
    // profiler), `=sweep` (also 15 and 20 lines); `OPTIMAL_ORDERS` orders per workload.
    let mode = std::env::var("OPTIMAL_BENCH").unwrap_or_default();
    let orders = std::env::var("OPTIMAL_ORDERS").map_or(1_000, |v| v.parse().unwrap());
    // The headline: 10 lines, 500 nodes, 30% density.
    let headline = workload(500, 10, 0.3, orders, Objective::Cost, 7);
    if mode != "shipments" {
        latency("10_lines_500_nodes_30pct", &headline, 3);
    }
    let shipments = workload(500, 10, 0.3, orders, Objective::Shipments, 7);
    if mode != "cost" {
        latency("10_lines_500_nodes_30pct_min_shipments", &shipments, 3);
    }
    if mode == "sweep" {
        for lines in [15, 20] {
            latency(&format!("{lines}_lines_500_nodes"), &workload(500, lines, 0.3, 300, Objective::Cost, 11), 2);
        }
    }
    if !mode.is_empty() {
        return;
    }
    let mut group = c.benchmark_group("optimal");
    group.sample_size(10);
    per_order(&mut group, "10_lines_500_nodes_30pct_per_order", &headline);
    per_order(&mut group, "10_lines_500_nodes_30pct_min_shipments_per_order", &shipments);
    group.finish();

    // Growth with lines (500 nodes) and with nodes (10 lines).
    let mut group = c.benchmark_group("optimal_lines");
    group.sample_size(10);
    for lines in [1, 2, 3, 5, 10, 15, 20] {
        let w = workload(500, lines, 0.3, 300, Objective::Cost, 11);
        latency(&format!("{lines}_lines_500_nodes"), &w, 2);
        per_order(&mut group, &lines.to_string(), &w);
    }
    group.finish();
    let mut group = c.benchmark_group("optimal_nodes");
    group.sample_size(10);
    for nodes in [50, 200, 500, 1_000, 2_000, 5_000] {
        let w = workload(nodes, 10, 0.3, 300, Objective::Cost, 13);
        latency(&format!("10_lines_{nodes}_nodes"), &w, 2);
        per_order(&mut group, &nodes.to_string(), &w);
    }
    group.finish();

    // Where the budget binds: the headline and the hardest size under smaller budgets.
    for (label, w) in [("10_lines_500_nodes", &headline), ("min_shipments_10_lines_500_nodes", &shipments)] {
        for nodes in [1u64, 4, 16, 64, 256] {
            let router = w.router.clone().with_budget(Budget::nodes(nodes));
            let usage = Usage::new(router.network());
            let mut scratch = Scratch::new();
            let proven = w
                .orders
                .iter()
                .filter(|r| router.route_with(&mut scratch, r, &w.stock, &usage).unwrap().optimality().is_proven())
                .count();
            eprintln!("optimal/budget {label}: {nodes} nodes -> {proven}/{} proven", w.orders.len());
        }
    }
}

criterion_group!(benches, bench_optimal);
criterion_main!(benches);
