//! Exchanges: even, uneven (both ways) and advance, with hand-computed amounts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::{Currency, DiscountDraft, Money, MoneyInput};
use oms_returns::testkit::ReturnTest;
use oms_returns::testkit::fixtures::{day, delivered, draft, inspect, receive, refund, rma};
use oms_returns::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// TEE 3 × 19.99 and CAP 15.00 with a 10.00 coupon (TEE 8.00, CAP 2.00) and tax 4.16 / 1.04:
/// TEE slots pay 18.72, 18.71, 18.70 (returns take slot 0 first); the CAP pays 13.00 + 1.04 = 14.04.
fn order() -> ReturnableOrder {
    let mut d = draft("O-1", "USD", &[("1", "TEE-M", 3, dec!(19.99)), ("2", "CAP", 1, dec!(15.00))]);
    d.discounts.push(DiscountDraft { code: "COUPON".into(), amount: MoneyInput::new(dec!(10.00), "USD") });
    for (line, tax) in d.lines.iter_mut().zip([dec!(4.16), dec!(1.04)]) {
        line.tax = Some(MoneyInput::new(tax, "USD"));
    }
    delivered(&d)
}

fn usd(amount: Decimal) -> Money {
    Money::new(amount, Currency::USD)
}

fn exchange(rma_id: &str, line: &str, quantity: u32, reason: ReturnReason, exchange: ExchangeRequest) -> ReturnCommand {
    ReturnCommand::Request {
        rma: rma(rma_id),
        method: ReturnMethod::Mail,
        lines: vec![ReturnLineRequest::new(line.parse().unwrap(), quantity, reason)],
        exchange: Some(exchange),
    }
}

fn swap(line: &str, sku: &str, quantity: u32, advance: bool) -> ExchangeRequest {
    ExchangeRequest {
        items: vec![ExchangeItem::Swap { line: line.parse().unwrap(), sku: sku.parse().unwrap(), quantity }],
        advance,
    }
}

fn buy(sku: &str, price: Decimal, tax: Decimal) -> ExchangeRequest {
    ExchangeRequest {
        items: vec![ExchangeItem::Buy {
            sku: sku.parse().unwrap(),
            quantity: 1,
            unit_price: usd(price),
            unit_tax: usd(tax),
        }],
        advance: false,
    }
}

fn arrive_and_settle(test: &mut ReturnTest, rma_id: &str, line: &str, quantity: u32) -> Vec<ReturnEvent> {
    test.run(receive(rma_id, "DC-1", &[(line, quantity)]));
    test.run(inspect(rma_id, &[(line, quantity, Disposition::Restock)]));
    test.run(refund(rma_id))
}

#[test]
fn an_even_exchange_settles_at_zero_and_releases_the_replacement_on_arrival() {
    // Given a medium tee swapped for a large one at the same price
    let mut test = ReturnTest::new(order(), ReturnPolicy::standard()).at(day(4));
    let approved = test.run(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, false)));
    assert!(approved.iter().all(|e| e.replacement().is_none()), "not an advance exchange");
    assert_eq!(test.returns().rma(&rma("R-1")).unwrap().exchange().unwrap().kind(), ExchangeKind::Even);

    // When the medium comes back and the RMA is refunded
    let events = arrive_and_settle(&mut test, "R-1", "1", 1);

    // Then the credit (18.72) pays for the large tee exactly: nothing to pay either way
    let ReturnEvent::Refunded { settlement, replacement, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!((settlement.credit, settlement.replacement_value), (usd(dec!(18.72)), usd(dec!(18.72))));
    assert_eq!(settlement.payment, Payment::Nothing);
    assert_eq!(events[0].payment(&"O-1".parse().unwrap()), None);
    // And the large tee is new demand, valued at what the medium paid
    let demand = replacement.as_ref().unwrap();
    assert_eq!(demand.lines.len(), 1);
    let line = &demand.lines[0];
    assert_eq!(
        (line.sku.as_str(), line.quantity, line.merchandise, line.tax),
        ("TEE-L", 1, usd(dec!(17.33)), usd(dec!(1.39)))
    );
    assert_eq!(line.replaces, Some("1".parse().unwrap()));
    assert!(!demand.advance);
}

#[test]
fn an_uneven_exchange_charges_an_upgrade_and_refunds_a_downgrade() {
    // The cap (14.04) for a hat at 20.00 + 1.60 tax: the customer pays 21.60 - 14.04 = 7.56.
    let mut test = ReturnTest::new(order(), ReturnPolicy::standard());
    test.run(exchange("R-1", "2", 1, ReturnReason::ChangedMind, buy("HAT", dec!(20.00), dec!(1.60))));
    let events = arrive_and_settle(&mut test, "R-1", "2", 1);
    let charge = events[0].payment(&"O-1".parse().unwrap()).unwrap();
    assert_eq!(
        (charge.direction, charge.amount, charge.reason),
        (PaymentDirection::Charge, usd(dec!(7.56)), PaymentReason::Return)
    );
    assert_eq!(events[0].replacement().unwrap().value, usd(dec!(21.60)));

    // The cap for socks at 5.00 + 0.40: the customer gets 14.04 - 5.40 = 8.64 back.
    let mut test = ReturnTest::new(order(), ReturnPolicy::standard());
    test.run(exchange("R-1", "2", 1, ReturnReason::ChangedMind, buy("SOCKS", dec!(5.00), dec!(0.40))));
    let events = arrive_and_settle(&mut test, "R-1", "2", 1);
    let back = events[0].payment(&"O-1".parse().unwrap()).unwrap();
    assert_eq!((back.direction, back.amount), (PaymentDirection::Refund, usd(dec!(8.64))));
}

