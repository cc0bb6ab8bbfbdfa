//! The end-to-end order flow the `oms` bench and the `oms_count` harness both run.

use oms::core::testkit::fixtures;
use oms::core::{Actor, Address, FixedClock, Metadata, OrderCommand, OrderEvent};
use oms::{Event, InMemoryOms, Setup};

/// The demo network with stock that never runs out, default routing rules (one strategy, the
/// greedy engine), and a geocoded Chicago address.
pub fn world() -> (InMemoryOms<FixedClock>, Address) {
    let mut setup = Setup::from_json(include_str!("../../examples/data/setup.json")).unwrap();
    setup.rules = None;
    let oms = setup.build().unwrap();
    let stock = [("TEE-M", "DC-EAST"), ("CAP", "DC-EAST"), ("TEE-M", "STORE-CHI"), ("CAP", "STORE-MKE")];
    for (i, (sku, node)) in stock.iter().enumerate() {
        let receive = oms::inventory::Command::Receive {
            sku: sku.parse().unwrap(),
            node: node.parse().unwrap(),
            quantity: 1_000_000_000,
            supply: None,
        };
        oms.stock_command(&format!("bench-{i}").parse().unwrap(), &receive).unwrap();
    }
    let mut address = fixtures::address();
    address.geo = oms::core::GeoPoint::new(41.85, -87.65).ok();
    (oms, address)
}

/// One order from capture to delivery: capture, route (reserve, route, allocate), release,
/// accept, ship and deliver each fulfillment order; the outbox is drained.
pub fn order(oms: &InMemoryOms<FixedClock>, address: &Address, n: u64) {
    let system = Metadata::by(Actor::System);
    let id = format!("B-{n}");
    let mut draft = fixtures::draft(&id, &id, "C-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]);
    draft.ship_to = Some(address.clone());
    let order = id.parse().unwrap();
    oms.capture(&draft, system.clone()).unwrap();
    oms.route(&order, system.clone()).unwrap();
    oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system.clone()).unwrap();
    let fos: Vec<_> = oms.order(&order).unwrap().fulfillment_orders().iter().map(|f| f.id().clone()).collect();
    for fo in fos {
        oms.execute(&order, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system.clone()).unwrap();
        let ship =
            OrderCommand::Ship { fulfillment_order: fo, carrier: "UPS".into(), tracking: "1Z".into(), lines: vec![] };
        for event in oms.execute(&order, &ship, system.clone()).unwrap() {
            if let Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } = event {
                oms.execute(&order, &OrderCommand::ConfirmDelivery { shipment: shipment.id }, system.clone()).unwrap();
            }
        }
    }
    oms.outbox().drain();
}
