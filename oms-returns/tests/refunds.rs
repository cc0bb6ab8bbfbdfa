//! Refund amounts, computed by hand in each test's comments and checked to the minor unit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::{ChargeDraft, DiscountDraft, Money, MoneyInput, OrderDraft};
use oms_returns::testkit::ReturnTest;
use oms_returns::testkit::fixtures::{self, day, delivered, draft, inspect, receive, refund, request};
use oms_returns::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// A TEE line of 3 and a CAP line of 1 with an order-level discount and tax on each line.
fn discounted(currency: &str, tee: Decimal, cap: Decimal, discount: Decimal, taxes: [Decimal; 2]) -> OrderDraft {
    let mut d = draft("O-1", currency, &[("1", "TEE", 3, tee), ("2", "CAP", 1, cap)]);
    d.discounts.push(DiscountDraft { code: "COUPON".into(), amount: MoneyInput::new(discount, currency) });
    for (line, tax) in d.lines.iter_mut().zip(taxes) {
        line.tax = Some(MoneyInput::new(tax, currency));
    }
    d
}

/// Requests, receives, restocks and refunds `quantity` of `line` as RMA `rma`; returns the settlement.
fn return_units(test: &mut ReturnTest, rma: &str, lines: &[(&str, u32, ReturnReason)]) -> Settlement {
    test.run(request(rma, lines));
    let items: Vec<(&str, u32)> = lines.iter().map(|&(l, q, _)| (l, q)).collect();
    test.run(receive(rma, "DC-1", &items));
    let outcomes: Vec<_> = lines.iter().map(|&(l, q, _)| (l, q, Disposition::Restock)).collect();
    test.run(inspect(rma, &outcomes));
    let events = test.run(refund(rma));
    match &events[..] {
        [ReturnEvent::Refunded { settlement, .. }] => (**settlement).clone(),
        other => panic!("expected one refunded event, got {other:?}"),
    }
}

fn refunded(settlement: &Settlement) -> Decimal {
    match settlement.payment {
        Payment::Refund { amount } => amount.amount(),
        other => panic!("expected a refund, got {other:?}"),
    }
}

