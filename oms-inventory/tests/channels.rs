//! Channel views: pools, safety stock, protection, thresholds, cap, the availability feed,
//! availability by date, transfers; and the batches an engine hands over for the ledger.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use chrono::Duration;
use oms_inventory::testkit::fixtures::*;
use oms_inventory::*;

fn shown(quantity: u32, status: StockStatus) -> Shown {
    Shown { quantity, status }
}

fn receive(s: &str, n: &str, quantity: u32) -> Command {
    Command::Receive { sku: sku(s), node: node(n), quantity, supply: None }
}

#[test]
fn node_and_channel_safety_stock_hold_units_back() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 10), ("TEE", "STORE-NYC", 3)]);
    inv.execute(&key("s"), &Command::SetSafetyStock { sku: sku("TEE"), node: node("WH-EAST"), units: 4 }, t0())
        .unwrap();
    let atp = |inv: &Inventory, c: &str| inv.availability(&sku("TEE"), &channel(c)).unwrap().atp;
    assert_eq!((atp(&inv, "web"), atp(&inv, "marketplace"), atp(&inv, "pos")), (9, 4, 3));
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().atp(), 6);
    assert!(matches!(
        inv.execute(&key("k"), &reserve("R-1", "marketplace", &[("TEE", 5)]), t0()),
        Err(Error::NotEnoughStock { available: 4, .. })
    ));
}

#[test]
fn protection_keeps_units_for_a_channel() {
    // The marketplace is promised 5 units; web shares the warehouses with it.
    let mut config = network();
    config.channels[1].protection = Some(Protection::Units(5));
    config.channels[1].safety_stock = 0;
    let mut inv = stocked(config, &[("TEE", "WH-EAST", 8), ("TEE", "STORE-NYC", 2)]);
    let atp = |inv: &Inventory, c: &str| inv.availability(&sku("TEE"), &channel(c)).unwrap().atp;
    assert_eq!((atp(&inv, "web"), atp(&inv, "marketplace")), (5, 8), "web sees 10 less the 5 protected");
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 5)]), t0()).unwrap();
    assert!(matches!(
        inv.execute(&key("k2"), &reserve("R-2", "web", &[("TEE", 1)]), t0()),
        Err(Error::NotEnoughStock { available: 0, .. })
    ));
    // Web took the store's units first, then only what the protection leaves at the warehouse.
    assert_eq!(inv.position(&sku("TEE"), &node("STORE-NYC")).unwrap().reserved(), 2);
    assert_eq!(atp(&inv, "marketplace"), 5);
    inv.execute(&key("k3"), &reserve("R-3", "marketplace", &[("TEE", 5)]), t0()).unwrap();
}

#[test]
fn protection_by_share_follows_the_channels_stock() {
    let mut config = network();
    config.channels[2].protection = Some(Protection::Share(Share::percent(50).unwrap()));
    let inv = stocked(config, &[("TEE", "STORE-NYC", 9), ("TEE", "WH-EAST", 1)]);
    // POS keeps half of its 9 (4, rounded down) from web.
    assert_eq!(inv.availability(&sku("TEE"), &channel("web")).unwrap().atp, 6);
}

#[test]
fn thresholds_and_cap_shape_what_a_channel_shows() {
    let mut config = network();
    config.channels[0].display = DisplayRules { out_of_stock_below: 3, low_stock_below: 6, cap: Some(20) };
    let mut inv = Inventory::new(config).unwrap();
    let web = |inv: &Inventory| inv.availability(&sku("TEE"), &channel("web")).unwrap().shown;
    inv.execute(&key("k1"), &receive("TEE", "WH-EAST", 2), t0()).unwrap();
    assert_eq!(web(&inv), shown(0, StockStatus::OutOfStock), "2 is below the out-of-stock threshold");
    inv.execute(&key("k2"), &receive("TEE", "WH-EAST", 2), t0()).unwrap();
    assert_eq!(web(&inv), shown(4, StockStatus::LowStock));
    inv.execute(&key("k3"), &receive("TEE", "WH-EAST", 96), t0()).unwrap();
    assert_eq!(web(&inv), shown(20, StockStatus::InStock), "capped");
}

