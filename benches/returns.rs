//! Refund computation for a 10-line order: unit slots priced from the captured line pricing,
//! fees, shipping, the capture cap; and preparing the order (validation, slot prices), which a
//! host does once per change of the order, not per call.
//!
//! `cargo bench --bench returns -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oms::core::testkit::fixtures;
use oms::core::{ChargeDraft, DiscountDraft, Money, MoneyInput, capture};
use oms::returns::{
    Disposition, Inspection, MailReturns, OrderReturns, PreparedOrder, ReceivedUnits, RestockingFee, ReturnCommand,
    ReturnLineRequest, ReturnMethod, ReturnPolicy, ReturnReason, ReturnableOrder, RmaId,
};
use rust_decimal_macros::dec;
use std::hint::black_box;

/// Ten lines of three units with a line discount, tax on every line, an order discount and taxed shipping.
fn ten_line_order() -> ReturnableOrder {
    let lines: Vec<(String, String)> = (1..=10).map(|i| (i.to_string(), format!("SKU-{i}"))).collect();
    let refs: Vec<(&str, &str, u32)> = lines.iter().map(|(l, s)| (l.as_str(), s.as_str(), 3)).collect();
    let mut draft = fixtures::draft("O-1", "E-1", "C-1", &refs);
    for (i, line) in draft.lines.iter_mut().enumerate() {
        line.unit_price = MoneyInput::new(dec!(19.99) + rust_decimal::Decimal::from(i), "USD");
        line.tax = Some(MoneyInput::new(dec!(4.17), "USD"));
    }
    draft.lines[0].discounts.push(DiscountDraft { code: "LINE".into(), amount: MoneyInput::new(dec!(3.00), "USD") });
    draft.discounts.push(DiscountDraft { code: "ORDER".into(), amount: MoneyInput::new(dec!(25.00), "USD") });
    draft.shipping.push(ChargeDraft {
        code: "standard".into(),
        amount: MoneyInput::new(dec!(9.95), "USD"),
        tax: Some(MoneyInput::new(dec!(0.80), "USD")),
    });
    ReturnableOrder::all_delivered(&capture(&draft).unwrap(), fixtures::t0())
}

/// An RMA returning two units of every line, received and inspected.
fn inspected(order: &PreparedOrder, policy: &ReturnPolicy, reason: ReturnReason) -> (OrderReturns, RmaId) {
    let rma: RmaId = "R-1".parse().unwrap();
    let (prepared, order) = (order, order.order());
    let lines: Vec<_> = order.lines.iter().map(|l| ReturnLineRequest::new(l.line_id.clone(), 2, reason)).collect();
    let items = order.lines.iter().map(|l| ReceivedUnits { line: l.line_id.clone(), quantity: 2 }).collect();
    let inspections = order
        .lines
        .iter()
        .map(|l| Inspection { line: l.line_id.clone(), quantity: 2, disposition: Disposition::Restock })
        .collect();
    let commands = [
        ReturnCommand::Request { rma: rma.clone(), method: ReturnMethod::Mail, lines, exchange: None },
        ReturnCommand::Receive { rma: rma.clone(), node: "DC-1".parse().unwrap(), items, unexpected: vec![] },
        ReturnCommand::Inspect { rma: rma.clone(), inspections },
    ];
    let mut returns = OrderReturns::new(order.order_id.clone());
    let now = fixtures::t0() + chrono::Duration::days(3);
    for command in &commands {
        for event in returns.decide(command, prepared, policy, now).unwrap() {
            returns.apply(&event).unwrap();
        }
    }
    (returns, rma)
}

fn bench_refunds(c: &mut Criterion) {
    let delivered = ten_line_order();
    let order = delivered.clone().prepare().unwrap();
    let plain = ReturnPolicy::standard();
    let mut fees = ReturnPolicy::standard();
    fees.reasons.get_mut(&ReturnReason::ChangedMind).unwrap().restocking_fee =
        Some(RestockingFee::Percent { percent: dec!(15) });
    fees.methods.mail = Some(MailReturns { label_fee: Some(Money::new(dec!(5.95), delivered.currency)) });

    let mut group = c.benchmark_group("returns");
    group.throughput(Throughput::Elements(1));

    let (returns, rma) = inspected(&order, &plain, ReturnReason::WrongSize);
    group.bench_function("refund_quote_10_lines", |b| {
        b.iter(|| black_box(returns.quote(black_box(&rma), black_box(&order), &plain).unwrap()))
    });

    let (returns, rma) = inspected(&order, &plain, ReturnReason::Defective);
    group.bench_function("refund_quote_10_lines_with_shipping", |b| {
        b.iter(|| black_box(returns.quote(black_box(&rma), black_box(&order), &plain).unwrap()))
    });

    let (returns, rma) = inspected(&order, &fees, ReturnReason::ChangedMind);
    group.bench_function("refund_quote_10_lines_with_fees", |b| {
        b.iter(|| black_box(returns.quote(black_box(&rma), black_box(&order), &fees).unwrap()))
    });

    let (returns, rma) = inspected(&order, &plain, ReturnReason::WrongSize);
    let refund = ReturnCommand::Refund { rma };
    let now = fixtures::t0() + chrono::Duration::days(5);
    group.bench_function("refund_decide_10_lines", |b| {
        b.iter(|| black_box(returns.decide(black_box(&refund), black_box(&order), &plain, now).unwrap()))
    });
    group.bench_function("prepare_10_lines", |b| {
        b.iter_batched(
            || delivered.clone(),
            |order| black_box(order.prepare().unwrap()),
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_refunds);
criterion_main!(benches);
