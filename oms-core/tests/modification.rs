//! Modifications: preview then apply; before release at once, after release through the node.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use common::*;
use oms_core::testkit::OrderTest;
use oms_core::testkit::fixtures;
use oms_core::transitions::FulfillmentStatus;
use oms_core::*;

use FulfillmentMethod::Ship;

fn modify(changes: Vec<Change>) -> OrderCommand {
    OrderCommand::Modify { modification: Modification { changes, reason: "customer called".into() } }
}

fn price(cents: i64) -> AddedPrice {
    AddedPrice { unit_price: usd(cents), discount: None, tax: Some(usd(30)) }
}

fn elsewhere() -> Address {
    Address {
        city: "Baltimore".into(),
        postal_code: Some("21201".into()),
        region: Some("MD".into()),
        ..fixtures::address()
    }
}

#[test]
fn lowering_five_to_three_leaves_three_reserved_and_frees_two() {
    let o = reserve(order(&[("1", "TEE", 5)]), "1", 5);
    let change = Modification {
        changes: vec![Change::Quantity { line: id("1"), quantity: 3, price: None }],
        reason: "customer called".into(),
    };
    let preview = o.preview(&change).unwrap();
    assert_eq!(preview.money.refund, usd(2000));
    assert_eq!(preview.money.net, usd(-2000));
    assert!(preview.awaiting.is_empty());
    let (after_it, events) = run(o.clone(), OrderCommand::Modify { modification: change });
    assert_eq!(events, preview.events, "applying records exactly what the preview showed");
    assert_eq!(count(&after_it, "1", LineStatus::Reserved), 3, "not 5, not 8");
    assert_eq!(after_it.line(&id("1")).unwrap().active_quantity(), 3);
    let c = the_cancellation(&events);
    assert_eq!(
        (c.units[0].from, c.units[0].quantity, c.units[0].stock.clone()),
        (LineStatus::Reserved, 2, StockLocation::Network)
    );
    assert_eq!(c.cause, CancelCause::Modification { modification: id("M-1") });
    assert_eq!(count(&o, "1", LineStatus::Reserved), 5, "the preview wrote nothing");
}

#[test]
fn raising_then_lowering_refunds_exactly_what_the_raise_charged() {
    let o = order(&[("1", "TEE", 3)]);
    let (o, events) = run(o, modify(vec![Change::Quantity { line: id("1"), quantity: 5, price: Some(price(1250)) }]));
    assert!(matches!(&events[0], OrderEvent::ModificationApplied { charge, .. } if *charge == usd(2530)));
    assert_eq!((o.line(&id("1")).unwrap().quantity(), count(&o, "1", LineStatus::Open)), (5, 5));
    assert_eq!(o.paid(), usd(3000 + 500 + 2530));
    let (o, events) = run(o, modify(vec![Change::Quantity { line: id("1"), quantity: 3, price: None }]));
    assert_eq!(the_cancellation(&events).refund.total, usd(2530));
    OrderTest::given_order(o.clone())
        .when(modify(vec![Change::Quantity { line: id("1"), quantity: 4, price: None }]))
        .then_error(OrderError::Invalid {
            order: id("O-1"),
            line: Some(id("1")),
            problem: "raising a quantity needs the added units' price".into(),
        });
    OrderTest::given_order(o)
        .when(modify(vec![Change::Quantity { line: id("1"), quantity: 3, price: None }]))
        .then_error(OrderError::Invalid {
            order: id("O-1"),
            line: Some(id("1")),
            problem: "the quantity is already 3".into(),
        });
}