#[test]
fn the_feed_reports_only_changes_in_what_is_shown() {
    let mut inv = Inventory::new(network()).unwrap();
    // First stock: every channel selling from the warehouse changes.
    let done = inv.execute(&key("k1"), &receive("TEE", "WH-EAST", 60), t0()).unwrap();
    assert_eq!(
        done.feed(),
        [
            AvailabilityChanged {
                sku: sku("TEE"),
                channel: channel("web"),
                before: Shown::NOTHING,
                after: shown(60, StockStatus::InStock),
            },
            AvailabilityChanged {
                sku: sku("TEE"),
                channel: channel("marketplace"),
                before: Shown::NOTHING,
                after: shown(50, StockStatus::InStock),
            },
        ]
    );
    // Reserving 3 changes web's figure; the marketplace still shows its cap of 50: no event.
    let done = inv.execute(&key("k2"), &reserve("R-1", "web", &[("TEE", 3)]), t0()).unwrap();
    let channels: Vec<&str> = done.feed().iter().map(|e| e.channel.as_str()).collect();
    assert_eq!(channels, ["web"]);
    // A store receipt changes web and POS, in channel order, once each, per call.
    let done = inv.execute(&key("k3"), &receive("TEE", "STORE-SF", 1), t0()).unwrap();
    let channels: Vec<&str> = done.feed().iter().map(|e| e.channel.as_str()).collect();
    assert_eq!(channels, ["web", "pos"]);
    // Supply on its way changes no figure.
    let expect = Command::ExpectSupply {
        sku: sku("TEE"),
        node: node("WH-WEST"),
        supply: SupplyId::new("PO-1").unwrap(),
        kind: SupplyKind::PurchaseOrder,
        quantity: 10,
        expected_at: t0() + Duration::days(3),
    };
    assert!(inv.execute(&key("k4"), &expect, t0()).unwrap().feed().is_empty());
}

#[test]
fn availability_by_date_counts_supply_at_its_share_within_the_horizon() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 10)]);
    let expect = |id: &str, kind, quantity, days| Command::ExpectSupply {
        sku: sku("TEE"),
        node: node("WH-WEST"),
        supply: SupplyId::new(id).unwrap(),
        kind,
        quantity,
        expected_at: t0() + Duration::days(days),
    };
    inv.execute(&key("k1"), &expect("PO-1", SupplyKind::PurchaseOrder, 10, 5), t0()).unwrap();
    inv.execute(&key("k2"), &expect("ASN-1", SupplyKind::InTransit, 4, 2), t0()).unwrap();
    inv.execute(&key("k3"), &expect("PO-2", SupplyKind::PurchaseOrder, 100, 90), t0()).unwrap();
    let steps = inv.availability_by_date(&sku("TEE"), &channel("web"), t0()).unwrap();
    let figures: Vec<(i64, i64)> = steps.iter().map(|s| ((s.from - t0()).num_days(), s.atp)).collect();
    // In transit counts fully, a purchase order at 70 %, and nothing past 60 days.
    assert_eq!(figures, [(0, 10), (2, 14), (5, 21)]);
    assert_eq!(inv.availability_on(&sku("TEE"), &channel("web"), t0() + Duration::days(3), t0()).unwrap(), 14);
    // POS does not sell from the warehouses: no supply counts for it.
    let mut pos = inv.clone();
    pos.execute(&key("k4"), &receive("TEE", "STORE-SF", 1), t0()).unwrap();
    assert_eq!(pos.availability_by_date(&sku("TEE"), &channel("pos"), t0()).unwrap().len(), 1);
}

#[test]
fn a_transfer_moves_stock_through_transit() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 10)]);
    let transfer = SupplyId::new("TR-1").unwrap();
    let send = Command::Transfer {
        sku: sku("TEE"),
        from: node("WH-EAST"),
        to: node("STORE-SF"),
        quantity: 4,
        transfer: transfer.clone(),
        expected_at: t0() + Duration::days(1),
    };
    inv.execute(&key("k1"), &send, t0()).unwrap();
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().on_hand(), 6);
    let inbound = inv.inbound(&sku("TEE"), &node("STORE-SF"));
    assert_eq!((inbound[0].kind, inbound[0].quantity), (SupplyKind::InTransit, 4));
    let arrive = |q| Command::ReceiveTransfer {
        sku: sku("TEE"),
        node: node("STORE-SF"),
        from: node("WH-EAST"),
        transfer: transfer.clone(),
        quantity: q,
    };
    inv.execute(&key("k2"), &arrive(3), t0()).unwrap();
    assert_eq!(inv.inbound(&sku("TEE"), &node("STORE-SF"))[0].quantity, 1);
    inv.execute(&key("k3"), &arrive(1), t0()).unwrap();
    assert!(inv.inbound(&sku("TEE"), &node("STORE-SF")).is_empty());
    assert_eq!(inv.position(&sku("TEE"), &node("STORE-SF")).unwrap().on_hand(), 4);
    // Committed units do not leave.
    inv.execute(&key("k4"), &reserve("R-1", "marketplace", &[("TEE", 3)]), t0()).unwrap();
    let mut too_many = send.clone();
    if let Command::Transfer { quantity, transfer, .. } = &mut too_many {
        *quantity = 4;
        *transfer = SupplyId::new("TR-2").unwrap();
    }
    assert!(matches!(
        inv.execute(&key("k5"), &too_many, t0()),
        Err(Error::Position { problem: PositionProblem::NotAvailable { available: 3, requested: 4 }, .. })
    ));
}