/// One unit at a time, the three refunds of a discounted, taxed 3-unit line add up to exactly
/// what the line paid, in a 2-, 0- and 3-decimal currency.
#[test]
fn a_three_unit_line_returned_one_at_a_time_refunds_exactly_what_was_paid() {
    struct Case {
        currency: &'static str,
        order: OrderDraft,
        order_discount_on_tee: Decimal,
        refunds: [Decimal; 3],
        line_total: Decimal,
    }
    let cases = [
        // USD: TEE 3 × 19.99 = 59.97, CAP 15.00; coupon 10.00 spread by 5997 : 1500 →
        // 799.92 → 799 (rem 6897) and 200.08 → 200 (rem 600); the spare cent goes to TEE: 8.00.
        // TEE merchandise 51.97 = 17.33 + 17.32 + 17.32, tax 4.16 = 1.39 + 1.39 + 1.38.
        // Slots are taken from the bottom: 17.33 + 1.39, 17.32 + 1.39, 17.32 + 1.38.
        Case {
            currency: "USD",
            order: discounted("USD", dec!(19.99), dec!(15.00), dec!(10.00), [dec!(4.16), dec!(1.04)]),
            order_discount_on_tee: dec!(8.00),
            refunds: [dec!(18.72), dec!(18.71), dec!(18.70)],
            line_total: dec!(56.13),
        },
        // JPY: TEE 3 × 2980 = 8940, CAP 1200; coupon 700 spread by 8940 : 1200 →
        // 617.16 → 617 (rem 1620) and 82.84 → 82 (rem 8520); the spare yen goes to CAP: TEE 617.
        // TEE merchandise 8323 = 2775 + 2774 + 2774, tax 832 = 278 + 277 + 277.
        Case {
            currency: "JPY",
            order: discounted("JPY", dec!(2980), dec!(1200), dec!(700), [dec!(832), dec!(120)]),
            order_discount_on_tee: dec!(617),
            refunds: [dec!(3053), dec!(3051), dec!(3051)],
            line_total: dec!(9155),
        },
        // KWD (3 decimals, no VAT): TEE 3 × 7.450 = 22.350, CAP 3.900; coupon 2.000 spread by
        // 22350 : 3900 → 1702.857 → 1702 (rem 22500) and 297.14 → 297 (rem 3750); spare fils to
        // TEE: 1.703. TEE merchandise 20.647 = 6.883 + 6.882 + 6.882.
        Case {
            currency: "KWD",
            order: discounted("KWD", dec!(7.450), dec!(3.900), dec!(2.000), [dec!(0), dec!(0)]),
            order_discount_on_tee: dec!(1.703),
            refunds: [dec!(6.883), dec!(6.882), dec!(6.882)],
            line_total: dec!(20.647),
        },
    ];
    for case in cases {
        // Given the delivered order
        let order = delivered(&case.order);
        let tee = &order.lines[0];
        assert_eq!(tee.pricing.order_discount.amount(), case.order_discount_on_tee, "{}", case.currency);
        assert_eq!(tee.pricing.total.amount(), case.line_total, "{}", case.currency);
        let mut test = ReturnTest::new(order.clone(), ReturnPolicy::standard()).at(day(5));

        // When each unit comes back in its own RMA
        let mut sum = Money::zero(order.currency);
        for (i, expected) in case.refunds.iter().enumerate() {
            let settlement = return_units(&mut test, &format!("R-{i}"), &[("1", 1, ReturnReason::ChangedMind)]);
            // Then each refund is the hand-computed amount
            assert_eq!(refunded(&settlement), *expected, "{} refund {i}", case.currency);
            assert_eq!(settlement.credit.currency().code(), case.currency);
            sum = sum.checked_add(settlement.credit).unwrap();
        }
        // And together they are exactly what the line paid
        assert_eq!(sum, tee.pricing.total, "{}", case.currency);
        assert_eq!(test.returns().ledger(&tee.line_id).unwrap().refunded(), &Units::range(0, 3));
        // And a fourth unit cannot come back
        let err = test.refuse(request("R-9", &[("1", 1, ReturnReason::ChangedMind)]));
        assert!(
            matches!(&err, ReturnError::Ineligible { refusal: Refusal::AllReturned { delivered: 3 }, .. }),
            "{err}"
        );
    }
}

fn policy_with_fee(fee: RestockingFee) -> ReturnPolicy {
    let mut policy = ReturnPolicy::standard();
    policy.reasons.get_mut(&ReturnReason::ChangedMind).unwrap().restocking_fee = Some(fee);
    policy
}

fn usd_order() -> ReturnableOrder {
    delivered(&discounted("USD", dec!(19.99), dec!(15.00), dec!(10.00), [dec!(4.16), dec!(1.04)]))
}

#[test]
fn a_percent_restocking_fee_is_rounded_half_away_from_zero_on_the_merchandise() {
    // Two tees (slots 0 and 1): merchandise 17.33 + 17.32 = 34.65, tax 1.39 + 1.39 = 2.78.
    // 15 % of 34.65 = 5.1975 → 5.20. Refund 34.65 + 2.78 - 5.20 = 32.23.
    let mut test = ReturnTest::new(usd_order(), policy_with_fee(RestockingFee::Percent { percent: dec!(15) }));
    let s = return_units(&mut test, "R-1", &[("1", 2, ReturnReason::ChangedMind)]);
    let line = &s.lines[0];
    assert_eq!((line.merchandise.amount(), line.tax.amount()), (dec!(34.65), dec!(2.78)));
    assert_eq!(line.restocking_fee.amount(), dec!(5.20));
    assert_eq!(refunded(&s), dec!(32.23));
}

