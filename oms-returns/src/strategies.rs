//! Proptest strategies (feature `proptest`) for property tests of returns.
//!
//! ```
//! use oms_returns::strategies;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! TestRunner::default()
//!     .run(&strategies::returnable_order(), |order| {
//!         prop_assert!(order.validate().is_ok());
//!         Ok(())
//!     })
//!     .unwrap();
//! ```
// Test-support code: the ids below are literals known to be valid.
#![allow(clippy::unwrap_used)]

use oms_core::{Currency, LineId, LinePricing, Money, capture};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::testkit::fixtures::{day, t0};
use crate::{
    Delivery, Disposition, ExchangeItem, ExchangeRequest, Inspection, ReceivedUnits, RestockingFee, ReturnCommand,
    ReturnLineRequest, ReturnMethod, ReturnPolicy, ReturnReason, ReturnableOrder, RmaId,
};

/// RMA ids the command strategies use: `R-0` to `R-3`.
pub fn rma_id() -> impl Strategy<Value = RmaId> {
    (0u8..4).prop_map(|n| RmaId::new(format!("R-{n}")).unwrap())
}

/// Any reason.
pub fn reason() -> impl Strategy<Value = ReturnReason> {
    proptest::sample::select(ReturnReason::ALL)
}

/// Any disposition.
pub fn disposition() -> impl Strategy<Value = Disposition> {
    proptest::sample::select(vec![
        Disposition::Restock,
        Disposition::Damaged,
        Disposition::Refurbish,
        Disposition::ReturnToVendor,
    ])
}

/// How one generated line is shaped: units added by a modification `(quantity, unit price,
/// unit tax)` in minor units, units cancelled before delivery, units delivered late.
type LineShape = (Option<(u32, i64, i64)>, u32, u32);

fn line_shape() -> impl Strategy<Value = LineShape> {
    (
        proptest::option::weighted(0.2, (1u32..=3, 0i64..=20_000, 0i64..=2_000)),
        prop_oneof![3 => Just(0u32), 1 => 0u32..=4],
        0u32..=10,
    )
}

/// A delivered order from [`oms_core::strategies::order_draft`]: 1 to 5 lines in any currency
/// with line and order discounts, tax and shipping. Some lines have units added by a
/// modification (priced on their own); some had units cancelled before delivery, refunded
/// outside this crate from the line's last units (merchandise and tax, as `oms-core` does, and
/// all shipping once every line that bears shipping is cancelled).
/// The rest arrive in one or two deliveries (the second 20 days later). Everything paid is
/// captured.
pub fn returnable_order() -> impl Strategy<Value = ReturnableOrder> {
    oms_core::strategies::order_draft()
        .prop_filter_map("generated drafts capture", |draft| capture(&draft).ok())
        .prop_flat_map(|captured| {
            let shapes = proptest::collection::vec(line_shape(), captured.lines.len());
            (Just(captured), shapes)
        })
        .prop_map(|(captured, shapes)| {
            let mut order = ReturnableOrder::all_delivered(&captured, t0());
            let currency = order.currency;
            let mut captured_minor = captured.totals.total.to_minor().unwrap();
            let mut refunded_minor = 0i128;
            for (line, (added, cancelled, late)) in order.lines.iter_mut().zip(shapes) {
                if let Some((quantity, price, tax)) = added {
                    let m = |minor: i64| Money::from_minor(minor, currency);
                    let gross = price * i64::from(quantity);
                    let batch_tax = tax * i64::from(quantity);
                    line.added.push(LinePricing {
                        quantity,
                        unit_price: m(price),
                        gross: m(gross),
                        line_discount: m(0),
                        order_discount: m(0),
                        tax: m(batch_tax),
                        shipping: m(0),
                        shipping_tax: m(0),
                        total: m(gross + batch_tax),
                    });
                    captured_minor += i128::from(gross + batch_tax);
                }
                let total = line.quantity();
                let cancelled = cancelled.min(total);
                line.refunded_outside = cancelled;
                refunded_minor += merchandise_and_tax_of_last(line, cancelled);
                let delivered = total - cancelled;
                let late = late.min(delivered.saturating_sub(1));
                let node = line.deliveries.first().and_then(|d| d.pickup_node.clone());
                line.deliveries = [(delivered - late, t0()), (late, day(20))]
                    .into_iter()
                    .filter(|&(quantity, _)| quantity > 0)
                    .map(|(quantity, at)| Delivery { quantity, at, pickup_node: node.clone() })
                    .collect();
            }
            // As oms-core does: once nothing that bears shipping will ship, shipping is refunded in full.
            let bears_shipping =
                |l: &&crate::ReturnableLine| !l.pricing.shipping.is_zero() || !l.pricing.shipping_tax.is_zero();
            if order.lines.iter().filter(bears_shipping).all(|l| l.refunded_outside == l.quantity()) {
                for line in order.lines.iter().filter(bears_shipping) {
                    refunded_minor +=
                        line.pricing.shipping.to_minor().unwrap() + line.pricing.shipping_tax.to_minor().unwrap();
                }
                order.shipping_refunded_outside = order.lines.iter().any(|l| bears_shipping(&l));
            }
            order.captured = crate::paid::money(captured_minor, currency).unwrap();
            order.refunded_amount_outside = crate::paid::money(refunded_minor, currency).unwrap();
            order
        })
}

