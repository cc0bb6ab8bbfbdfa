//! Inventory engine speed and memory: reserve + release, network ATP reads at 1M positions,
//! applying 1M movements, bytes per position.
//!
//! `cargo bench --bench inventory -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use oms::core::{ChannelId, IdempotencyKey, NodeId, Sku};
use oms::inventory::{
    Batch, ChannelConfig, Command, DisplayRules, Inventory, InventoryConfig, Movement, NodeConfig, NodeKind,
    NodeSelector, Policy, Reason, ReservationId, Reserve, ReserveLine,
};

const NODES: usize = 5;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
}

fn node(i: usize) -> NodeId {
    NodeId::new(format!("NODE-{i}")).unwrap()
}

/// Two warehouses, two stores, a vendor; web sells from all, a capped marketplace from the
/// warehouses, POS from the stores.
fn config() -> InventoryConfig {
    let kinds = [NodeKind::Warehouse, NodeKind::Warehouse, NodeKind::Store, NodeKind::Store, NodeKind::DropShip];
    let nodes = (0..NODES).map(|i| NodeConfig::new(node(i), kinds[i])).collect();
    let mut marketplace =
        ChannelConfig::new("marketplace".parse().unwrap(), NodeSelector::kinds([NodeKind::Warehouse]));
    marketplace.display = DisplayRules { cap: Some(50), ..DisplayRules::default() };
    marketplace.safety_stock = 2;
    let channels = vec![
        ChannelConfig::new("web".parse().unwrap(), NodeSelector::all()),
        marketplace,
        ChannelConfig::new("pos".parse().unwrap(), NodeSelector::kinds([NodeKind::Store])),
    ];
    InventoryConfig::new(nodes, channels)
}

fn sku(i: usize) -> Sku {
    Sku::new(format!("SKU-{i:07}")).unwrap()
}

/// Batch `i` of 1,000 receipts (200 skus at every node).
fn stock_batch(i: usize) -> Batch {
    let movements = (i * 200..(i + 1) * 200)
        .flat_map(|s| {
            let sku = sku(s);
            (0..NODES).map(move |n| Movement {
                sku: sku.clone(),
                node: node(n),
                reservation: None,
                reason: Reason::Receive { quantity: 100 + (s % 7) as u32, supply: None },
            })
        })
        .collect();
    Batch::new(IdempotencyKey::new(format!("stock-{i}")).unwrap(), t0(), movements)
}

/// Batches of 1,000 receipts stocking `skus` skus (a multiple of 200) at every node.
fn stock_batches(skus: usize) -> Vec<Batch> {
    (0..skus / 200).map(stock_batch).collect()
}

/// Batches of 1,000 adjustments (+1 / -1 alternating) over existing positions.
fn adjust_batches(skus: usize, movements: usize) -> Vec<Batch> {
    let all: Vec<Movement> = (0..movements)
        .map(|i| Movement {
            sku: sku((i * 7_919) % skus),
            node: node(i % NODES),
            reservation: None,
            reason: Reason::Adjust { delta: if i % 2 == 0 { 1 } else { -1 } },
        })
        .collect();
    all.chunks(1_000)
        .enumerate()
        .map(|(i, chunk)| Batch::new(IdempotencyKey::new(format!("adjust-{i}")).unwrap(), t0(), chunk.to_vec()))
        .collect()
}

/// An engine with `skus` skus (a multiple of 200) at every node, built a batch at a time so
/// the process's memory growth is the engine's.
fn stocked(skus: usize) -> Inventory {
    let mut inventory = Inventory::new(config()).unwrap();
    for i in 0..skus / 200 {
        inventory.apply(&stock_batch(i)).unwrap();
    }
    inventory
}

fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()).unwrap_or(0) * 4096
}

fn bench_reserve_release(c: &mut Criterion) {
    let mut inventory = stocked(1_000);
    let skus_in_use = 1_000;
    let web: ChannelId = "web".parse().unwrap();
    let ids: Vec<ReservationId> = (0..1_024).map(|i| ReservationId::new(format!("CART-{i}")).unwrap()).collect();
    let reserves: Vec<Command> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            Command::Reserve(Reserve {
                reservation: id.clone(),
                channel: web.clone(),
                lines: vec![ReserveLine::new(sku(i % skus_in_use), 1)],
                expires_at: Some(t0() + chrono::Duration::minutes(30)),
                policy: Policy::AllOrNothing,
            })
        })
        .collect();
    let releases: Vec<Command> = ids.iter().map(|id| Command::Release { reservation: id.clone() }).collect();
    let mut round = 0u64;
    let mut group = c.benchmark_group("inventory");
    group.throughput(Throughput::Elements(2));
    group.bench_function("reserve_release_pair", |b| {
        b.iter_custom(|iters| {
            // Fresh idempotency keys for every operation, made outside the timed loop.
            round += 1;
            let keys: Vec<(IdempotencyKey, IdempotencyKey)> = (0..iters)
                .map(|i| {
                    (
                        IdempotencyKey::new(format!("r{round}-{i}")).unwrap(),
                        IdempotencyKey::new(format!("x{round}-{i}")).unwrap(),
                    )
                })
                .collect();
            // The clock reading a host passes in, made once (building it is chrono's work).
            let now = t0();
            let start = Instant::now();
            for (i, (reserve_key, release_key)) in keys.iter().enumerate() {
                let j = i % reserves.len();
                black_box(inventory.execute(reserve_key, &reserves[j], now).unwrap().feed().len());
                black_box(inventory.execute(release_key, &releases[j], now).unwrap().feed().len());
            }
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