#[test]
fn a_fixed_fee_is_per_unit_and_never_more_than_the_merchandise() {
    // 2.50 per unit on two tees: 37.43 - 5.00 = 32.43.
    let usd = |a| Money::new(a, oms_core::Currency::USD);
    let mut test = ReturnTest::new(usd_order(), policy_with_fee(RestockingFee::PerUnit { amount: usd(dec!(2.50)) }));
    assert_eq!(refunded(&return_units(&mut test, "R-1", &[("1", 2, ReturnReason::ChangedMind)])), dec!(32.43));

    // 20.00 per unit on one tee (slot 0, merchandise 17.33): the fee stops at 17.33; its tax 1.39 is refunded.
    let mut test = ReturnTest::new(usd_order(), policy_with_fee(RestockingFee::PerUnit { amount: usd(dec!(20)) }));
    let s = return_units(&mut test, "R-1", &[("1", 1, ReturnReason::ChangedMind)]);
    assert_eq!((s.lines[0].restocking_fee.amount(), refunded(&s)), (dec!(17.33), dec!(1.39)));
}

#[test]
fn fees_do_not_apply_to_reasons_without_them() {
    let mut test = ReturnTest::new(usd_order(), policy_with_fee(RestockingFee::Percent { percent: dec!(15) }));
    let s = return_units(&mut test, "R-1", &[("1", 1, ReturnReason::Defective)]);
    assert_eq!((s.lines[0].restocking_fee.amount(), refunded(&s)), (dec!(0.00), dec!(18.72)));
}

fn policy_with_label_fee(fee: Decimal) -> ReturnPolicy {
    let mut policy = ReturnPolicy::standard();
    policy.methods.mail = Some(MailReturns { label_fee: Some(Money::new(fee, oms_core::Currency::USD)) });
    policy
}

#[test]
fn the_label_fee_is_kept_once_and_spread_over_the_lines_exactly() {
    // TEE slot 0 = 18.72, CAP = 13.00 + 1.04 = 14.04; credit 32.76. The 5.95 label fee spreads
    // 18.72 : 14.04 (4 : 3) → 3.40 and 2.55 exactly.
    let mut test = ReturnTest::new(usd_order(), policy_with_label_fee(dec!(5.95)));
    let s = return_units(&mut test, "R-1", &[("1", 1, ReturnReason::WrongSize), ("2", 1, ReturnReason::ChangedMind)]);
    let fees: Vec<Decimal> = s.lines.iter().map(|l| l.label_fee.amount()).collect();
    assert_eq!(fees, [dec!(3.40), dec!(2.55)]);
    let totals: Vec<Decimal> = s.lines.iter().map(|l| l.total.amount()).collect();
    assert_eq!(totals, [dec!(15.32), dec!(11.49)]);
    assert_eq!(refunded(&s), dec!(26.81));
}

#[test]
fn no_label_fee_when_the_merchant_pays_return_shipping_or_the_return_is_in_store() {
    // One line at the merchant's fault makes the merchant pay the label for the whole parcel.
    let mut test = ReturnTest::new(usd_order(), policy_with_label_fee(dec!(5.95)));
    let s = return_units(&mut test, "R-1", &[("1", 1, ReturnReason::WrongSize), ("2", 1, ReturnReason::Defective)]);
    assert_eq!(refunded(&s), dec!(32.76));

    let mut test = ReturnTest::new(usd_order(), policy_with_label_fee(dec!(5.95)));
    test.run(ReturnCommand::Request {
        rma: fixtures::rma("R-1"),
        method: ReturnMethod::InStore { node: "STORE-7".parse().unwrap() },
        lines: vec![ReturnLineRequest::new("1".parse().unwrap(), 1, ReturnReason::WrongSize)],
        exchange: None,
    });
    test.run(receive("R-1", "STORE-7", &[("1", 1)]));
    test.run(inspect("R-1", &[("1", 1, Disposition::Restock)]));
    let quote =
        test.returns().quote(&fixtures::rma("R-1"), &test.prepared(), &policy_with_label_fee(dec!(5.95))).unwrap();
    assert_eq!(refunded(&quote), dec!(18.72));
}

