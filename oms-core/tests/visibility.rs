//! What customer service and customers see: the timeline, the customer status, the breakdown.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use chrono::Duration;
use common::*;
use oms_core::testkit::fixtures;
use oms_core::*;

use FulfillmentMethod::Ship;

#[test]
fn the_timeline_says_who_did_what_when_and_why() {
    let clock = std::sync::Arc::new(ManualClock::new(fixtures::t0()));
    let service = OrderService::new(InMemoryOrderStore::new(), clock.clone());
    let mut d = draft(&[("1", "TEE", 3)]);
    d.holds = vec![HoldKind::Payment];
    service.capture(&d, Metadata::by(Actor::Channel(id("web")))).unwrap();
    let order: OrderId = id("O-1");
    let system = || Metadata::by(Actor::System);
    let node = || Metadata::by(Actor::Node(id("WH-1")));
    let run = |command: OrderCommand, metadata: Metadata| {
        clock.advance(Duration::minutes(5));
        service.execute(&order, &command, metadata).unwrap();
    };
    run(
        OrderCommand::ResolveHold { hold: HoldKind::Payment, resolution: HoldResolution::Release },
        Metadata::by(Actor::Channel(id("psp"))),
    );
    run(OrderCommand::Reserve { line: id("1"), quantity: 3 }, system());
    let plan = AllocationPlan {
        allocations: vec![PlannedAllocation { line: id("1"), node: id("WH-1"), quantity: 3, method: Ship }],
    };
    run(OrderCommand::Allocate { plan }, system());
    run(OrderCommand::Release { fulfillment_order: None }, system());
    run(OrderCommand::Accept { fulfillment_order: id("FO-1") }, node());
    run(
        OrderCommand::Ship {
            fulfillment_order: id("FO-1"),
            carrier: "UPS".into(),
            tracking: "1Z1".into(),
            lines: units(&[("1", 2)]),
        },
        node(),
    );
    run(
        OrderCommand::Cancel { line: id("1"), quantity: 1, reason: "arrived too late".into() },
        Metadata::by(Actor::Agent(id("A-7"))),
    );
    run(OrderCommand::ConfirmCancel { fulfillment_order: id("FO-1"), lines: vec![] }, node());

    let entries = service.timeline(&order).unwrap();
    let lines: Vec<String> = entries
        .iter()
        .map(|e| {
            let why = e.why.as_ref().map(|w| format!(" — {w}")).unwrap_or_default();
            format!("{} {}: {}{why}", e.at.format("%H:%M"), e.who, e.what)
        })
        .collect();
    assert_eq!(
        lines,
        [
            "09:00 channel web: Order placed on Web channel web as E-1: 3 × TEE (line 1); total 35.00 USD; payment hold",
            "09:05 channel psp: Released the payment hold",
            "09:10 the system: Reserved 3 × TEE (line 1)",
            "09:15 the system: Opened fulfillment order FO-1 at WH-1 to ship to Arlington, US",
            "09:15 the system: Allocated 3 × TEE (line 1) to WH-1 (FO-1)",
            "09:20 the system: Sent FO-1 to WH-1: 3 × TEE (line 1)",
            "09:25 node WH-1: WH-1 accepted FO-1",
            "09:30 node WH-1: WH-1 shipped 2 × TEE (line 1) with UPS, tracking 1Z1 (S-1)",
            "09:35 agent A-7: Asked WH-1 to cancel 1 × TEE (line 1) (FO-1) — arrived too late",
            "09:40 node WH-1: Cancelled 1 × TEE (line 1); refund 10.00 USD — node WH-1 confirmed the cancel request",
        ]
    );
    let now = service.order(&order).unwrap();
    assert_eq!(now.customer_status().to_string(), "Shipped; 1 item cancelled");
}

