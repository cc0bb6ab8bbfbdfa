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

/// Outbox ids and stock keys are what a retry or a recovery pass relies on to drop repeats:
/// they must read exactly as documented (`order:O-1:3:0`, `stock:O-1@1:reserve:0`, `O-1#9:0`).
#[test]
fn outbox_ids_and_stock_keys_are_derived_from_their_causes() {
    use oms::inventory::InventoryStore;
    let oms = oms();
    let order = id("O-1");
    oms.capture(&chicago_order("O-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system()).unwrap();
    oms.route(&order, system()).unwrap();
    oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system()).unwrap();
    let fos: Vec<_> = oms.order(&order).unwrap().fulfillment_orders().iter().map(|f| f.id().clone()).collect();
    for fo in fos {
        oms.execute(&order, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system()).unwrap();
        let ship =
            OrderCommand::Ship { fulfillment_order: fo, carrier: "UPS".into(), tracking: "1Z".into(), lines: vec![] };
        oms.execute(&order, &ship, system()).unwrap();
    }
    let ids: Vec<String> = oms.outbox().drain().into_iter().map(|m| m.id).collect();
    let keys: Vec<String> = oms
        .inventory_store()
        .ledger(0, 1_000)
        .unwrap()
        .into_iter()
        .map(|r| r.batch.key().to_string())
        .filter(|k| !k.starts_with("setup:"))
        .collect();
    let setup = (0..9).flat_map(|i| {
        let changes = if (4..=7).contains(&i) { 2 } else { 1 };
        (0..changes).map(move |n| format!("stock:setup:{i}:{n}"))
    });
    let flow = [
        "order:O-1:1:0",
        "stock:O-1@1:reserve:0",
        "stock:O-1@1:reserve:1",
        "stock:O-1@3:convert:0",
        "stock:O-1@3:convert:1",
        "order:O-1:8:0",
        "order:O-1:9:0",
        "order:O-1:11:0",
        "order:O-1:13:0",
    ];
    assert_eq!(ids, setup.chain(flow.map(String::from)).collect::<Vec<_>>());
    assert_eq!(keys, ["O-1@1:reserve", "O-1@3:convert", "O-1#11:0", "O-1#13:0"]);
}
