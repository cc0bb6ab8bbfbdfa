//! Inventory engine speed and memory: reserve + release, network ATP reads at 1M positions,
//! applying 1M movements, bytes per position.
//!
//! `cargo bench --bench inventory -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "inventory_workload/mod.rs"]
mod workload;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use oms::core::{ChannelId, Sku};
use oms::inventory::Inventory;
use workload::{adjust_batches, carts, config, pair_keys, run_pairs, sku, stock_batches, stocked, t0};

fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()).unwrap_or(0) * 4096
}

fn bench_reserve_release(c: &mut Criterion) {
    let mut inventory = stocked(1_000);
    let (reserves, releases) = carts();
    let mut round = 0u64;
    let mut group = c.benchmark_group("inventory");
    group.throughput(Throughput::Elements(2));
    group.bench_function("reserve_release_pair", |b| {
        b.iter_custom(|iters| {
            // Fresh idempotency keys for every operation, made outside the timed loop.
            round += 1;
            let keys = pair_keys(&round.to_string(), iters as usize);
            // The clock reading a host passes in, made once (building it is chrono's work).
            let now = t0();
            let start = Instant::now();
            run_pairs(&mut inventory, &keys, &reserves, &releases, now);
            start.elapsed()
        })
    });
    group.finish();
}

fn bench_atp_read(c: &mut Criterion) {
    const SKUS: usize = 200_000; // × 5 nodes = 1M positions
    let before = resident_bytes();
    let inventory = stocked(SKUS);
    let after = resident_bytes();
    let positions = inventory.position_count();
    eprintln!(
        "memory at {positions} positions: engine estimate {} B/position, resident growth {} B/position",
        inventory.heap_bytes() / positions,
        after.saturating_sub(before) / positions,
    );
    let web: ChannelId = "web".parse().unwrap();
    let probes: Vec<Sku> = (0..4_096).map(|i| sku((i * 48_271) % SKUS)).collect();
    let mut group = c.benchmark_group("inventory");
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function("network_atp_read_1m_positions", |b| {
        b.iter(|| {
            i = (i + 1) & 4_095;
            black_box(inventory.availability(&probes[i], &web).unwrap().atp)
        })
    });
    group.finish();
}

fn bench_apply(c: &mut Criterion) {
    const SKUS: usize = 200_000;
    let stock = stock_batches(SKUS);
    let adjustments = adjust_batches(SKUS, 1_000_000);
    let base = stocked(SKUS);
    let mut group = c.benchmark_group("inventory");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("apply_1m_movements_creating_positions", |b| {
        b.iter_batched(
            || Inventory::new(config()).unwrap(),
            |mut inventory| {
                for batch in &stock {
                    inventory.apply(batch).unwrap();
                }
                inventory
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("apply_1m_movements_existing_positions", |b| {
        b.iter_batched(
            || base.clone(),
            |mut inventory| {
                for batch in &adjustments {
                    inventory.apply(batch).unwrap();
                }
                inventory
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench_reserve_release, bench_atp_read, bench_apply
}
criterion_main!(benches);
