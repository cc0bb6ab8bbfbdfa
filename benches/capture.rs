//! Capture throughput: validate + price + build the capture event and the order, for 3-line orders.
//!
//! `cargo bench --bench capture`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oms::core::testkit::fixtures;
use oms::core::{
    Actor, ChargeDraft, DiscountDraft, Envelope, Metadata, MoneyInput, Order, OrderDraft, OrderEvent, capture,
};
use rust_decimal_macros::dec;
use std::hint::black_box;

fn three_line_draft(n: u32) -> OrderDraft {
    let mut draft = fixtures::draft(
        &format!("O-{n}"),
        &format!("E-{n}"),
        "C-1",
        &[("1", "TEE-M", 2), ("2", "CAP", 1), ("3", "SOCKS", 3)],
    );
    draft.lines[0].discounts.push(DiscountDraft { code: "TEE10".into(), amount: MoneyInput::new(dec!(2.00), "USD") });
    for line in &mut draft.lines {
        line.tax = Some(MoneyInput::new(dec!(1.23), "USD"));
    }
    draft.discounts.push(DiscountDraft { code: "WELCOME".into(), amount: MoneyInput::new(dec!(5.00), "USD") });
    draft.shipping.push(ChargeDraft {
        code: "standard".into(),
        amount: MoneyInput::new(dec!(4.99), "USD"),
        tax: Some(MoneyInput::new(dec!(0.40), "USD")),
    });
    draft
}

fn bench_capture(c: &mut Criterion) {
    let draft = three_line_draft(1);
    let mut group = c.benchmark_group("capture");
    group.throughput(Throughput::Elements(1));
    group.bench_function("3_lines_validate_price_event", |b| {
        b.iter(|| {
            let captured = capture(black_box(&draft)).unwrap();
            let order = Order::from_captured(&captured);
            let envelope = Envelope {
                version: order.version(),
                recorded_at: draft.placed_at,
                metadata: Metadata::by(Actor::System),
                event: OrderEvent::Captured(Box::new(captured)),
            };
            black_box((order, envelope))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_capture);
criterion_main!(benches);
