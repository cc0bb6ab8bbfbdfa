//! Given events, when a command, then events: reserve, backorder, cancel, the service.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::testkit::{OrderTest, fixtures};
use oms_core::*;

fn line(id: &str) -> LineId {
    id.parse().unwrap()
}

fn captured(qty: u32) -> OrderEvent {
    fixtures::captured(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", qty), ("2", "CAP", 1)])).event
}

fn backordered(quantity: u32) -> OrderEvent {
    OrderEvent::LineBackordered {
        line: line("1"),
        from: LineStatus::Open,
        quantity,
        at: fixtures::t0(),
        expected_at: None,
    }
}

#[test]
fn reserve_takes_open_units_then_backordered() {
    OrderTest::given([captured(5), backordered(3)]).when(OrderCommand::Reserve { line: line("1"), quantity: 4 }).then(
        [
            OrderEvent::LineReserved { line: line("1"), from: LineStatus::Open, quantity: 2 },
            OrderEvent::LineReserved { line: line("1"), from: LineStatus::Backordered, quantity: 2 },
        ],
    );
}

#[test]
fn cancel_takes_open_then_reserved_and_keeps_the_rest() {
    let (order, events) = OrderTest::given([
        captured(5),
        OrderEvent::LineReserved { line: line("1"), from: LineStatus::Open, quantity: 4 },
    ])
    .when(OrderCommand::Cancel { line: line("1"), quantity: 3, reason: "too many".into() })
    .then_ok();
    let [OrderEvent::Cancelled(c)] = events.as_slice() else { panic!("{events:#?}") };
    let taken: Vec<(LineStatus, u32, StockLocation)> =
        c.units.iter().map(|u| (u.from, u.quantity, u.stock.clone())).collect();
    assert_eq!(
        taken,
        [(LineStatus::Open, 1, StockLocation::Nothing), (LineStatus::Reserved, 2, StockLocation::Network)]
    );
    let tee = order.line(&line("1")).unwrap();
    assert_eq!((tee.buckets().get(LineStatus::Reserved), tee.buckets().get(LineStatus::Cancelled)), (2, 3));
    assert_eq!(c.refund.total.to_string(), "30.00 USD");
}

#[test]
fn refusals_name_order_line_and_statuses() {
    OrderTest::given([captured(2)])
        .when(OrderCommand::Reserve { line: line("9"), quantity: 1 })
        .then_error(OrderError::UnknownLine { order: "O-1".parse().unwrap(), line: line("9") });
    OrderTest::given([captured(2)])
        .when(OrderCommand::Cancel { line: line("1"), quantity: 0, reason: String::new() })
        .then_error(OrderError::ZeroQuantity { order: "O-1".parse().unwrap(), line: line("1") });
    OrderTest::given([captured(2), OrderEvent::LineReserved { line: line("1"), from: LineStatus::Open, quantity: 2 }])
        .when(OrderCommand::Reserve { line: line("1"), quantity: 1 })
        .then_error(OrderError::NotEnoughUnits {
            order: "O-1".parse().unwrap(),
            line: line("1"),
            statuses: vec![LineStatus::Open, LineStatus::Backordered],
            requested: 1,
            available: 0,
        });
}

#[test]
fn derived_status_follows_the_buckets() {
    let order = Order::replay(&[captured(2)]).unwrap();
    assert_eq!(order.status(), OrderStatus::Open);
    let order = OrderTest::given_order(order)
        .when(OrderCommand::Reserve { line: line("1"), quantity: 2 })
        .then([OrderEvent::LineReserved { line: line("1"), from: LineStatus::Open, quantity: 2 }]);
    assert_eq!(order.status(), OrderStatus::Open, "line 2 is still open");
    let (order, _) = OrderTest::given_order(order)
        .when(OrderCommand::Cancel { line: line("2"), quantity: 1, reason: "oos".into() })
        .then_ok();
    assert_eq!(order.status(), OrderStatus::Reserved);
    let (order, _) = OrderTest::given_order(order)
        .when(OrderCommand::Cancel { line: line("1"), quantity: 2, reason: "customer".into() })
        .then_ok();
    assert_eq!(order.status(), OrderStatus::Cancelled);
}

#[test]
fn replay_refuses_histories_that_do_not_fit() {
    assert!(Order::replay(&[]).is_err());
    let reserve = OrderEvent::LineReserved { line: line("1"), from: LineStatus::Open, quantity: 1 };
    assert!(Order::replay(std::slice::from_ref(&reserve)).is_err());
    let too_many = OrderEvent::LineReserved { line: line("1"), from: LineStatus::Open, quantity: 3 };
    let err = Order::replay(&[captured(2), too_many]).unwrap_err();
    assert!(matches!(err, OrderError::InvalidHistory { version, .. } if version == Version::new(2)), "{err}");
    assert!(Order::replay(&[captured(2), captured(2)]).is_err());
    // A move the line table does not have is refused even when the units are there.
    let shipped_from_open = OrderEvent::LineReserved { line: line("1"), from: LineStatus::Reserved, quantity: 1 };
    assert!(Order::replay(&[captured(2), shipped_from_open]).is_err());
}

#[test]
fn service_runs_commands_with_idempotency_keys() {
    let service = OrderService::new(InMemoryOrderStore::new(), FixedClock(fixtures::t0())).with_snapshots_every(2);
    service.capture(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 5)]), Metadata::by(Actor::System)).unwrap();
    let id: OrderId = "O-1".parse().unwrap();
    let meta = Metadata::by(Actor::Agent("agent-7".parse().unwrap())).with_key("cancel-1".parse().unwrap());
    let cancel = OrderCommand::Cancel { line: line("1"), quantity: 2, reason: "call".into() };
    let first = service.execute(&id, &cancel, meta.clone()).unwrap();
    assert!(!first.replayed);
    let retry = service.execute(&id, &cancel, meta).unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.events, first.events);
    assert_eq!(service.order(&id).unwrap().line(&line("1")).unwrap().buckets().get(LineStatus::Cancelled), 2);
    // The snapshot taken at version 2 and the events after it rebuild the same order.
    service.execute(&id, &OrderCommand::Reserve { line: line("1"), quantity: 1 }, Metadata::by(Actor::System)).unwrap();
    assert_eq!(service.store().load_snapshot(&id).unwrap().unwrap().version(), Version::new(2));
    let events = service.store().read(&id, Version::ZERO).unwrap();
    assert_eq!(service.order(&id).unwrap(), Order::replay(events.iter().map(|e| &e.event)).unwrap());
}

#[test]
fn events_are_tagged_snake_case() {
    let event = backordered(1);
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"type":"line_backordered","line":"1","from":"open","quantity":1,"at":"2026-11-27T09:00:00Z"}"#
    );
    let command: OrderCommand =
        serde_json::from_str(r#"{"type":"cancel","line":"1","quantity":2,"reason":"x"}"#).unwrap();
    assert_eq!(command, OrderCommand::Cancel { line: line("1"), quantity: 2, reason: "x".into() });
    let actor = serde_json::to_string(&Actor::Agent("a-1".parse().unwrap())).unwrap();
    assert_eq!(actor, r#"{"kind":"agent","id":"a-1"}"#);
    let hold: HoldKind = serde_json::from_str(r#"{"kind":"custom","name":"age check"}"#).unwrap();
    assert_eq!(hold, HoldKind::Custom("age check".parse().unwrap()));
}