#[test]
fn an_exchange_waives_the_restocking_fee_when_the_policy_says_so() {
    let mut policy = ReturnPolicy::standard();
    policy.reasons.get_mut(&ReturnReason::WrongSize).unwrap().restocking_fee =
        Some(RestockingFee::Percent { percent: dec!(10) });
    let mut test = ReturnTest::new(order(), policy.clone());
    test.run(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, false)));
    let events = arrive_and_settle(&mut test, "R-1", "1", 1);
    let ReturnEvent::Refunded { settlement, .. } = &events[0] else { panic!() };
    assert_eq!(settlement.payment, Payment::Nothing);

    // Without the waiver the fee (10 % of 17.33 = 1.733 → 1.73) is owed on the swap.
    policy.exchanges.waive_fees = false;
    let mut test = ReturnTest::new(order(), policy);
    test.run(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, false)));
    let events = arrive_and_settle(&mut test, "R-1", "1", 1);
    let ReturnEvent::Refunded { settlement, .. } = &events[0] else { panic!() };
    assert_eq!(settlement.payment, Payment::Charge { amount: usd(dec!(1.73)) });
}

#[test]
fn an_advance_exchange_ships_on_approval_and_settles_at_zero_when_the_return_arrives() {
    let mut test = ReturnTest::new(order(), ReturnPolicy::standard());
    let approved = test.run(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, true)));
    // The replacement leaves with the approval, before anything comes back.
    let demand = approved.iter().find_map(ReturnEvent::replacement).unwrap();
    assert!(demand.advance);
    assert_eq!(demand.value, usd(dec!(18.72)));

    let events = arrive_and_settle(&mut test, "R-1", "1", 1);
    let ReturnEvent::Refunded { settlement, replacement, .. } = &events[0] else { panic!() };
    assert_eq!((settlement.payment, replacement), (Payment::Nothing, &None), "nothing ships twice");
}

#[test]
fn an_advance_exchange_whose_return_never_arrives_charges_the_replacement() {
    let mut test = ReturnTest::new(order(), ReturnPolicy::standard()).at(day(2));
    test.run(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, true)));

    // Nothing happens before the deadline (21 days after approval).
    test.set_time(day(23));
    assert!(test.expire().is_empty());

    // After it, the RMA expires and the customer pays for the tee they kept.
    test.set_time(day(23) + chrono::Duration::seconds(1));
    let expired = test.expire();
    assert_eq!(expired, [ReturnEvent::Expired { rma: rma("R-1"), charge: Some(usd(dec!(18.72))) }]);
    let charge = expired[0].payment(&"O-1".parse().unwrap()).unwrap();
    assert_eq!(
        (charge.direction, charge.amount, charge.reason),
        (PaymentDirection::Charge, usd(dec!(18.72)), PaymentReason::AdvanceExchangeNotReturned)
    );
    assert_eq!(test.returns().rma(&rma("R-1")).unwrap().status(), RmaStatus::Expired);
    // The medium tee is the customer's again: it may still be returned within its window.
    assert!(test.returns().ledger(&"1".parse().unwrap()).unwrap().held().is_empty());
}

#[test]
fn a_partial_swap_refunds_the_units_not_swapped() {
    // Two tees back (slots 0, 1: 18.72 + 18.71), one swapped: valued at the first slot (18.72).
    let mut test = ReturnTest::new(order(), ReturnPolicy::standard());
    test.run(exchange("R-1", "1", 2, ReturnReason::WrongSize, swap("1", "TEE-L", 1, false)));
    let events = arrive_and_settle(&mut test, "R-1", "1", 2);
    let back = events[0].payment(&"O-1".parse().unwrap()).unwrap();
    assert_eq!((back.direction, back.amount), (PaymentDirection::Refund, usd(dec!(18.71))));
}

#[test]
fn exchanges_are_refused_when_not_offered_or_not_fitting_the_return() {
    let mut policy = ReturnPolicy::standard();
    policy.exchanges.advance = false;
    let test = ReturnTest::new(order(), policy.clone());
    let err = test.refuse(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, true)));
    assert_eq!(err.to_string(), "order O-1 rma R-1: exchange refused: advance exchanges are not offered");
    let err = test.refuse(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 2, false)));
    assert!(err.to_string().contains("swaps 2 units of line 1, which returns 1"), "{err}");
    let err = test.refuse(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("2", "CAP-RED", 1, false)));
    assert!(err.to_string().contains("which the return does not include"), "{err}");
    let mut euro = buy("HAT", dec!(20), dec!(0));
    if let ExchangeItem::Buy { unit_price, .. } = &mut euro.items[0] {
        *unit_price = Money::new(dec!(20), Currency::EUR);
    }
    let err = test.refuse(exchange("R-1", "2", 1, ReturnReason::WrongSize, euro));
    assert!(err.to_string().contains("must be a non-negative USD amount"), "{err}");

    policy.exchanges.allowed = false;
    let test = ReturnTest::new(order(), policy);
    let err = test.refuse(exchange("R-1", "1", 1, ReturnReason::WrongSize, swap("1", "TEE-L", 1, false)));
    assert_eq!(err.to_string(), "order O-1 rma R-1: exchange refused: exchanges are not offered");
}
