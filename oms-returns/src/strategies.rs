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

use oms_core::{Currency, LineId, Money, capture};
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

/// A delivered order from [`oms_core::strategies::order_draft`]: 1 to 5 lines in any currency
/// with line and order discounts, tax and shipping. Each line's units arrive in one or two
/// deliveries (the second 20 days later); the whole total is captured.
pub fn returnable_order() -> impl Strategy<Value = ReturnableOrder> {
    oms_core::strategies::order_draft()
        .prop_filter_map("generated drafts capture", |draft| capture(&draft).ok())
        .prop_flat_map(|captured| {
            let splits = proptest::collection::vec(0u32..=10, captured.lines.len());
            (Just(captured), splits)
        })
        .prop_map(|(captured, splits)| {
            let mut order = ReturnableOrder::all_delivered(&captured, t0());
            for (line, split) in order.lines.iter_mut().zip(splits) {
                let total = line.pricing.quantity;
                let late = split.min(total.saturating_sub(1));
                if late > 0 {
                    let node = line.deliveries.first().and_then(|d| d.pickup_node.clone());
                    line.deliveries = vec![
                        Delivery { quantity: total - late, at: t0(), pickup_node: node.clone() },
                        Delivery { quantity: late, at: day(20), pickup_node: node },
                    ];
                }
            }
            order
        })
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
