//! End-to-end orders per second through `Oms` with in-memory stores: capture, route (reserve,
//! route, allocate), release, accept, ship and deliver, one order per iteration, on the demo
//! network (4 nodes) with stock that never runs out.
//!
//! `cargo bench --bench oms -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/e2e.rs"]
mod e2e;

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench_orders(c: &mut Criterion) {
    let (oms, address) = e2e::world();
    let next = AtomicU64::new(0);
    let mut group = c.benchmark_group("oms");
    group.throughput(Throughput::Elements(1));
    group.bench_function("order_capture_to_delivery_2_lines", |b| {
        b.iter(|| e2e::order(&oms, &address, next.fetch_add(1, Ordering::Relaxed)))
    });
    group.finish();
}

criterion_group!(benches, bench_orders);
criterion_main!(benches);
