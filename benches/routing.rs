//! Routing speed: greedy throughput for 3-line orders over 1,000 nodes and 5,000 skus, a batch
//! that consumes stock and capacity, and single-order latency percentiles (p50/p99) measured
//! with our own timing loop.
//!
//! `cargo bench --bench routing -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use oms_routing::scenario::Scenario;
use oms_routing::strategies::{ScenarioConfig, scenario_json};
use oms_routing::{Engine, Scratch, Usage};

fn scenario(orders: usize, pickup_percent: u32) -> Scenario {
    scenario_with(ScenarioConfig { orders, pickup_percent, ..ScenarioConfig::default() })
}

fn scenario_with(config: ScenarioConfig) -> Scenario {
    Scenario::from_json(&scenario_json(&config, 7)).unwrap().with_engine(Engine::Greedy).unwrap()
}

fn bench_greedy(c: &mut Criterion) {
    let s = scenario(10_000, 0);
    let usage = Usage::new(s.router().network());
    let mut group = c.benchmark_group("routing");
    group.sample_size(10);
    group.throughput(Throughput::Elements(s.requests().len() as u64));
    group.bench_function("greedy_3_lines_1000_nodes_5000_skus_ship", |b| {
        let mut scratch = Scratch::new();
        b.iter(|| {
            for r in s.requests() {
                black_box(s.router().route_with(&mut scratch, r, s.stock(), &usage).unwrap());
            }
        })
    });
    // The same network with stores carrying 1% of the catalogue (~15 holders per sku instead of
    // ~55): routing time follows the number of candidate nodes.
    let sparse = scenario_with(ScenarioConfig {
        orders: 10_000,
        pickup_percent: 0,
        store_assortment_percent: 1,
        ..ScenarioConfig::default()
    });
    group.bench_function("greedy_3_lines_1000_nodes_5000_skus_ship_sparse_stores", |b| {
        let mut scratch = Scratch::new();
        b.iter(|| {
            for r in sparse.requests() {
                black_box(sparse.router().route_with(&mut scratch, r, sparse.stock(), &usage).unwrap());
            }
        })
    });
    let mixed = scenario(10_000, 10);
    group.bench_function("greedy_3_lines_1000_nodes_5000_skus_10pct_pickup", |b| {
        let mut scratch = Scratch::new();
        b.iter(|| {
            for r in mixed.requests() {
                black_box(mixed.router().route_with(&mut scratch, r, mixed.stock(), &usage).unwrap());
            }
        })
    });
    group.bench_function("greedy_batch_consuming_stock_and_capacity", |b| {
        b.iter_batched(
            || (mixed.stock().clone(), Usage::new(mixed.router().network())),
            |(mut stock, mut usage)| {
                let mut scratch = Scratch::new();
                for r in mixed.requests() {
                    let plan = mixed.router().route_with(&mut scratch, r, &stock, &usage).unwrap();
                    stock.take(&plan).unwrap();
                    usage.record(&plan).unwrap();
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();

    // Latency percentiles: one order at a time, timed individually.
    let mut scratch = Scratch::new();
    let mut samples: Vec<Duration> = Vec::with_capacity(mixed.requests().len() * 3);
    for _ in 0..3 {
        for r in mixed.requests() {
            let t = Instant::now();
            black_box(mixed.router().route_with(&mut scratch, r, mixed.stock(), &usage).unwrap());
            samples.push(t.elapsed());
        }
    }
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    eprintln!(
        "routing/greedy_single_order_latency (1,000 nodes, 10% pickup, {} orders): p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
        samples.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

criterion_group!(benches, bench_greedy);
criterion_main!(benches);
