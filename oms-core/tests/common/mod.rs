//! Small builders shared by the lifecycle flow tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_core::testkit::{OrderTest, fixtures};
use oms_core::*;
use rust_decimal_macros::dec;

pub fn id<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().unwrap()
}

pub fn usd(cents: i64) -> Money {
    Money::from_minor(cents, Currency::USD)
}

/// Order O-1: one shipped line per `(id, sku, quantity)` at 10.00 a unit, 5.00 shipping.
pub fn draft(lines: &[(&str, &str, u32)]) -> OrderDraft {
    let mut draft = fixtures::draft("O-1", "E-1", "C-1", lines);
    draft.shipping.push(ChargeDraft { code: "standard".into(), amount: MoneyInput::new(dec!(5.00), "USD"), tax: None });
    draft
}

pub fn order_from(draft: &OrderDraft) -> Order {
    Order::from_captured(&capture(draft).unwrap())
}

pub fn order(lines: &[(&str, &str, u32)]) -> Order {
    order_from(&draft(lines))
}

/// The same draft with line `line` picked up at `store`.
pub fn with_pickup(mut draft: OrderDraft, line: &str, store: &str) -> OrderDraft {
    for l in &mut draft.lines {
        if l.line_id == line {
            l.fulfillment = FulfillmentDraft::Pickup { node: Some(store.into()) };
        }
    }
    draft
}

/// Runs a command that must be accepted; returns the order after it and its events.
pub fn run(order: Order, command: OrderCommand) -> (Order, Vec<OrderEvent>) {
    OrderTest::given_order(order).when(command).then_ok()
}

pub fn run_with(order: Order, command: OrderCommand, policy: &LifecyclePolicy) -> (Order, Vec<OrderEvent>) {
    OrderTest::given_order(order).when_with(command, policy).then_ok()
}

/// Runs a command that must be accepted; returns the order after it.
pub fn after(order: Order, command: OrderCommand) -> Order {
    run(order, command).0
}

pub fn reserve(order: Order, line: &str, quantity: u32) -> Order {
    after(order, OrderCommand::Reserve { line: id(line), quantity })
}

pub fn allocate(order: Order, steps: &[(&str, &str, u32, FulfillmentMethod)]) -> Order {
    let allocations = steps
        .iter()
        .map(|&(line, node, quantity, method)| PlannedAllocation { line: id(line), node: id(node), quantity, method })
        .collect();
    after(order, OrderCommand::Allocate { plan: AllocationPlan { allocations } })
}

pub fn release_all(order: Order) -> Order {
    after(order, OrderCommand::Release { fulfillment_order: None })
}

pub fn accept(order: Order, fo: &str) -> Order {
    after(order, OrderCommand::Accept { fulfillment_order: id(fo) })
}

pub fn ship(order: Order, fo: &str, lines: &[(&str, u32)]) -> (Order, Vec<OrderEvent>) {
    run(
        order,
        OrderCommand::Ship {
            fulfillment_order: id(fo),
            carrier: "UPS".into(),
            tracking: "1Z999".into(),
            lines: units(lines),
        },
    )
}

pub fn units(lines: &[(&str, u32)]) -> Vec<LineQuantity> {
    lines.iter().map(|&(line, quantity)| LineQuantity::new(id(line), quantity)).collect()
}

/// Line `line`'s units in `status`.
pub fn count(order: &Order, line: &str, status: LineStatus) -> u32 {
    order.line(&id(line)).unwrap().buckets().get(status)
}

/// The order O-1 with `lines`, reserved and allocated whole to WH-1 for shipping, released, accepted.
pub fn at_node(lines: &[(&str, &str, u32)]) -> Order {
    let mut o = order(lines);
    for &(line, _, quantity) in lines {
        o = reserve(o, line, quantity);
    }
    let steps: Vec<(&str, &str, u32, FulfillmentMethod)> =
        lines.iter().map(|&(line, _, quantity)| (line, "WH-1", quantity, FulfillmentMethod::Ship)).collect();
    accept(release_all(allocate(o, &steps)), "FO-1")
}

pub fn the_cancellation(events: &[OrderEvent]) -> &Cancellation {
    events
        .iter()
        .find_map(|e| match e {
            OrderEvent::Cancelled(c) => Some(&**c),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no cancellation in {events:#?}"))
}

pub fn t(day: i64) -> chrono::DateTime<chrono::Utc> {
    fixtures::t0() + chrono::Duration::days(day)
}