#[test]
fn lines_are_added_and_removed_with_their_money() {
    let o = order(&[("1", "TEE", 1), ("2", "CAP", 2)]);
    let add = Change::AddLine {
        line: id("3"),
        sku: id("SOCKS"),
        quantity: 2,
        price: price(400),
        fulfillment: FulfillmentChange::Ship { address: None },
    };
    let remove = Change::RemoveLine { line: id("2") };
    let preview =
        o.preview(&Modification { changes: vec![add.clone(), remove.clone()], reason: "swap".into() }).unwrap();
    assert_eq!((preview.money.charge, preview.money.refund), (usd(830), usd(2000)));
    let (o, _) = run(o, modify(vec![add.clone(), remove]));
    assert_eq!(count(&o, "3", LineStatus::Open), 2);
    assert_eq!(count(&o, "2", LineStatus::Cancelled), 2);
    let refused = OrderTest::given_order(o).when(modify(vec![add])).result().clone();
    assert!(matches!(refused, Err(OrderError::Invalid { line: Some(l), .. }) if l.as_str() == "3"));
}

#[test]
fn switching_to_pickup_before_release_reroutes_and_refunds_shipping() {
    let o = allocate(reserve(order(&[("1", "TEE", 2)]), "1", 2), &[("1", "WH-1", 2, Ship)]);
    let (o, events) = run(
        o,
        modify(vec![Change::Fulfillment { line: id("1"), to: FulfillmentChange::Pickup { node: id("STORE-1") } }]),
    );
    let deallocated: Vec<&OrderEvent> =
        events.iter().filter(|e| matches!(e, OrderEvent::LineDeallocated { .. })).collect();
    assert!(
        matches!(deallocated[..], [OrderEvent::LineDeallocated { node, quantity: 2, .. }] if node.as_str() == "WH-1")
    );
    assert!(events.iter().any(|e| matches!(e, OrderEvent::ShippingRefunded { refund } if refund.total == usd(500))));
    assert_eq!(count(&o, "1", LineStatus::Open), 2);
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Cancelled);
    assert_eq!(o.line(&id("1")).unwrap().fulfillment(), &FulfillmentIntent::Pickup { node: id("STORE-1") });
    assert_eq!(o.refunded(), usd(500));
}

#[test]
fn after_release_a_new_address_waits_for_the_node_then_applies() {
    let o = at_node(&[("1", "TEE", 2)]);
    let change = modify(vec![Change::ShipTo { line: None, address: elsewhere() }]);
    let (o, events) = run(o, change.clone());
    assert!(
        matches!(&events[..], [OrderEvent::ModificationRequested { awaiting, .. }] if awaiting == &[id::<FulfillmentOrderId>("FO-1")])
    );
    assert_eq!(o.ship_to().unwrap().city, "Arlington", "nothing changed yet");
    // One open modification at a time.
    OrderTest::given_order(o.clone())
        .when(modify(vec![Change::RemoveLine { line: id("1") }]))
        .then_error(OrderError::ModificationPending { order: id("O-1"), modification: id("M-1") });
    let (o, events) =
        run(o, OrderCommand::AnswerModification { fulfillment_order: id("FO-1"), accepted: true, reason: None });
    let kinds: Vec<&str> = events.iter().map(OrderEvent::kind).collect();
    assert_eq!(kinds, ["modification_answered", "modification_applied", "fulfillment_redirected", "ship_to_changed"]);
    assert!(o.pending_modification().is_none());
    assert_eq!(o.ship_to().unwrap().city, "Baltimore");
    let Destination::Address { address } = o.fulfillment_order(&id("FO-1")).unwrap().destination() else { panic!() };
    assert_eq!(address.city, "Baltimore");
    assert_eq!(count(&o, "1", LineStatus::Released), 2, "the units stay at the node");
}

