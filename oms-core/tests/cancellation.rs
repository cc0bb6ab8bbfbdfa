//! Cancellation, cancel requests, refunds, holds and backorder expiry.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use common::*;
use oms_core::testkit::OrderTest;
use oms_core::transitions::FulfillmentStatus;
use oms_core::*;
use rust_decimal_macros::dec;

use FulfillmentMethod::Ship;

/// What a cancellation looks at, in the order it takes units: released ones last.
fn cancellable() -> Vec<LineStatus> {
    use LineStatus::*;
    vec![Open, Backordered, Rejected, Reserved, Allocated, ReadyForPickup, Released]
}

#[test]
fn released_units_become_a_cancel_request_that_the_node_confirms() {
    let o = at_node(&[("1", "TEE", 3)]);
    let (o, events) = run(o, OrderCommand::Cancel { line: id("1"), quantity: 2, reason: "ordered twice".into() });
    assert_eq!(
        events,
        [OrderEvent::CancelRequested {
            fulfillment_order: id("FO-1"),
            node: id("WH-1"),
            lines: units(&[("1", 2)]),
            reason: "ordered twice".into(),
        }]
    );
    assert_eq!((count(&o, "1", LineStatus::CancelRequested), count(&o, "1", LineStatus::Released)), (2, 1));
    assert_eq!(o.refunded(), usd(0), "nothing is refunded before the node confirms");
    let (o, events) = run(o, OrderCommand::ConfirmCancel { fulfillment_order: id("FO-1"), lines: vec![] });
    let c = the_cancellation(&events);
    assert_eq!(c.cause, CancelCause::NodeConfirmed);
    assert_eq!(
        c.stock_to_release().map(|u| (u.quantity, u.stock.clone())).collect::<Vec<_>>(),
        [(2, StockLocation::Node(id("WH-1")))]
    );
    assert_eq!(c.refund.total, usd(2000));
    assert_eq!(count(&o, "1", LineStatus::Cancelled), 2);
}

#[test]
fn a_cancel_request_is_denied_because_the_node_already_shipped() {
    let o = at_node(&[("1", "TEE", 2)]);
    let o = after(o, OrderCommand::Cancel { line: id("1"), quantity: 2, reason: "changed mind".into() });
    let (o, events) = run(
        o,
        OrderCommand::DenyCancel { fulfillment_order: id("FO-1"), lines: vec![], reason: "already shipped".into() },
    );
    assert!(matches!(&events[..], [OrderEvent::CancelDenied { reason, .. }] if reason == "already shipped"));
    assert_eq!(count(&o, "1", LineStatus::Released), 2);
    let (o, _) = ship(o, "FO-1", &[]);
    assert_eq!(count(&o, "1", LineStatus::Shipped), 2);
    assert_eq!(o.refunded(), usd(0));
    // Shipped units cannot be cancelled any more: the refusal names what was looked at.
    OrderTest::given_order(o)
        .when(OrderCommand::Cancel { line: id("1"), quantity: 1, reason: "again".into() })
        .then_error(OrderError::NotEnoughUnits {
            order: id("O-1"),
            line: id("1"),
            statuses: cancellable(),
            requested: 1,
            available: 0,
        });
}

#[test]
fn a_node_that_ships_units_under_a_cancel_request_denies_it_on_the_way() {
    let o = at_node(&[("1", "TEE", 2)]);
    let o = after(o, OrderCommand::Cancel { line: id("1"), quantity: 1, reason: "changed mind".into() });
    let (o, events) = ship(o, "FO-1", &[("1", 2)]);
    assert!(matches!(&events[..], [OrderEvent::CancelDenied { .. }, OrderEvent::Shipped { .. }]), "{events:#?}");
    assert_eq!((count(&o, "1", LineStatus::Shipped), count(&o, "1", LineStatus::CancelRequested)), (2, 0));
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Shipped);
}

