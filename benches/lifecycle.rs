//! Lifecycle throughput: commands decided and applied per second on one core.
//!
//! `cargo bench --bench lifecycle -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use oms::core::testkit::fixtures;
use oms::core::{AllocationPlan, FulfillmentMethod, LineQuantity, Order, OrderCommand, PlannedAllocation, capture};
use std::hint::black_box;

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

/// A captured 2-line order (3 tees, 1 cap), every unit open.
fn captured() -> Order {
    Order::from_captured(&capture(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 3), ("2", "CAP", 1)])).unwrap())
}

/// From capture to delivery with a split shipment: ten commands.
fn ship_flow() -> Vec<OrderCommand> {
    let fo = || id("FO-1");
    vec![
        OrderCommand::Reserve { line: id("1"), quantity: 3 },
        OrderCommand::Reserve { line: id("2"), quantity: 1 },
        OrderCommand::Allocate {
            plan: AllocationPlan {
                allocations: vec![
                    PlannedAllocation { line: id("1"), node: id("WH-1"), quantity: 3, method: FulfillmentMethod::Ship },
                    PlannedAllocation { line: id("2"), node: id("WH-1"), quantity: 1, method: FulfillmentMethod::Ship },
                ],
            },
        },
        OrderCommand::Release { fulfillment_order: None },
        OrderCommand::Accept { fulfillment_order: fo() },
        OrderCommand::ConfirmPick { fulfillment_order: fo() },
        OrderCommand::Ship {
            fulfillment_order: fo(),
            carrier: "UPS".into(),
            tracking: "1Z0001".into(),
            lines: vec![LineQuantity::new(id("1"), 2)],
        },
        OrderCommand::Ship { fulfillment_order: fo(), carrier: "UPS".into(), tracking: "1Z0002".into(), lines: vec![] },
        OrderCommand::ConfirmDelivery { shipment: id("S-1") },
        OrderCommand::ConfirmDelivery { shipment: id("S-2") },
    ]
}

fn run(mut order: Order, commands: &[OrderCommand]) -> Order {
    for command in commands {
        for event in order.decide(command).unwrap() {
            order.apply(&event).unwrap();
        }
    }
    order
}

fn bench_lifecycle(c: &mut Criterion) {
    let start = captured();
    let flow = ship_flow();
    let mut group = c.benchmark_group("lifecycle");

    group.throughput(Throughput::Elements(flow.len() as u64));
    group.bench_function("ship_flow_10_commands", |b| {
        b.iter_batched(|| start.clone(), |order| black_box(run(order, black_box(&flow))), BatchSize::SmallInput)
    });

    // One command at a time, each on the state it needs (the clone is setup, not measured).
    group.throughput(Throughput::Elements(1));
    let reserve = OrderCommand::Reserve { line: id("1"), quantity: 2 };
    group.bench_function("reserve", |b| {
        b.iter_batched(
            || start.clone(),
            |order| black_box(run(order, std::slice::from_ref(&reserve))),
            BatchSize::SmallInput,
        )
    });
    let accepted = run(start.clone(), &flow[..5]);
    let ship = flow[6].clone();
    group.bench_function("ship_partial", |b| {
        b.iter_batched(
            || accepted.clone(),
            |order| black_box(run(order, std::slice::from_ref(&ship))),
            BatchSize::SmallInput,
        )
    });
    let cancel = OrderCommand::Cancel { line: id("1"), quantity: 2, reason: "customer changed mind".into() };
    let reserved = run(start.clone(), &flow[..2]);
    group.bench_function("cancel_with_refund", |b| {
        b.iter_batched(
            || reserved.clone(),
            |order| black_box(run(order, std::slice::from_ref(&cancel))),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_lifecycle);
criterion_main!(benches);
