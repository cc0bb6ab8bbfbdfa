//! Capture: pricing to the cent, refusals naming field and line, idempotency.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::testkit::fixtures::{address, draft, t0};
use oms_core::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn usd(amount: Decimal) -> MoneyInput {
    MoneyInput::new(amount, "USD")
}

fn refused(d: &OrderDraft) -> CaptureError {
    capture(d).expect_err("draft should be refused")
}

#[test]
fn order_discount_and_shipping_are_spread_exactly() {
    let mut d = draft("O-1", "E-1", "C-1", &[("a", "A", 1), ("b", "B", 1), ("c", "C", 1)]);
    d.discounts.push(DiscountDraft { code: "TEN".into(), amount: usd(dec!(10.00)) });
    d.shipping.push(ChargeDraft { code: "std".into(), amount: usd(dec!(5.00)), tax: Some(usd(dec!(0.01))) });
    let c = capture(&d).unwrap();
    let order_discounts: Vec<Decimal> = c.lines.iter().map(|l| l.pricing.order_discount.amount()).collect();
    assert_eq!(order_discounts, [dec!(3.34), dec!(3.33), dec!(3.33)]);
    let shipping: Vec<Decimal> = c.lines.iter().map(|l| l.pricing.shipping.amount()).collect();
    assert_eq!(shipping, [dec!(1.66), dec!(1.67), dec!(1.67)]);
    let shipping_tax: Vec<Decimal> = c.lines.iter().map(|l| l.pricing.shipping_tax.amount()).collect();
    assert_eq!(shipping_tax, [dec!(0.00), dec!(0.01), dec!(0.00)]);
    assert_eq!(c.totals.total.amount(), dec!(25.01));
    let sum = Money::sum(Currency::USD, c.lines.iter().map(|l| &l.pricing.total)).unwrap();
    assert_eq!(sum, c.totals.total);
}

#[test]
fn unit_prices_with_extra_decimals_round_half_away_from_zero_per_line() {
    let mut d = draft("O-1", "E-1", "C-1", &[("a", "A", 3)]);
    d.lines[0].unit_price = usd(dec!(0.125));
    let c = capture(&d).unwrap();
    assert_eq!(c.lines[0].pricing.gross.amount(), dec!(0.38)); // 0.375 -> 0.38
}

#[test]
fn shipping_falls_only_on_lines_that_ship() {
    let mut d = draft("O-1", "E-1", "C-1", &[("ship", "A", 1), ("pick", "B", 1)]);
    d.lines[1].fulfillment = FulfillmentDraft::Pickup { node: Some("STORE-1".into()) };
    d.shipping.push(ChargeDraft { code: "std".into(), amount: usd(dec!(4.99)), tax: None });
    let c = capture(&d).unwrap();
    assert_eq!(c.lines[0].pricing.shipping.amount(), dec!(4.99));
    assert!(c.lines[1].pricing.shipping.is_zero());
}

#[test]
fn zero_priced_shipped_lines_share_shipping_by_quantity() {
    let mut d = draft("O-1", "E-1", "C-1", &[("a", "FREE-GIFT", 1), ("b", "FREE-SAMPLE", 3)]);
    for line in &mut d.lines {
        line.unit_price = usd(dec!(0));
    }
    d.shipping.push(ChargeDraft { code: "std".into(), amount: usd(dec!(4.00)), tax: None });
    let c = capture(&d).unwrap();
    assert_eq!(c.lines[0].pricing.shipping.amount(), dec!(1.00));
    assert_eq!(c.lines[1].pricing.shipping.amount(), dec!(3.00));
}

#[test]
fn jpy_and_kwd_use_their_minor_units() {
    let mut d = draft("O-1", "E-1", "C-1", &[("a", "A", 1), ("b", "B", 2)]);
    d.currency = "JPY".into();
    for line in &mut d.lines {
        line.unit_price = MoneyInput::new(dec!(1000), "JPY");
    }
    d.discounts.push(DiscountDraft { code: "X".into(), amount: MoneyInput::new(dec!(100), "JPY") });
    let c = capture(&d).unwrap();
    assert_eq!(c.lines.iter().map(|l| l.pricing.order_discount.amount()).collect::<Vec<_>>(), [dec!(33), dec!(67)]);

    d.currency = "KWD".into();
    for line in &mut d.lines {
        line.unit_price = MoneyInput::new(dec!(1.000), "KWD");
    }
    d.discounts[0].amount = MoneyInput::new(dec!(0.100), "KWD");
    let c = capture(&d).unwrap();
    assert_eq!(
        c.lines.iter().map(|l| l.pricing.order_discount.amount()).collect::<Vec<_>>(),
        [dec!(0.033), dec!(0.067)]
    );
}