#[test]
fn partial_cancellations_refund_exactly_what_the_line_cost() {
    // 3 units at 10.00 with 1.00 off the line and 0.50 tax: 29.50 paid, not divisible by 3.
    let mut d = draft(&[("1", "TEE", 3), ("2", "CAP", 1)]);
    d.lines[0].discounts.push(DiscountDraft { code: "X".into(), amount: MoneyInput::new(dec!(1.00), "USD") });
    d.lines[0].tax = Some(MoneyInput::new(dec!(0.50), "USD"));
    let o = order_from(&d);
    let (o, first) = run(o, OrderCommand::Cancel { line: id("1"), quantity: 1, reason: "a".into() });
    let (o, second) = run(o, OrderCommand::Cancel { line: id("1"), quantity: 2, reason: "b".into() });
    let (first, second) = (the_cancellation(&first).refund.clone(), the_cancellation(&second).refund.clone());
    assert_eq!((first.lines[0].merchandise, first.lines[0].tax), (usd(966), usd(16)));
    assert_eq!((second.lines[0].merchandise, second.lines[0].tax), (usd(1934), usd(34)));
    let line = o.line(&id("1")).unwrap();
    let merchandise_and_tax = line.pricing().merchandise().unwrap().checked_add(line.pricing().tax).unwrap();
    assert_eq!(first.total.checked_add(second.total).unwrap(), merchandise_and_tax);
    assert!(second.shipping.is_zero(), "line 2 still ships: shipping stays paid");
    // Cancelling the last unit leaves nothing to ship: shipping comes back, and the refunds add up to the total.
    let (o, last) = run(o, OrderCommand::Cancel { line: id("2"), quantity: 1, reason: "c".into() });
    assert_eq!(the_cancellation(&last).refund.shipping, usd(500));
    assert_eq!(o.refunded(), o.paid());
}

#[test]
fn shipping_comes_back_when_only_pickup_lines_remain() {
    let o = order_from(&with_pickup(draft(&[("1", "TEE", 1), ("2", "MUG", 1)]), "2", "STORE-1"));
    let (_, events) = run(o, OrderCommand::Cancel { line: id("1"), quantity: 1, reason: "no longer needed".into() });
    let refund = &the_cancellation(&events).refund;
    assert_eq!((refund.lines[0].total, refund.shipping), (usd(1000), usd(500)));
}

#[test]
fn cancelling_the_order_states_the_stock_to_release_everywhere() {
    let o = reserve(order(&[("1", "TEE", 2), ("2", "CAP", 2), ("3", "SOCKS", 1)]), "1", 2);
    let o = allocate(reserve(o, "2", 2), &[("2", "WH-1", 1, Ship), ("2", "WH-2", 1, Ship)]);
    let o = accept(after(o, OrderCommand::Release { fulfillment_order: Some(id("FO-2")) }), "FO-2");
    let (o, events) = run(o, OrderCommand::CancelOrder { reason: "fraud confirmed by phone".into() });
    let c = the_cancellation(&events);
    let stock: Vec<(&str, u32, StockLocation)> =
        c.stock_to_release().map(|u| (u.sku.as_str(), u.quantity, u.stock.clone())).collect();
    assert_eq!(stock, [("TEE", 2, StockLocation::Network), ("CAP", 1, StockLocation::Node(id("WH-1")))]);
    assert!(matches!(events.last(), Some(OrderEvent::CancelRequested { node, .. }) if node.as_str() == "WH-2"));
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Cancelled);
    assert_eq!(o.status(), OrderStatus::Released, "one unit waits for WH-2's answer");
    OrderTest::given_order(o.clone())
        .when(OrderCommand::CancelOrder { reason: "again".into() })
        .then_error(OrderError::NothingToDo { order: id("O-1"), action: "cancel", statuses: cancellable() });
    let o = after(o, OrderCommand::ConfirmCancel { fulfillment_order: id("FO-2"), lines: vec![] });
    assert_eq!(o.status(), OrderStatus::Cancelled);
    assert_eq!(o.refunded(), o.paid());
}

