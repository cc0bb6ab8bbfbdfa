//! End-to-end orders per second through `Oms` with in-memory stores: capture, route (reserve,
//! route, allocate), release, accept, ship and deliver, one order per iteration, on the demo
//! network (4 nodes) with stock that never runs out.
//!
//! `cargo bench --bench oms -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oms::core::testkit::fixtures;
use oms::core::{Actor, Metadata, OrderCommand, OrderEvent};
use oms::{Event, Setup};

fn bench_orders(c: &mut Criterion) {
    let setup = Setup::from_json(include_str!("../examples/data/setup.json")).unwrap();
    let oms = setup.build().unwrap();
    for (i, (sku, node)) in
        [("TEE-M", "DC-EAST"), ("CAP", "DC-EAST"), ("TEE-M", "STORE-CHI"), ("CAP", "STORE-MKE")].iter().enumerate()
    {
        let receive = oms::inventory::Command::Receive {
            sku: sku.parse().unwrap(),
            node: node.parse().unwrap(),
            quantity: 1_000_000_000,
            supply: None,
        };
        oms.stock_command(&format!("bench-{i}").parse().unwrap(), &receive).unwrap();
    }
    let system = Metadata::by(Actor::System);
    let mut address = fixtures::address();
    address.geo = oms::core::GeoPoint::new(41.85, -87.65).ok();
    let next = AtomicU64::new(0);
    let mut group = c.benchmark_group("oms");
    group.throughput(Throughput::Elements(1));
    group.bench_function("order_capture_to_delivery_2_lines", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let id = format!("B-{n}");
            let mut draft = fixtures::draft(&id, &id, "C-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]);
            draft.ship_to = Some(address.clone());
            let order = id.parse().unwrap();
            oms.capture(&draft, system.clone()).unwrap();
            oms.route(&order, system.clone()).unwrap();
            oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system.clone()).unwrap();
            let fos: Vec<_> = oms.order(&order).unwrap().fulfillment_orders().iter().map(|f| f.id().clone()).collect();
            for fo in fos {
                oms.execute(&order, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system.clone()).unwrap();
                let ship = OrderCommand::Ship {
                    fulfillment_order: fo,
                    carrier: "UPS".into(),
                    tracking: "1Z".into(),
                    lines: vec![],
                };
                for event in oms.execute(&order, &ship, system.clone()).unwrap() {
                    if let Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } = event {
                        oms.execute(&order, &OrderCommand::ConfirmDelivery { shipment: shipment.id }, system.clone())
                            .unwrap();
                    }
                }
            }
            oms.outbox().drain();
        })
    });
    group.finish();
}

criterion_group!(benches, bench_orders);
criterion_main!(benches);