#[test]
fn refusals_name_the_field_and_line() {
    let base = draft("O-1", "E-1", "C-1", &[("1", "TEE", 2), ("2", "CAP", 1)]);

    let mut d = base.clone();
    d.lines.clear();
    assert_eq!((refused(&d).field.as_str(), refused(&d).problem), ("lines", CaptureProblem::NoLines));

    let mut d = base.clone();
    d.lines[1].quantity = 0;
    let e = refused(&d);
    assert_eq!(
        (e.field.as_str(), e.line.as_deref(), e.problem),
        ("lines[1].quantity", Some("2"), CaptureProblem::ZeroQuantity)
    );

    let mut d = base.clone();
    d.lines[1].line_id = "1".into();
    let e = refused(&d);
    assert_eq!(
        (e.field.as_str(), e.line.as_deref(), e.problem),
        ("lines[1].line_id", Some("1"), CaptureProblem::DuplicateLineId)
    );

    let mut d = base.clone();
    d.lines[0].unit_price = usd(dec!(-1));
    let e = refused(&d);
    assert_eq!(e.field, "lines[0].unit_price");
    assert!(matches!(e.problem, CaptureProblem::NegativeAmount { .. }));

    let mut d = base.clone();
    d.lines[0].discounts.push(DiscountDraft { code: "BIG".into(), amount: usd(dec!(20.01)) });
    let e = refused(&d);
    assert_eq!((e.field.as_str(), e.line.as_deref()), ("lines[0].discounts", Some("1")));
    assert!(matches!(e.problem, CaptureProblem::DiscountExceedsPrice { .. }));

    let mut d = base.clone();
    d.discounts.push(DiscountDraft { code: "HUGE".into(), amount: usd(dec!(30.01)) });
    let e = refused(&d);
    assert_eq!(e.field, "discounts");
    assert!(matches!(e.problem, CaptureProblem::DiscountExceedsPrice { .. }));

    let mut d = base.clone();
    d.lines[1].unit_price = MoneyInput::new(dec!(10), "EUR");
    let e = refused(&d);
    assert_eq!((e.field.as_str(), e.line.as_deref()), ("lines[1].unit_price.currency", Some("2")));
    assert_eq!(e.problem, CaptureProblem::CurrencyMismatch { expected: Currency::USD, found: Currency::EUR });

    let mut d = base.clone();
    d.currency = "XYZ".into();
    let e = refused(&d);
    assert_eq!((e.field.as_str(), e.problem), ("currency", CaptureProblem::UnknownCurrency { code: "XYZ".into() }));

    let mut d = base.clone();
    d.lines[0].tax = Some(MoneyInput::new(dec!(1), "ABC"));
    assert_eq!(refused(&d).problem, CaptureProblem::UnknownCurrency { code: "ABC".into() });

    let mut d = base.clone();
    d.ship_to = None;
    let e = refused(&d);
    assert_eq!(
        (e.field.as_str(), e.line.as_deref(), e.problem),
        ("lines[0].fulfillment.address", Some("1"), CaptureProblem::MissingShipAddress)
    );

    let mut d = base.clone();
    d.lines[1].fulfillment = FulfillmentDraft::Pickup { node: None };
    let e = refused(&d);
    assert_eq!(
        (e.field.as_str(), e.line.as_deref(), e.problem),
        ("lines[1].fulfillment.node", Some("2"), CaptureProblem::MissingPickupNode)
    );

    let mut d = base.clone();
    d.lines[1].sku = "S".repeat(129);
    let e = refused(&d);
    assert_eq!((e.field.as_str(), e.line.as_deref()), ("lines[1].sku", Some("2")));
    assert_eq!(e.problem, CaptureProblem::InvalidId(IdError::TooLong { kind: "sku", len: 129 }));

    let mut d = base.clone();
    d.order_id = "O".repeat(200);
    assert_eq!(refused(&d).field, "order_id");

    let mut d = base.clone();
    d.lines[0].tax = Some(usd(dec!(0.001)));
    assert!(matches!(refused(&d).problem, CaptureProblem::TooPrecise { .. }));

    let mut d = base.clone();
    let mut bad = address();
    bad.city = String::new();
    d.lines[0].fulfillment = FulfillmentDraft::Ship { address: Some(bad) };
    assert_eq!(refused(&d).field, "lines[0].fulfillment.address.city");

    let mut d = base;
    d.attributes.insert(String::new(), "x".into());
    assert_eq!(refused(&d).field, "attributes.");
}