/// Merchandise and tax of a line's last `count` units, batch by batch, in minor units.
fn merchandise_and_tax_of_last(line: &crate::ReturnableLine, count: u32) -> i128 {
    let first = line.quantity() - count;
    let mut start = 0u32;
    let mut sum = 0i128;
    for batch in line.batches() {
        let end = start + batch.quantity;
        let from = first.max(start);
        if from < end {
            let part = batch.for_units(from - start, end - from).unwrap();
            sum += part.merchandise.to_minor().unwrap() + part.tax.to_minor().unwrap();
        }
        start = end;
    }
    sum
}

/// A policy for orders in `currency`: the standard one with a random window, auto-approval on
/// or off, and fees (percent or per unit, and a label fee) on or off.
pub fn return_policy(currency: Currency) -> impl Strategy<Value = ReturnPolicy> {
    (10u32..=40, any::<bool>(), 0u8..3, 0i64..=3_000, proptest::option::of(0i64..=1_500), any::<bool>()).prop_map(
        move |(window, auto, fee_kind, fee, label, shipping_all)| {
            let mut policy = ReturnPolicy::standard();
            policy.window_days = window;
            policy.auto_approve = auto;
            policy.shipping_refund.when_everything_returned = shipping_all;
            let fee = match fee_kind {
                0 => None,
                1 => Some(RestockingFee::Percent { percent: Decimal::new(fee % 10_001, 2) }),
                _ => Some(RestockingFee::PerUnit { amount: Money::from_minor(fee, currency) }),
            };
            for reason in [ReturnReason::ChangedMind, ReturnReason::WrongSize] {
                if let Some(rule) = policy.reasons.get_mut(&reason) {
                    rule.restocking_fee = fee;
                }
            }
            if let Some(mail) = policy.methods.mail.as_mut() {
                mail.label_fee = label.map(|minor| Money::from_minor(minor, currency));
            }
            policy
        },
    )
}

/// Return commands on an order with these lines, valid or not: known and unknown lines,
/// quantities from 0 to 4, every step of the lifecycle, RMA ids `R-0` to `R-3`, some exchanges.
pub fn return_command(lines: Vec<LineId>, currency: Currency) -> impl Strategy<Value = ReturnCommand> {
    let unknown = LineId::new("NO-SUCH-LINE").ok();
    let choices: Vec<LineId> = lines.into_iter().chain(unknown).collect();
    let line = proptest::sample::select(choices);
    let line_request = (line.clone(), 0u32..=4, reason()).prop_map(|(l, q, r)| ReturnLineRequest::new(l, q, r));
    let exchange = proptest::option::weighted(
        0.25,
        (line.clone(), 1u32..=2, any::<bool>(), proptest::option::of(0i64..=5_000)).prop_map(
            move |(line, quantity, advance, price)| ExchangeRequest {
                items: vec![match price {
                    None => ExchangeItem::Swap { line, sku: "OTHER-VARIANT".parse().unwrap(), quantity },
                    Some(minor) => ExchangeItem::Buy {
                        sku: "UPGRADE".parse().unwrap(),
                        quantity,
                        unit_price: Money::from_minor(minor, currency),
                        unit_tax: Money::from_minor(minor / 10, currency),
                    },
                }],
                advance,
            },
        ),
    );
    let method = prop_oneof![
        3 => Just(ReturnMethod::Mail),
        1 => Just(ReturnMethod::InStore { node: "STORE-1".parse().unwrap() }),
    ];
    prop_oneof![
        4 => (rma_id(), method, proptest::collection::vec(line_request, 1..=3), exchange)
            .prop_map(|(rma, method, lines, exchange)| ReturnCommand::Request { rma, method, lines, exchange }),
        1 => rma_id().prop_map(|rma| ReturnCommand::Approve { rma }),
        1 => rma_id().prop_map(|rma| ReturnCommand::Reject { rma, reason: "generated".into() }),
        1 => rma_id().prop_map(|rma| ReturnCommand::Cancel { rma, reason: "generated".into() }),
        1 => rma_id().prop_map(|rma| ReturnCommand::Ship { rma, tracking: None }),
        3 => (rma_id(), proptest::collection::vec((line.clone(), 0u32..=4), 1..=3)).prop_map(|(rma, items)| {
            ReturnCommand::Receive {
                rma,
                node: "DC-1".parse().unwrap(),
                items: items.into_iter().map(|(line, quantity)| ReceivedUnits { line, quantity }).collect(),
                unexpected: Vec::new(),
            }
        }),
        3 => (rma_id(), proptest::collection::vec((line, 0u32..=4, disposition()), 0..=3)).prop_map(|(rma, outcomes)| {
            ReturnCommand::Inspect {
                rma,
                inspections: outcomes
                    .into_iter()
                    .map(|(line, quantity, disposition)| Inspection { line, quantity, disposition })
                    .collect(),
            }
        }),
        3 => rma_id().prop_map(|rma| ReturnCommand::Refund { rma }),
        1 => rma_id().prop_map(|rma| ReturnCommand::Close { rma }),
    ]
}