/// TEE 3 × 10.00, CAP 15.00, shipping 6.00 + 0.48 tax spread by 3000 : 1500 → 4.00 + 0.32 and
/// 2.00 + 0.16. TEE shipping per slot 1.34, 1.33, 1.33; its tax 0.11, 0.11, 0.10.
fn shipped_order() -> ReturnableOrder {
    let mut d = draft("O-1", "USD", &[("1", "TEE", 3, dec!(10.00)), ("2", "CAP", 1, dec!(15.00))]);
    d.shipping.push(ChargeDraft {
        code: "standard".into(),
        amount: MoneyInput::new(dec!(6.00), "USD"),
        tax: Some(MoneyInput::new(dec!(0.48), "USD")),
    });
    delivered(&d)
}

#[test]
fn shipping_is_refunded_when_the_merchant_is_at_fault_and_when_everything_came_back() {
    let order = shipped_order();
    assert_eq!(order.captured.amount(), dec!(51.48));
    let mut test = ReturnTest::new(order.clone(), ReturnPolicy::standard());

    // A defective tee (slot 0): 10.00 + its shipping 1.34 + 0.11 = 11.45.
    let defective = return_units(&mut test, "R-1", &[("1", 1, ReturnReason::Defective)]);
    assert!(defective.lines[0].with_shipping);
    assert_eq!(refunded(&defective), dec!(11.45));

    // Two tees for a change of mind: merchandise only, 20.00.
    let changed = return_units(&mut test, "R-2", &[("1", 2, ReturnReason::ChangedMind)]);
    assert_eq!((refunded(&changed), changed.shipping.len()), (dec!(20.00), 0));

    // The cap is the order's last unit: 15.00, plus all shipping not yet refunded:
    // tee slots 1 and 2 (1.33 + 1.33, 0.11 + 0.10) and the cap's 2.00 + 0.16 = 20.03.
    let last = return_units(&mut test, "R-3", &[("2", 1, ReturnReason::ChangedMind)]);
    let shipping: Vec<(String, Decimal, Decimal)> =
        last.shipping.iter().map(|s| (s.line.to_string(), s.shipping.amount(), s.shipping_tax.amount())).collect();
    assert_eq!(shipping, [("1".into(), dec!(2.66), dec!(0.21)), ("2".into(), dec!(2.00), dec!(0.16))]);
    assert_eq!(refunded(&last), dec!(20.03));

    // Together: everything the customer paid.
    assert_eq!(dec!(11.45) + dec!(20.00) + dec!(20.03), order.captured.amount());
}

#[test]
fn shipping_stays_with_the_merchant_when_the_policy_says_so() {
    let mut policy = ReturnPolicy::standard();
    policy.shipping_refund = ShippingRefundRule { when_merchant_at_fault: false, when_everything_returned: false };
    let mut test = ReturnTest::new(shipped_order(), policy);
    let s = return_units(&mut test, "R-1", &[("1", 3, ReturnReason::Defective), ("2", 1, ReturnReason::Defective)]);
    assert_eq!((refunded(&s), s.shipping.len()), (dec!(45.00), 0));
}

#[test]
fn a_refund_never_exceeds_what_is_left_of_the_capture() {
    // 45.00 of the 51.48 captured was refunded elsewhere: 6.48 is left, the defective tee needs 11.45.
    let mut order = shipped_order();
    order.refunded_amount_outside = Money::new(dec!(45.00), order.currency);
    let mut test = ReturnTest::new(order, ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 1, ReturnReason::Defective)]));
    test.run(receive("R-1", "DC-1", &[("1", 1)]));
    test.run(inspect("R-1", &[("1", 1, Disposition::Damaged)]));
    let err = test.refuse(refund("R-1"));
    assert_eq!(
        err.to_string(),
        "order O-1 rma R-1: refund of 11.45 USD exceeds the 6.48 USD left of what was captured"
    );
}

