//! The inventory benches' workloads at fixed counts, for instruction counts that other
//! processes cannot disturb, and for best-of-rounds timing on a busy machine.
//!
//! ```text
//! cargo bench --bench inventory_profile --no-run
//! B=$(ls -t target/release/deps/inventory_profile-* | grep -v '\.d$' | head -1)
//! # instructions per reserve + release pair = Ir / 20000 (after a warm-up past the key window)
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measured_pairs*' $B pairs 20000
//! # instructions per movement = Ir / 200000 (adjustments at random positions among 1M)
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measured_apply*' $B adjust 200000
//! # the fastest of 200 rounds, in ns per pair; and a timed apply of 1M adjustments
//! $B pairs 400000; $B adjust 1000000
//! ```
//!
//! Under `cargo bench` (no workload named) it runs a short pairs round and returns.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "inventory_workload/mod.rs"]
mod workload;

use std::hint::black_box;
use std::time::Instant;

use oms::core::IdempotencyKey;
use oms::inventory::{Batch, Command, Inventory};
use workload::{adjust_batches, carts, pair_keys, run_pairs, stock_batches, stocked, t0};

#[inline(never)]
fn warm_pairs(
    inv: &mut Inventory,
    keys: &[(IdempotencyKey, IdempotencyKey)],
    reserves: &[Command],
    releases: &[Command],
) {
    run_pairs(inv, keys, reserves, releases, t0());
}

#[inline(never)]
fn measured_pairs(
    inv: &mut Inventory,
    keys: &[(IdempotencyKey, IdempotencyKey)],
    reserves: &[Command],
    releases: &[Command],
) {
    black_box(1u8); // keeps the linker from folding this with `warm_pairs`
    run_pairs(inv, keys, reserves, releases, t0());
}

#[inline(never)]
fn measured_apply(inv: &mut Inventory, batches: &[Batch]) {
    for batch in batches {
        inv.apply(batch).unwrap();
    }
}

fn pairs(n: usize) {
    let mut inventory = stocked(1_000);
    let (reserves, releases) = carts();
    // Past the key window's first two generations (100,000 keys), as criterion's warm-up is.
    warm_pairs(&mut inventory, &pair_keys("0", 60_000), &reserves, &releases);
    // Keys shaped like the criterion bench's first round ("r1-0", "x1-0", ...).
    let keys = pair_keys("1", n);
    let rounds = if n >= 200_000 { 200 } else { 1 };
    let per = n / rounds;
    let mut best = f64::MAX;
    for round in keys.chunks(per.max(1)) {
        let start = Instant::now();
        measured_pairs(&mut inventory, round, &reserves, &releases);
        best = best.min(start.elapsed().as_nanos() as f64 / round.len() as f64);
    }
    eprintln!("reserve + release: {best:.1} ns per pair (fastest of {rounds} rounds of {per})");
}

fn adjust(n: usize) {
    const SKUS: usize = 200_000;
    let mut inventory = stocked(SKUS);
    let batches = adjust_batches(SKUS, n);
    let start = Instant::now();
    measured_apply(&mut inventory, &batches);
    eprintln!("apply {n} adjustments at random positions among 1M: {:?}", start.elapsed());
}

fn create(n: usize) {
    let mut inventory = Inventory::new(workload::config()).unwrap();
    let batches = stock_batches(n / 5);
    let start = Instant::now();
    measured_apply(&mut inventory, &batches);
    eprintln!("apply {n} receipts creating positions: {:?}", start.elapsed());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |default: usize| args.get(1).and_then(|s| s.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("pairs") => pairs(n(400_000)),
        Some("adjust") => adjust(n(1_000_000)),
        Some("create") => create(n(1_000_000)),
        _ => pairs(2_000),
    }
}