#[test]
fn holds_set_at_capture_block_allocation_and_release_until_released() {
    let mut d = draft(&[("1", "TEE", 1)]);
    d.holds = vec![HoldKind::Payment, HoldKind::Payment, HoldKind::Fraud];
    let o = reserve(order_from(&d), "1", 1);
    assert_eq!(o.holds().len(), 2, "a kind is set once");
    assert_eq!(o.status(), OrderStatus::OnHold);
    let plan = OrderCommand::Allocate {
        plan: AllocationPlan {
            allocations: vec![PlannedAllocation { line: id("1"), node: id("WH-1"), quantity: 1, method: Ship }],
        },
    };
    OrderTest::given_order(o.clone()).when(plan.clone()).then_error(OrderError::OnHold {
        order: id("O-1"),
        line: id("1"),
        hold: HoldKind::Payment,
    });
    let o = after(o, OrderCommand::ResolveHold { hold: HoldKind::Payment, resolution: HoldResolution::Release });
    // Released from the payment hold; the fraud hold still blocks.
    assert!(matches!(
        OrderTest::given_order(o.clone()).when(plan.clone()).result(),
        Err(OrderError::OnHold { hold: HoldKind::Fraud, .. })
    ));
    let o = after(o, OrderCommand::ResolveHold { hold: HoldKind::Fraud, resolution: HoldResolution::Release });
    let o = after(o, plan);
    // A hold placed after allocation blocks the release.
    let o = after(
        o,
        OrderCommand::PlaceHold { hold: HoldKind::AddressVerification, lines: vec![], note: Some("PO box".into()) },
    );
    OrderTest::given_order(o).when(OrderCommand::Release { fulfillment_order: None }).then_error(OrderError::OnHold {
        order: id("O-1"),
        line: id("1"),
        hold: HoldKind::AddressVerification,
    });
}

#[test]
fn a_rejected_hold_cancels_what_it_held_with_the_reason() {
    let o = reserve(order(&[("1", "TEE", 2), ("2", "CAP", 1)]), "1", 2);
    let age: HoldKind = HoldKind::Custom(id("age check"));
    let o = after(o, OrderCommand::PlaceHold { hold: age.clone(), lines: vec![id("2")], note: None });
    OrderTest::given_order(o.clone())
        .when(OrderCommand::PlaceHold { hold: age.clone(), lines: vec![], note: None })
        .then_error(OrderError::HoldAlreadySet { order: id("O-1"), hold: age.clone() });
    OrderTest::given_order(o.clone())
        .when(OrderCommand::ResolveHold { hold: HoldKind::Fraud, resolution: HoldResolution::Release })
        .then_error(OrderError::HoldNotSet { order: id("O-1"), hold: HoldKind::Fraud });
    // Line 1 is not held: it may go on.
    let o = allocate(o, &[("1", "WH-1", 2, Ship)]);
    let (o, events) = run(
        o,
        OrderCommand::ResolveHold {
            hold: age.clone(),
            resolution: HoldResolution::Reject { reason: "under 18".into() },
        },
    );
    assert!(matches!(&events[0], OrderEvent::HoldRejected { reason, .. } if reason == "under 18"));
    let c = the_cancellation(&events);
    assert_eq!((c.cause.clone(), c.reason.as_str()), (CancelCause::HoldRejected { hold: age }, "under 18"));
    assert_eq!((count(&o, "2", LineStatus::Cancelled), count(&o, "1", LineStatus::Allocated)), (1, 2));
    assert!(o.holds().is_empty());
}

#[test]
fn backorders_expire_oldest_first_after_the_policy_days() {
    let o = order(&[("1", "TEE", 3)]);
    let o = after(o, OrderCommand::Backorder { line: id("1"), quantity: 2, at: t(0), expected_at: None });
    let o = after(o, OrderCommand::Backorder { line: id("1"), quantity: 1, at: t(20), expected_at: Some(t(40)) });
    assert_eq!(o.customer_status().to_string(), "On backorder", "one batch has no expected date");
    let policy = LifecyclePolicy { backorder_days: Some(30), ..LifecyclePolicy::default() };
    assert!(o.expire(t(29), &policy).unwrap().is_empty());
    let (o, events) = run_with(o, OrderCommand::Expire { now: t(30) }, &policy);
    let c = the_cancellation(&events);
    assert_eq!((c.cause.clone(), c.units[0].quantity), (CancelCause::BackorderExpired, 2));
    assert_eq!(c.reason, "backordered for more than 30 days");
    assert_eq!((count(&o, "1", LineStatus::Backordered), count(&o, "1", LineStatus::Cancelled)), (1, 2));
    assert_eq!(o.line(&id("1")).unwrap().backorders()[0].at, t(20));
    assert_eq!(o.customer_status().to_string(), "On backorder, expected 2027-01-06; 2 items cancelled");
    // Stock arrives for the rest: reserving takes it off backorder, and nothing expires any more.
    let o = reserve(o, "1", 1);
    assert!(o.line(&id("1")).unwrap().backorders().is_empty());
    let never = LifecyclePolicy { backorder_days: None, ..LifecyclePolicy::default() };
    assert!(o.expire(t(400), &never).unwrap().is_empty());
}