#[test]
fn the_customer_status_speaks_the_customers_language() {
    let o = order(&[("1", "TEE", 2), ("2", "CAP", 1)]);
    assert_eq!(o.customer_status().to_string(), "Processing");
    let o = after(o, OrderCommand::PlaceHold { hold: HoldKind::Fraud, lines: vec![], note: None });
    assert_eq!(o.customer_status().to_string(), "Processing", "holds are not shown to customers");
    let o = after(o, OrderCommand::ResolveHold { hold: HoldKind::Fraud, resolution: HoldResolution::Release });
    let o = reserve(reserve(o, "1", 2), "2", 1);
    let o = accept(release_all(allocate(o, &[("1", "WH-1", 2, Ship), ("2", "WH-1", 1, Ship)])), "FO-1");
    let (o, _) = ship(o, "FO-1", &[("1", 1)]);
    assert_eq!(o.customer_status().to_string(), "1 of 3 items shipped");
    let status = o.customer_status();
    assert_eq!((status.items, status.shipped, status.delivered), (3, 1, 0));
    let o = after(o, OrderCommand::CancelOrder { reason: "too slow".into() });
    let o = after(o, OrderCommand::ConfirmCancel { fulfillment_order: id("FO-1"), lines: vec![] });
    assert_eq!(o.customer_status().to_string(), "Shipped; 2 items cancelled");
    let o = after(o, OrderCommand::ConfirmDelivery { shipment: id("S-1") });
    assert_eq!(o.customer_status().to_string(), "Delivered");
    let o = after(o, OrderCommand::RecordReturn { line: id("1"), step: ReturnStep::Requested, quantity: 1 });
    let o = after(o, OrderCommand::RecordReturn { line: id("1"), step: ReturnStep::Received, quantity: 1 });
    assert_eq!((o.customer_status().to_string(), o.status()), ("Returned".to_owned(), OrderStatus::Returned));
}

#[test]
fn the_breakdown_shows_every_bucket_and_where_the_units_are() {
    let o = reserve(order(&[("1", "TEE", 5)]), "1", 4);
    let o = accept(release_all(allocate(o, &[("1", "WH-1", 3, Ship)])), "FO-1");
    let (o, _) = ship(o, "FO-1", &[("1", 2)]);
    let o = after(
        o,
        OrderCommand::ShortPick { fulfillment_order: id("FO-1"), lines: units(&[("1", 1)]), reason: "lost".into() },
    );
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), oms_core::transitions::FulfillmentStatus::Shipped);
    let breakdown = o.breakdown();
    assert_eq!(
        breakdown[0].buckets,
        [(LineStatus::Open, 2), (LineStatus::Reserved, 1), (LineStatus::Shipped, 2)],
        "2 open (1 never routed, 1 rejected), 1 reserved, 2 shipped"
    );
    let share = &breakdown[0].fulfillment[0];
    assert_eq!(
        (share.node.as_str(), share.units.clone()),
        ("WH-1", vec![(LineStatus::Rejected, 1), (LineStatus::Shipped, 2)])
    );
    assert_eq!(breakdown[0].excluded_nodes, [id::<NodeId>("WH-1")]);
    let json = serde_json::to_value(&breakdown).unwrap();
    assert_eq!(json[0]["buckets"][2], serde_json::json!(["shipped", 2]));
}

#[test]
fn the_service_captures_with_holds_previews_and_applies_under_its_policy() {
    let clock = FixedClock(fixtures::t0());
    let policy = LifecyclePolicy { backorder_days: Some(1), ..LifecyclePolicy::default() };
    let service = OrderService::new(InMemoryOrderStore::new(), clock).with_policy(policy);
    let mut d = draft(&[("1", "TEE", 2)]);
    d.holds = vec![HoldKind::AddressVerification];
    let CaptureOutcome::Captured { order, .. } = service.capture(&d, Metadata::by(Actor::System)).unwrap() else {
        panic!("a new order")
    };
    assert_eq!(order.status(), OrderStatus::OnHold);
    let id_: OrderId = id("O-1");
    let change = Modification { changes: vec![Change::RemoveLine { line: id("1") }], reason: "x".into() };
    let preview = service.preview(&id_, &change).unwrap();
    assert_eq!(preview.money.refund, usd(2500));
    assert_eq!(service.order(&id_).unwrap().version(), Version::new(1), "a preview writes nothing");
    service
        .execute(
            &id_,
            &OrderCommand::Backorder { line: id("1"), quantity: 2, at: t(0), expected_at: None },
            Metadata::by(Actor::System),
        )
        .unwrap();
    let expired = service.execute(&id_, &OrderCommand::Expire { now: t(1) }, Metadata::by(Actor::System)).unwrap();
    assert_eq!(expired.order.status(), OrderStatus::Cancelled, "the service's policy expires after one day");
    // Nothing left to expire: an empty decision writes nothing.
    let again = service.execute(&id_, &OrderCommand::Expire { now: t(2) }, Metadata::by(Actor::System)).unwrap();
    assert!(again.events.is_empty());
    assert_eq!(service.order(&id_).unwrap().version(), expired.order.version());
}