#[test]
fn damaged_returns_and_write_offs_stay_out_of_availability() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    let back =
        Command::ReturnToStock { sku: sku("TEE"), node: node("WH-EAST"), quantity: 2, condition: Condition::Damaged };
    inv.execute(&key("k1"), &back, t0()).unwrap();
    let p = inv.position(&sku("TEE"), &node("WH-EAST")).unwrap();
    assert_eq!((p.on_hand(), p.damaged(), p.atp()), (7, 2, 5));
    let scrap = Command::WriteOff { sku: sku("TEE"), node: node("WH-EAST"), quantity: 2, from: Condition::Damaged };
    inv.execute(&key("k2"), &scrap, t0()).unwrap();
    let quarantine =
        Command::SetAside { sku: sku("TEE"), node: node("WH-EAST"), quantity: 1, into: Condition::Quarantined };
    inv.execute(&key("k3"), &quarantine, t0()).unwrap();
    let p = inv.position(&sku("TEE"), &node("WH-EAST")).unwrap();
    assert_eq!((p.on_hand(), p.quarantined(), p.atp()), (5, 1, 4));
    let count = Command::Count { sku: sku("TEE"), node: node("WH-EAST"), counted: 3 };
    inv.execute(&key("k4"), &count, t0()).unwrap();
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().atp(), 2);
}

#[test]
fn routing_sees_per_node_stock_for_a_channel() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5), ("TEE", "STORE-NYC", 2)]);
    inv.execute(&key("k1"), &reserve("R-1", "pos", &[("TEE", 1)]), t0()).unwrap();
    assert_eq!(inv.available(&sku("TEE"), &node("STORE-NYC"), &channel("web")), 1);
    assert_eq!(inv.available(&sku("TEE"), &node("STORE-NYC"), &channel("marketplace")), 0, "not in its pool");
    let nodes: Vec<(&str, u32)> = inv.positions_of(&sku("TEE")).map(|(n, p)| (n.as_str(), p.free())).collect();
    assert_eq!(nodes, [("WH-EAST", 5), ("STORE-NYC", 1)]);
}

#[test]
fn decided_batches_round_trip_through_json_and_replay() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    let decision = inv.decide(&key("k1"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap();
    let batch = decision.batch().unwrap().clone();
    let json = serde_json::to_string(&batch).unwrap();
    assert!(json.contains("\"reason\":\"reserve\""), "{json}");
    let back: Batch = serde_json::from_str(&json).unwrap();
    assert_eq!(back, batch);
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().reserved(), 0, "deciding moves nothing");
    inv.apply(&back).unwrap();
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().reserved(), 2);
    // A batch decided on a view that has moved on conflicts.
    let stale = inv.clone().decide(&key("k2"), &reserve("R-2", "web", &[("TEE", 1)]), t0()).unwrap();
    inv.execute(&key("k3"), &receive("TEE", "WH-EAST", 1), t0()).unwrap();
    assert!(matches!(inv.apply(stale.batch().unwrap()), Err(Error::Conflict { .. })));
}

#[test]
fn an_executed_batch_names_its_key_whatever_the_key_window_remembers() {
    // Given engines remembering no keys, one, two, or the default number,
    for remembered in [0, 1, 2, 100_000] {
        let mut config = network();
        config.remembered_keys = remembered;
        let mut inv = Inventory::new(config).unwrap();
        // when commands are executed one after another, with keys the caller then drops,
        for i in 0..6 {
            let k = key(&format!("receive-{i}"));
            let receive = Command::Receive { sku: sku("TEE"), node: node("WH-EAST"), quantity: 1, supply: None };
            let done = inv.execute(&k, &receive, t0()).unwrap();
            drop(k);
            // then the batch for the ledger carries each command's own key.
            let batch = done.batch().unwrap();
            assert_eq!(batch.key(), &key(&format!("receive-{i}")), "remembering {remembered} keys");
        }
    }
}