#[test]
fn error_messages_read_well() {
    let mut d = draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]);
    d.lines[0].quantity = 0;
    assert_eq!(refused(&d).to_string(), "lines[0].quantity (line \"1\"): quantity must be at least 1");
}

fn service() -> OrderService<InMemoryOrderStore, FixedClock> {
    OrderService::new(InMemoryOrderStore::new(), FixedClock(t0()))
}

#[test]
fn capturing_the_same_channel_order_twice_writes_once() {
    let s = service();
    let d = draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]);
    assert!(matches!(s.capture(&d, Metadata::by(Actor::System)).unwrap(), CaptureOutcome::Captured { .. }));
    let again = s.capture(&d, Metadata::by(Actor::System)).unwrap();
    assert_eq!(again, CaptureOutcome::AlreadyCaptured { order_id: "O-1".parse().unwrap(), differences: vec![] });
    assert_eq!(s.store().read(&"O-1".parse().unwrap(), Version::ZERO).unwrap().len(), 1);
    assert_eq!(s.store().len(), 1);
}

#[test]
fn a_differing_resend_is_reported_not_applied() {
    let s = service();
    let d = draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]);
    s.capture(&d, Metadata::by(Actor::System)).unwrap();
    let mut changed = d.clone();
    changed.order_id = "O-2".into();
    changed.lines[0].quantity = 5;
    let CaptureOutcome::AlreadyCaptured { order_id, differences } =
        s.capture(&changed, Metadata::by(Actor::System)).unwrap()
    else {
        panic!("expected the existing order");
    };
    assert_eq!(order_id.as_str(), "O-1");
    let fields: Vec<&str> = differences.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["order_id", "lines[0].quantity", "lines[0].total", "totals.total"]);
    assert_eq!((differences[1].captured.as_str(), differences[1].received.as_str()), ("2", "5"));
    assert_eq!(s.order(&order_id).unwrap().lines()[0].quantity(), 2);
    assert!(s.store().read(&"O-2".parse().unwrap(), Version::ZERO).unwrap().is_empty());
}

#[test]
fn a_refused_capture_writes_nothing() {
    let s = service();
    let mut d = draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]);
    d.lines[0].quantity = 0;
    assert!(matches!(s.capture(&d, Metadata::by(Actor::System)), Err(Error::Capture(_))));
    assert!(s.store().is_empty());
    assert!(s.store().customer_orders(&"C-1".parse().unwrap()).unwrap().is_empty());
}

#[test]
fn an_order_id_already_taken_by_another_channel_order_conflicts() {
    let s = service();
    s.capture(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]), Metadata::by(Actor::System)).unwrap();
    let clash = s.capture(&draft("O-1", "E-2", "C-1", &[("1", "TEE", 2)]), Metadata::by(Actor::System));
    assert!(matches!(clash, Err(Error::Store(StoreError::Conflict { .. }))), "{clash:?}");
}

#[test]
fn drafts_round_trip_through_json() {
    let mut d = draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]);
    d.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some("STORE-1".into()) };
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains(r#""method":"pickup""#), "{json}");
    assert_eq!(serde_json::from_str::<OrderDraft>(&json).unwrap(), d);
    let captured = capture(&d).unwrap();
    let event = OrderEvent::Captured(Box::new(captured));
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["type"], "captured");
    assert_eq!(json["totals"]["total"]["amount"], "20.00");
    assert_eq!(serde_json::from_value::<OrderEvent>(json).unwrap(), event);
}

#[test]
fn placed_at_is_kept_as_given() {
    let c = capture(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)])).unwrap();
    assert_eq!(c.placed_at, t0());
}
