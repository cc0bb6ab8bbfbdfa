//! Capture → reserve → route → release → accept → pick → ship → deliver through `Oms`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use common::*;
use oms::Event;
use oms::core::{LineStatus, OrderCommand, OrderEvent};

#[test]
fn an_order_ships_from_the_routed_nodes_and_stock_follows() {
    let oms = oms();
    oms.capture(&chicago_order("O-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system()).unwrap();
    let events = oms.route(&id("O-1"), system()).unwrap();
    assert!(events.iter().any(|e| matches!(e, Event::Routed { .. })), "{events:#?}");
    let order = oms.order(&id("O-1")).unwrap();
    assert_eq!(order.units_in(LineStatus::Allocated), 3, "{:#?}", order.breakdown());
    // Stock allocated at exactly the routed nodes.
    for fo in order.fulfillment_orders() {
        for line in fo.lines() {
            let sku = order.line(&line.line).unwrap().sku().clone();
            let position = oms.inventory(|i| i.position(&sku, fo.node())).unwrap();
            assert!(position.allocated() >= line.buckets.get(LineStatus::Allocated), "{sku} at {}", fo.node());
        }
    }
    oms.execute(&id("O-1"), &OrderCommand::Release { fulfillment_order: None }, system()).unwrap();
    let order = oms.order(&id("O-1")).unwrap();
    for fo in order.fulfillment_orders().to_vec() {
        let fo_id = fo.id().clone();
        oms.execute(&id("O-1"), &OrderCommand::Accept { fulfillment_order: fo_id.clone() }, system()).unwrap();
        oms.execute(&id("O-1"), &OrderCommand::ConfirmPick { fulfillment_order: fo_id.clone() }, system()).unwrap();
        let shipped = oms
            .execute(
                &id("O-1"),
                &OrderCommand::Ship {
                    fulfillment_order: fo_id,
                    carrier: "UPS".into(),
                    tracking: "1Z".into(),
                    lines: vec![],
                },
                system(),
            )
            .unwrap();
        let shipment = shipped
            .iter()
            .find_map(|e| match e {
                Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } => Some(shipment.id.clone()),
                _ => None,
            })
            .unwrap();
        oms.execute(&id("O-1"), &OrderCommand::ConfirmDelivery { shipment }, system()).unwrap();
    }
    let order = oms.order(&id("O-1")).unwrap();
    assert_eq!(order.units_in(LineStatus::Delivered), 3);
    // Nothing is left allocated or held for the order.
    let total_allocated: u32 =
        oms.inventory(|i| i.positions().iter().map(|(_, _, p)| p.allocated() + p.reserved()).sum());
    assert_eq!(total_allocated, 0);
    assert!(!oms.outbox().is_empty());
}
