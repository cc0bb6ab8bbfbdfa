//! Proptest strategies (feature `proptest`) for property tests of your own rules.
//!
//! ```
//! use oms_core::strategies;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! // In your tests: `proptest! { #[test] fn my_rule(draft in strategies::order_draft()) { ... } }`
//! TestRunner::default()
//!     .run(&strategies::order_draft(), |draft| {
//!         prop_assert!(oms_core::capture(&draft).is_ok());
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use proptest::prelude::*;
use rust_decimal::Decimal;

mod lifecycle;
pub use lifecycle::{LifecycleStep, lifecycle_step};

use crate::testkit::fixtures::{address, t0};
use crate::{
    ChannelDraft, ChannelKind, ChargeDraft, Currency, DiscountDraft, FulfillmentDraft, LineDraft, LineId, MoneyInput,
    Order, OrderCommand, OrderDraft, capture,
};

/// Any known currency.
pub fn currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::ALL)
}

/// Any channel kind.
pub fn channel_kind() -> impl Strategy<Value = ChannelKind> {
    proptest::sample::select(vec![
        ChannelKind::Web,
        ChannelKind::Marketplace,
        ChannelKind::Pos,
        ChannelKind::CallCenter,
        ChannelKind::B2b,
    ])
}

fn amount(minor: i64, currency: Currency) -> MoneyInput {
    MoneyInput::new(Decimal::new(minor, currency.minor_units()), currency.code())
}

/// Parameters of one generated line: sku, quantity, unit price (minor), discount %, tax (minor), pickup.
type LineSeed = (u8, u32, i64, i64, i64, bool);

fn line_seed() -> impl Strategy<Value = LineSeed> {
    (0u8..8, 1u32..=10, 0i64..=50_000, prop_oneof![Just(0i64), 0i64..=100], 0i64..=5_000, proptest::bool::weighted(0.2))
}

/// A valid order draft: 1 to 5 lines in one random currency, with line and order discounts,
/// tax, shipping, and a mix of ship and pickup lines. `capture` accepts every one.
pub fn order_draft() -> impl Strategy<Value = OrderDraft> {
    (
        currency(),
        channel_kind(),
        proptest::collection::vec(line_seed(), 1..=5),
        0i64..=100,
        0i64..=2_000,
        0i64..=300,
        0u32..1_000_000,
    )
        .prop_map(|(currency, kind, seeds, order_discount_pct, shipping, shipping_tax, n)| {
            let mut net_total = 0i64;
            let lines = seeds
                .iter()
                .enumerate()
                .map(|(i, &(sku, quantity, price, discount_pct, tax, pickup))| {
                    let gross = price * i64::from(quantity);
                    let discount = gross * discount_pct / 100;
                    net_total += gross - discount;
                    let mut line =
                        LineDraft::new(format!("L{i}"), format!("SKU-{sku}"), quantity, amount(price, currency));
                    if discount > 0 {
                        line.discounts.push(DiscountDraft { code: "LINE".into(), amount: amount(discount, currency) });
                    }
                    line.tax = Some(amount(tax, currency));
                    if pickup {
                        line.fulfillment = FulfillmentDraft::Pickup { node: Some(format!("STORE-{}", sku % 3)) };
                    }
                    line
                })
                .collect();
            let order_discount = net_total * order_discount_pct / 100;
            OrderDraft {
                order_id: format!("O-{n}"),
                channel: ChannelDraft { kind, id: "channel".into(), external_order_id: format!("E-{n}") },
                customer_id: format!("C-{}", n % 50),
                currency: currency.code().into(),
                placed_at: t0(),
                ship_to: Some(address()),
                lines,
                discounts: if order_discount > 0 {
                    vec![DiscountDraft { code: "ORDER".into(), amount: amount(order_discount, currency) }]
                } else {
                    Vec::new()
                },
                shipping: vec![ChargeDraft {
                    code: "standard".into(),
                    amount: amount(shipping, currency),
                    tax: Some(amount(shipping_tax, currency)),
                }],
                attributes: Default::default(),
                holds: Vec::new(),
            }
        })
}

/// A freshly captured order (every unit open).
pub fn order() -> impl Strategy<Value = Order> {
    order_draft()
        .prop_filter_map("generated drafts capture", |draft| capture(&draft).ok().map(|c| Order::from_captured(&c)))
}

/// Commands on an order with these lines, valid or not: known and unknown lines, quantities
/// from 0 to 12 (so some exceed what the line holds).
pub fn order_command(lines: Vec<LineId>) -> impl Strategy<Value = OrderCommand> {
    let unknown = LineId::new("NO-SUCH-LINE").ok();
    let choices: Vec<LineId> = lines.into_iter().chain(unknown).collect();
    (proptest::sample::select(choices), 0u32..=12, 0u8..3).prop_map(|(line, quantity, kind)| match kind {
        0 => OrderCommand::Reserve { line, quantity },
        1 => OrderCommand::Backorder { line, quantity, at: t0(), expected_at: None },
        _ => OrderCommand::Cancel { line, quantity, reason: "generated".into() },
    })
}
