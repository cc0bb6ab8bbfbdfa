//! One end-to-end test per example flow, through `Oms` on the demo network.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use chrono::Duration;
use common::*;
use oms::core::{FulfillmentDraft, LineStatus, OrderCommand, OrderEvent, OrderId};
use oms::returns::{
    Disposition, ExchangeItem, ExchangeRequest, Inspection, ReceivedUnits, ReturnCommand, ReturnLineRequest,
    ReturnMethod, ReturnReason,
};
use oms::routing::ShipmentKind;
use oms::{Event, IntegrationEvent};
use rust_decimal_macros::dec;

type Demo = oms::InMemoryOms<oms::core::FixedClock>;

fn routed(events: &[Event]) -> Vec<(String, ShipmentKind)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Routed { plan, .. } => {
                Some(plan.shipments.iter().map(|s| (s.node.to_string(), s.kind)).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Releases, accepts and ships every fulfillment order, and confirms each delivery.
fn ship_everything(oms: &Demo, order: &OrderId) {
    oms.execute(order, &OrderCommand::Release { fulfillment_order: None }, system()).unwrap();
    let fos: Vec<_> = oms.order(order).unwrap().fulfillment_orders().iter().map(|f| f.id().clone()).collect();
    for fo in fos {
        oms.execute(order, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system()).unwrap();
        let ship =
            OrderCommand::Ship { fulfillment_order: fo, carrier: "UPS".into(), tracking: "1Z".into(), lines: vec![] };
        for event in oms.execute(order, &ship, system()).unwrap() {
            if let Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } = event {
                oms.execute(order, &OrderCommand::ConfirmDelivery { shipment: shipment.id }, system()).unwrap();
            }
        }
    }
}

fn on_hand(oms: &Demo, sku: &str, node: &str) -> u32 {
    oms.inventory(|i| i.position(&sku.parse().unwrap(), &node.parse().unwrap()).map_or(0, |p| p.on_hand()))
}

fn assert_in_line(oms: &Demo, order: &OrderId) {
    let (recorded, held) = oms.footprints(order).unwrap();
    assert_eq!(recorded, held, "order {order}: stock recorded and held differ");
}

#[test]
fn quickstart_capture_route_ship_deliver_return_refund() {
    let oms = oms();
    let order = id("O-1");
    oms.capture(&chicago_order("O-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system()).unwrap();
    oms.route(&order, system()).unwrap();
    ship_everything(&oms, &order);
    assert_eq!(oms.order(&order).unwrap().units_in(LineStatus::Delivered), 3);
    assert_in_line(&oms, &order);

    let rma: oms::returns::RmaId = "RMA-1".parse().unwrap();
    let request = ReturnCommand::Request {
        rma: rma.clone(),
        method: ReturnMethod::Mail,
        lines: vec![ReturnLineRequest::new("1".parse().unwrap(), 1, ReturnReason::WrongSize)],
        exchange: None,
    };
    oms.return_command(&order, &request, system()).unwrap();
    let dc_before = on_hand(&oms, "TEE-M", "DC-EAST");
    let receive = ReturnCommand::Receive {
        rma: rma.clone(),
        node: "DC-EAST".parse().unwrap(),
        items: vec![ReceivedUnits { line: "1".parse().unwrap(), quantity: 1 }],
        unexpected: vec![],
    };
    oms.return_command(&order, &receive, system()).unwrap();
    let inspect = ReturnCommand::Inspect {
        rma: rma.clone(),
        inspections: vec![Inspection { line: "1".parse().unwrap(), quantity: 1, disposition: Disposition::Restock }],
    };
    oms.return_command(&order, &inspect, system()).unwrap();
    oms.return_command(&order, &ReturnCommand::Refund { rma }, system()).unwrap();
    assert_eq!(on_hand(&oms, "TEE-M", "DC-EAST"), dc_before + 1, "the returned tee is back on sale");
    let line = oms.order(&order).unwrap();
    assert_eq!(line.line(&"1".parse().unwrap()).unwrap().buckets().get(LineStatus::Returned), 1);
    // The refund is what the unit was paid: 10.00 (no discount, tax or shipping in this draft).
    let refunds: Vec<_> = oms
        .outbox()
        .drain()
        .into_iter()
        .filter_map(|m| match m.event {
            IntegrationEvent::RefundRequested { amount, .. } => Some(amount.amount()),
            _ => None,
        })
        .collect();
    assert_eq!(refunds, [dec!(10.00)]);
    let timeline = oms.timeline(&order).unwrap();
    assert!(timeline.iter().any(|e| e.what.contains("Return received")), "{timeline:#?}");
}

#[test]
fn bopis_transfer_collected_and_an_uncollected_pickup_expires() {
    let oms = oms();
    let lamp = id("P-1");
    let mut draft = chicago_order("P-1", &[("1", "LAMP", 1)]);
    draft.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some("STORE-CHI".into()) };
    oms.capture(&draft, system()).unwrap();
    let events = oms.route(&lamp, system()).unwrap();
    assert_eq!(routed(&events), [("STORE-MKE".to_owned(), ShipmentKind::Transfer)]);
    oms.execute(&lamp, &OrderCommand::Release { fulfillment_order: None }, system()).unwrap();
    let fo = oms.order(&lamp).unwrap().fulfillment_orders()[0].id().clone();
    oms.execute(&lamp, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system()).unwrap();
    let transfer = OrderCommand::Ship {
        fulfillment_order: fo.clone(),
        carrier: "van".into(),
        tracking: "V1".into(),
        lines: vec![],
    };
    oms.execute(&lamp, &transfer, system()).unwrap();
    assert_eq!(on_hand(&oms, "LAMP", "STORE-MKE"), 2, "the lamp left Milwaukee");
    let now = common::setup_now();
    oms.execute(&lamp, &OrderCommand::MarkReadyForPickup { fulfillment_order: fo.clone(), at: now }, system()).unwrap();
    oms.execute(&lamp, &OrderCommand::Collect { fulfillment_order: fo, lines: vec![] }, system()).unwrap();
    assert_eq!(oms.order(&lamp).unwrap().units_in(LineStatus::Delivered), 1);
    assert_in_line(&oms, &lamp);

    let mugs = id("P-2");
    let mut draft = chicago_order("P-2", &[("1", "MUG", 2)]);
    draft.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some("STORE-CHI".into()) };
    oms.capture(&draft, system()).unwrap();
    assert_eq!(routed(&oms.route(&mugs, system()).unwrap()), [("STORE-CHI".to_owned(), ShipmentKind::Collect)]);
    oms.execute(&mugs, &OrderCommand::Release { fulfillment_order: None }, system()).unwrap();
    let fo = oms.order(&mugs).unwrap().fulfillment_orders()[0].id().clone();
    oms.execute(&mugs, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system()).unwrap();
    oms.execute(&mugs, &OrderCommand::MarkReadyForPickup { fulfillment_order: fo, at: now }, system()).unwrap();
    let pos = "pos".parse().unwrap();
    assert_eq!(oms.availability(&"MUG".parse().unwrap(), &pos).unwrap().atp, 3);
    oms.expire(now + Duration::days(6), system()).unwrap();
    assert_eq!(oms.order(&mugs).unwrap().units_in(LineStatus::Cancelled), 0, "not yet");
    oms.expire(now + Duration::days(8), system()).unwrap();
    assert_eq!(oms.order(&mugs).unwrap().units_in(LineStatus::Cancelled), 2);
    assert_eq!(oms.availability(&"MUG".parse().unwrap(), &pos).unwrap().atp, 5, "the mugs are on sale again");
    assert_in_line(&oms, &mugs);
}

#[test]
fn ship_from_store_split_then_the_dc_when_stores_run_out() {
    let oms = oms();
    oms.capture(&chicago_order("S-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system()).unwrap();
    let first = routed(&oms.route(&id("S-1"), system()).unwrap());
    assert_eq!(first, [("STORE-CHI".to_owned(), ShipmentKind::Ship), ("STORE-MKE".to_owned(), ShipmentKind::Ship)]);
    oms.capture(&chicago_order("S-2", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system()).unwrap();
    let second = routed(&oms.route(&id("S-2"), system()).unwrap());
    assert_eq!(second, [("DC-EAST".to_owned(), ShipmentKind::Ship)]);
    assert_in_line(&oms, &id("S-1"));
    assert_in_line(&oms, &id("S-2"));
}

#[test]
fn dropship_from_the_vendor_updates_the_vendors_stock() {
    let oms = oms();
    oms.capture(&chicago_order("D-1", &[("1", "CAP", 20)]), system()).unwrap();
    assert_eq!(routed(&oms.route(&id("D-1"), system()).unwrap()), [("VENDOR-CAPS".to_owned(), ShipmentKind::DropShip)]);
    ship_everything(&oms, &id("D-1"));
    assert_eq!(on_hand(&oms, "CAP", "VENDOR-CAPS"), 80);
}

#[test]
fn returns_and_exchanges_even_uneven_and_advance() {
    let oms = oms();
    let order = id("X-1");
    oms.capture(&chicago_order("X-1", &[("1", "TEE-M", 2), ("2", "SOCKS", 1)]), system()).unwrap();
    oms.route(&order, system()).unwrap();
    ship_everything(&oms, &order);
    let usd = |a| oms::core::Money::new(a, oms::core::Currency::USD);
    let exchange = |rma: &str, line: &str, items, advance| ReturnCommand::Request {
        rma: rma.parse().unwrap(),
        method: ReturnMethod::Mail,
        lines: vec![ReturnLineRequest::new(line.parse().unwrap(), 1, ReturnReason::WrongSize)],
        exchange: Some(ExchangeRequest { items, advance }),
    };
    let settle = |rma: &str, line: &str| {
        let rma: oms::returns::RmaId = rma.parse().unwrap();
        let line: oms::core::LineId = line.parse().unwrap();
        let receive = ReturnCommand::Receive {
            rma: rma.clone(),
            node: "DC-EAST".parse().unwrap(),
            items: vec![ReceivedUnits { line: line.clone(), quantity: 1 }],
            unexpected: vec![],
        };
        oms.return_command(&order, &receive, system()).unwrap();
        let inspect = ReturnCommand::Inspect {
            rma: rma.clone(),
            inspections: vec![Inspection { line, quantity: 1, disposition: Disposition::Restock }],
        };
        oms.return_command(&order, &inspect, system()).unwrap();
        oms.return_command(&order, &ReturnCommand::Refund { rma }, system()).unwrap()
    };
    let swap = vec![ExchangeItem::Swap { line: "1".parse().unwrap(), sku: "TEE-L".parse().unwrap(), quantity: 1 }];
    oms.return_command(&order, &exchange("RMA-1", "1", swap, false), system()).unwrap();
    let events = settle("RMA-1", "1");
    let replacement = id("X-1-RMA-1");
    assert!(events.iter().any(|e| matches!(e, Event::Order { order, .. } if *order == replacement)));
    let replaced = oms.order(&replacement).unwrap();
    assert_eq!(replaced.totals().total.amount(), dec!(0.00), "paid by the exchange");
    assert_eq!(replaced.units_in(LineStatus::Allocated), 1, "the replacement is routed");

    let buy = vec![ExchangeItem::Buy {
        sku: "CAP".parse().unwrap(),
        quantity: 1,
        unit_price: usd(dec!(15.00)),
        unit_tax: usd(dec!(0)),
    }];
    oms.return_command(&order, &exchange("RMA-2", "2", buy, false), system()).unwrap();
    settle("RMA-2", "2");

    let swap = vec![ExchangeItem::Swap { line: "1".parse().unwrap(), sku: "TEE-L".parse().unwrap(), quantity: 1 }];
    oms.return_command(&order, &exchange("RMA-3", "1", swap, true), system()).unwrap();
    assert!(oms.order(&id("X-1-RMA-3")).is_ok(), "an advance replacement is ordered at once");
    oms.expire(common::setup_now() + Duration::days(60), system()).unwrap();

    let money: Vec<(String, rust_decimal::Decimal)> = oms
        .outbox()
        .drain()
        .into_iter()
        .filter_map(|m| match m.event {
            IntegrationEvent::ChargeRequested { amount, .. } => Some(("charge".into(), amount.amount())),
            IntegrationEvent::RefundRequested { amount, .. } => Some(("refund".into(), amount.amount())),
            _ => None,
        })
        .collect();
    assert_eq!(money, [("charge".into(), dec!(5.00)), ("charge".into(), dec!(10.00))]);
    for o in ["X-1", "X-1-RMA-1", "X-1-RMA-2", "X-1-RMA-3"] {
        assert_in_line(&oms, &id(o));
    }
}

#[test]
fn a_node_rejection_reroutes_without_that_node() {
    let oms = oms();
    let order = id("R-1");
    oms.capture(&chicago_order("R-1", &[("1", "TEE-M", 2)]), system()).unwrap();
    assert_eq!(routed(&oms.route(&order, system()).unwrap())[0].0, "STORE-CHI");
    oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system()).unwrap();
    let reject =
        OrderCommand::Reject { fulfillment_order: "FO-1".parse().unwrap(), lines: vec![], reason: "no staff".into() };
    let events = oms.execute(&order, &reject, system()).unwrap();
    assert_eq!(routed(&events), [("DC-EAST".to_owned(), ShipmentKind::Ship)]);
    let after = oms.order(&order).unwrap();
    assert_eq!(after.excluded_nodes(&"1".parse().unwrap()), ["STORE-CHI".parse().unwrap()]);
    assert_eq!(
        oms.inventory(|i| i.position(&"TEE-M".parse().unwrap(), &"STORE-CHI".parse().unwrap()).unwrap().allocated()),
        0
    );
    assert_in_line(&oms, &order);
}

#[test]
fn a_refused_command_changes_nothing() {
    let oms = oms();
    let order = id("N-1");
    oms.capture(&chicago_order("N-1", &[("1", "TEE-M", 1)]), system()).unwrap();
    oms.route(&order, system()).unwrap();
    let before = (oms.order(&order).unwrap(), oms.inventory(|i| i.positions()), oms.outbox().len());
    let ship_unreleased = OrderCommand::Ship {
        fulfillment_order: "FO-1".parse().unwrap(),
        carrier: "UPS".into(),
        tracking: "x".into(),
        lines: vec![],
    };
    assert!(oms.execute(&order, &ship_unreleased, system()).is_err());
    assert!(oms.execute(&order, &OrderCommand::Allocate { plan: Default::default() }, system()).is_err());
    let after = (oms.order(&order).unwrap(), oms.inventory(|i| i.positions()), oms.outbox().len());
    assert_eq!(before, after);
}