#[test]
fn units_refunded_outside_keep_their_slots_and_the_rest_still_adds_up() {
    // One tee was cancelled before it shipped: the order lifecycle paid back its merchandise
    // from the line's last slot (10.00), not its shipping. The customer received two.
    let mut order = shipped_order();
    order.lines[0].refunded_outside = 1;
    order.lines[0].deliveries[0].quantity = 2;
    order.refunded_amount_outside = Money::new(dec!(10.00), order.currency);
    let mut test = ReturnTest::new(order.clone(), ReturnPolicy::standard());
    let tees = return_units(&mut test, "R-1", &[("1", 2, ReturnReason::ChangedMind)]);
    assert_eq!((tees.lines[0].units.clone(), refunded(&tees)), (Units::range(0, 2), dec!(20.00)));
    // The cap brings everything back: 15.00 plus all shipping, the cancelled tee's share
    // included: 4.00 + 0.32 for the tees, 2.00 + 0.16 for the cap.
    let cap = return_units(&mut test, "R-2", &[("2", 1, ReturnReason::ChangedMind)]);
    assert_eq!(refunded(&cap), dec!(21.48));
    assert_eq!(dec!(10.00) + refunded(&tees) + refunded(&cap), order.captured.amount());
}

#[test]
fn no_shipping_is_refunded_when_it_was_refunded_outside() {
    let mut order = shipped_order();
    order.shipping_refunded_outside = true;
    order.refunded_amount_outside = Money::new(dec!(6.48), order.currency);
    let mut test = ReturnTest::new(order, ReturnPolicy::standard());
    let s = return_units(&mut test, "R-1", &[("1", 3, ReturnReason::Defective), ("2", 1, ReturnReason::ChangedMind)]);
    assert_eq!((refunded(&s), s.shipping.len(), s.lines[0].with_shipping), (dec!(45.00), 0, false));
}

#[test]
fn slots_refunded_outside_after_the_request_are_not_refunded_again() {
    // The RMA holds all three tees; then the host reports the last one refunded outside.
    let mut test = ReturnTest::new(shipped_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 3, ReturnReason::ChangedMind)]));
    test.run(receive("R-1", "DC-1", &[("1", 3)]));
    test.run(inspect("R-1", &[("1", 3, Disposition::Restock)]));
    test.order_mut().lines[0].refunded_outside = 1;
    let err = test.refuse(refund("R-1"));
    assert_eq!(err.to_string(), "order O-1 rma R-1 line 1: units held by the return were refunded outside it");
}

#[test]
fn units_added_by_a_modification_are_priced_from_their_own_batch() {
    // Three tees captured at 10.00, two more added later at 9.00 with 1.45 tax (0.73 + 0.72).
    let mut order = delivered(&draft("O-1", "USD", &[("1", "TEE", 3, dec!(10.00))]));
    let usd = |a| Money::new(a, order.currency);
    order.lines[0].added.push(oms_core::LinePricing {
        quantity: 2,
        unit_price: usd(dec!(9.00)),
        gross: usd(dec!(18.00)),
        line_discount: usd(dec!(0)),
        order_discount: usd(dec!(0)),
        tax: usd(dec!(1.45)),
        shipping: usd(dec!(0)),
        shipping_tax: usd(dec!(0)),
        total: usd(dec!(19.45)),
    });
    order.lines[0].deliveries[0].quantity = 5;
    order.captured = usd(dec!(49.45));
    let mut test = ReturnTest::new(order, ReturnPolicy::standard());
    // Slots 0-1: 20.00; slots 2-3 straddle the batches: 10.00 + 9.73; slot 4: 9.72.
    let refunds: Vec<Decimal> = [2, 2, 1]
        .iter()
        .enumerate()
        .map(|(i, &n)| refunded(&return_units(&mut test, &format!("R-{i}"), &[("1", n, ReturnReason::WrongSize)])))
        .collect();
    assert_eq!(refunds, [dec!(20.00), dec!(19.73), dec!(9.72)]);
    assert_eq!(refunds.iter().sum::<Decimal>(), dec!(49.45));
}