#[test]
fn a_node_that_declines_or_ships_first_closes_the_modification_without_effect() {
    let o = at_node(&[("1", "TEE", 2)]);
    let switch =
        modify(vec![Change::Fulfillment { line: id("1"), to: FulfillmentChange::Pickup { node: id("STORE-1") } }]);
    let (requested, _) = run(o.clone(), switch.clone());
    let (declined, events) = run(
        requested.clone(),
        OrderCommand::AnswerModification {
            fulfillment_order: id("FO-1"),
            accepted: false,
            reason: Some("packed".into()),
        },
    );
    assert!(matches!(events.last(), Some(OrderEvent::ModificationClosed { outcome: ModificationOutcome::Denied, .. })));
    assert!(declined.pending_modification().is_none());
    assert_eq!(declined.line(&id("1")).unwrap().fulfillment(), o.line(&id("1")).unwrap().fulfillment());

    let (shipped, events) = ship(requested.clone(), "FO-1", &[]);
    let kinds: Vec<&str> = events.iter().map(OrderEvent::kind).collect();
    assert_eq!(kinds, ["modification_answered", "modification_closed", "shipped"]);
    assert!(shipped.pending_modification().is_none());

    let (withdrawn, _) = run(requested, OrderCommand::WithdrawModification { reason: "customer keeps it".into() });
    assert!(withdrawn.pending_modification().is_none());
    OrderTest::given_order(withdrawn)
        .when(OrderCommand::AnswerModification { fulfillment_order: id("FO-1"), accepted: true, reason: None })
        .then_error(OrderError::NoPendingModification { order: id("O-1"), fulfillment_order: Some(id("FO-1")) });
}

#[test]
fn a_node_that_agrees_to_a_switch_gives_the_units_back_for_routing() {
    let o = at_node(&[("1", "TEE", 2)]);
    let switch =
        modify(vec![Change::Fulfillment { line: id("1"), to: FulfillmentChange::Pickup { node: id("STORE-1") } }]);
    let (o, _) = run(o, switch);
    let (o, events) =
        run(o, OrderCommand::AnswerModification { fulfillment_order: id("FO-1"), accepted: true, reason: None });
    assert!(events.iter().any(|e| matches!(e, OrderEvent::UnitsWithdrawn { node, .. } if node.as_str() == "WH-1")));
    assert_eq!(count(&o, "1", LineStatus::Open), 2);
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Cancelled);
    assert_eq!(o.routing_needs()[0].fulfillment, FulfillmentIntent::Pickup { node: id("STORE-1") });
}

#[test]
fn lowering_released_units_asks_the_node_like_a_cancellation() {
    let o = at_node(&[("1", "TEE", 3)]);
    let (o, events) = run(o, modify(vec![Change::Quantity { line: id("1"), quantity: 1, price: None }]));
    let kinds: Vec<&str> = events.iter().map(OrderEvent::kind).collect();
    assert_eq!(kinds, ["modification_applied", "cancel_requested"]);
    assert_eq!(count(&o, "1", LineStatus::CancelRequested), 2);
    assert!(o.pending_modification().is_none(), "a cancel request does not hold the order open");
}

#[test]
fn switching_a_line_that_shipped_is_refused() {
    let (o, _) = ship(at_node(&[("1", "TEE", 2)]), "FO-1", &[("1", 1)]);
    OrderTest::given_order(o)
        .when(modify(vec![Change::Fulfillment {
            line: id("1"),
            to: FulfillmentChange::Pickup { node: id("STORE-1") },
        }]))
        .then_error(OrderError::Invalid {
            order: id("O-1"),
            line: Some(id("1")),
            problem: "some units already shipped or wait at a store".into(),
        });
}

#[test]
fn added_prices_must_be_in_the_order_currency_and_sane() {
    let o = order(&[("1", "TEE", 1)]);
    let euros = AddedPrice { unit_price: Money::from_minor(100, Currency::EUR), discount: None, tax: None };
    let too_much = AddedPrice { unit_price: usd(100), discount: Some(usd(500)), tax: None };
    for bad in [euros, too_much] {
        let refused = OrderTest::given_order(o.clone())
            .when(modify(vec![Change::Quantity { line: id("1"), quantity: 2, price: Some(bad) }]))
            .result()
            .clone();
        assert!(matches!(refused, Err(OrderError::Invalid { .. })), "{refused:?}");
    }
    let empty = o.preview(&Modification { changes: vec![], reason: String::new() });
    assert!(matches!(empty, Err(OrderError::Invalid { .. })));
}
