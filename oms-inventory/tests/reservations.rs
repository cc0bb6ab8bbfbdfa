//! Reservations: summing lines, all or nothing, pools, conversion at routed nodes, expiry,
//! release, shipping, and every refusal naming what it refuses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use chrono::Duration;
use oms_inventory::testkit::fixtures::*;
use oms_inventory::*;

fn units_of(inv: &Inventory, id: &str) -> Vec<(String, String, u32, u32)> {
    match inv.reservation(&reservation(id)) {
        Some(ReservationState::Open(view)) => {
            view.units.iter().map(|u| (u.sku.to_string(), u.node.to_string(), u.held, u.allocated)).collect()
        }
        other => panic!("reservation {id} is not open: {other:?}"),
    }
}

fn convert(id: &str, allocations: &[(&str, &str, u32)]) -> Command {
    Command::Convert {
        reservation: reservation(id),
        allocations: allocations
            .iter()
            .map(|&(s, n, quantity)| Allocation { sku: sku(s), node: node(n), quantity })
            .collect(),
    }
}

#[test]
fn lines_of_the_same_sku_are_summed_before_checking() {
    // Given 3 units of a sku, when a bundle asks for 2 + 2 of it,
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 3)]);
    let before = inv.clone();
    let err = inv.execute(&key("k"), &reserve("R-1", "web", &[("TEE", 2), ("TEE", 2)]), t0()).unwrap_err();
    // then it is refused for 4 units with 3 available, and nothing moves.
    match err {
        Error::NotEnoughStock { sku: s, requested: 4, available: 3, channel: Some(c), key: k, .. } => {
            assert_eq!((s, c, k), (sku("TEE"), channel("web"), key("k")));
        }
        other => panic!("{other:?}"),
    }
    assert!(inv == before);
    assert!(inv.reservation(&reservation("R-1")).is_none());
}

#[test]
fn all_or_nothing_across_skus_and_as_much_as_possible() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5), ("CAP", "WH-EAST", 1)]);
    let both = reserve("R-1", "web", &[("TEE", 2), ("CAP", 2)]);
    assert!(matches!(inv.execute(&key("k1"), &both, t0()), Err(Error::NotEnoughStock { .. })));
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().reserved(), 0, "the TEE line did not move either");

    let Command::Reserve(mut partial) = both else { unreachable!() };
    partial.policy = Policy::AsMuchAsPossible;
    let done = inv.execute(&key("k2"), &Command::Reserve(partial), t0()).unwrap();
    let Outcome::Reserved { lines } = done.outcome() else { panic!() };
    assert_eq!(
        lines,
        vec![
            ReservedLine { sku: sku("TEE"), requested: 2, reserved: 2 },
            ReservedLine { sku: sku("CAP"), requested: 2, reserved: 1 },
        ]
    );
}

#[test]
fn a_channel_reserves_only_from_its_pool_and_prefers_one_node() {
    // Warehouse stock is for web and marketplace; stores for web and POS.
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 4), ("TEE", "STORE-NYC", 3), ("TEE", "STORE-SF", 3)]);
    assert_eq!(inv.availability(&sku("TEE"), &channel("pos")).unwrap().atp, 6);
    assert_eq!(inv.availability(&sku("TEE"), &channel("marketplace")).unwrap().atp, 2, "4 less 2 channel safety");
    assert!(matches!(
        inv.execute(&key("k1"), &reserve("R-1", "pos", &[("TEE", 7)]), t0()),
        Err(Error::NotEnoughStock { available: 6, .. })
    ));
    inv.execute(&key("k2"), &reserve("R-2", "pos", &[("TEE", 3)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-2"), [("TEE".into(), "STORE-NYC".into(), 3, 0)], "one node covers it");
    // Web holds go to the stores first (fewer channels share them), keeping the warehouse for
    // the marketplace.
    inv.execute(&key("k3"), &reserve("R-3", "web", &[("TEE", 2)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-3"), [("TEE".into(), "STORE-SF".into(), 2, 0)]);
    assert_eq!(inv.availability(&sku("TEE"), &channel("marketplace")).unwrap().atp, 2);
}

#[test]
fn a_pinned_line_holds_at_its_node_only() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 9), ("TEE", "STORE-NYC", 1)]);
    let pickup = |q| {
        Command::Reserve(Reserve {
            reservation: reservation("R-1"),
            channel: channel("web"),
            lines: vec![ReserveLine::new(sku("TEE"), q).at(node("STORE-NYC"))],
            expires_at: None,
            policy: Policy::AllOrNothing,
        })
    };
    assert!(matches!(inv.execute(&key("k1"), &pickup(2), t0()), Err(Error::NotEnoughStock { available: 1, .. })));
    inv.execute(&key("k2"), &pickup(1), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "STORE-NYC".into(), 1, 0)]);
    let Command::Reserve(mut wrong) = pickup(1) else { unreachable!() };
    wrong.reservation = reservation("R-2");
    wrong.channel = channel("marketplace");
    assert!(matches!(
        inv.execute(&key("k3"), &Command::Reserve(wrong), t0()),
        Err(Error::NodeNotEligible { channel: c, node: n, .. }) if c == channel("marketplace") && n == node("STORE-NYC")
    ));
}

#[test]
fn conversion_allocates_the_routed_nodes_stock() {
    // The hold sits at the store, routing picks the warehouse: the warehouse's stock is
    // allocated and the store's hold goes away.
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5), ("TEE", "STORE-NYC", 5)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 3)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "STORE-NYC".into(), 3, 0)]);
    inv.execute(&key("k2"), &convert("R-1", &[("TEE", "WH-EAST", 2), ("TEE", "STORE-NYC", 1)]), t0()).unwrap();
    assert_eq!(
        units_of(&inv, "R-1"),
        [("TEE".into(), "STORE-NYC".into(), 0, 1), ("TEE".into(), "WH-EAST".into(), 0, 2)]
    );
    let (east, nyc) =
        (inv.position(&sku("TEE"), &node("WH-EAST")).unwrap(), inv.position(&sku("TEE"), &node("STORE-NYC")).unwrap());
    assert_eq!((east.allocated(), east.reserved(), nyc.allocated(), nyc.reserved()), (2, 0, 1, 0));
}

#[test]
fn conversion_moves_other_holds_out_of_the_routed_nodes_way() {
    // Two POS reservations hold all of NYC's 4 units; SF has 2 spare; the web holds 4 at the
    // warehouse.
    let mut inv = stocked(network(), &[("TEE", "STORE-NYC", 4), ("TEE", "STORE-SF", 2), ("TEE", "WH-EAST", 4)]);
    inv.execute(&key("k1"), &reserve("R-1", "pos", &[("TEE", 2)]), t0()).unwrap();
    inv.execute(&key("k2"), &reserve("R-2", "pos", &[("TEE", 2)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "STORE-NYC".into(), 2, 0)]);
    assert_eq!(units_of(&inv, "R-2"), [("TEE".into(), "STORE-NYC".into(), 2, 0)]);
    inv.execute(&key("k3"), &reserve("R-3", "web", &[("TEE", 4)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-3"), [("TEE".into(), "WH-EAST".into(), 4, 0)]);
    // R-3 is routed half to NYC: a POS hold moves to SF to make room.
    inv.execute(&key("k4"), &convert("R-3", &[("TEE", "STORE-NYC", 2), ("TEE", "WH-EAST", 2)]), t0()).unwrap();
    assert_eq!(
        units_of(&inv, "R-3"),
        [("TEE".into(), "STORE-NYC".into(), 0, 2), ("TEE".into(), "WH-EAST".into(), 0, 2)]
    );
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "STORE-SF".into(), 2, 0)]);
    assert_eq!(units_of(&inv, "R-2"), [("TEE".into(), "STORE-NYC".into(), 2, 0)]);
    for n in ["STORE-NYC", "STORE-SF"] {
        let p = inv.position(&sku("TEE"), &node(n)).unwrap();
        assert_eq!(p.atp(), 0, "{n} fully committed, not over");
    }
}

#[test]
fn pinned_holds_stay_put() {
    let mut inv = stocked(network(), &[("TEE", "STORE-NYC", 2), ("TEE", "STORE-SF", 5), ("TEE", "WH-EAST", 2)]);
    let pickup = Command::Reserve(Reserve {
        reservation: reservation("PICKUP"),
        channel: channel("web"),
        lines: vec![ReserveLine::new(sku("TEE"), 2).at(node("STORE-NYC"))],
        expires_at: None,
        policy: Policy::AllOrNothing,
    });
    inv.execute(&key("k1"), &pickup, t0()).unwrap();
    inv.execute(&key("k2"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap();
    match inv.execute(&key("k3"), &convert("R-1", &[("TEE", "STORE-NYC", 2)]), t0()) {
        Err(Error::NotEnoughStock { node: Some(n), requested: 2, available: 0, .. }) => {
            assert_eq!(n, node("STORE-NYC"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(units_of(&inv, "PICKUP"), [("TEE".into(), "STORE-NYC".into(), 2, 0)]);
}

#[test]
fn conversion_refusals() {
    let later = t0() + Duration::minutes(30);
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5), ("TEE", "STORE-NYC", 5)]);
    let Command::Reserve(mut cart) = reserve("R-1", "marketplace", &[("TEE", 2)]) else { unreachable!() };
    cart.expires_at = Some(t0() + Duration::minutes(15));
    inv.execute(&key("k1"), &Command::Reserve(cart), t0()).unwrap();
    let before = inv.clone();
    // More than reserved.
    assert!(matches!(
        inv.execute(&key("k2"), &convert("R-1", &[("TEE", "WH-EAST", 3)]), t0()),
        Err(Error::MoreThanReserved { requested: 3, held: 2, .. })
    ));
    // A node the channel may not sell from.
    assert!(matches!(
        inv.execute(&key("k3"), &convert("R-1", &[("TEE", "STORE-NYC", 2)]), t0()),
        Err(Error::NodeNotEligible { .. })
    ));
    // After expiry.
    match inv.execute(&key("k4"), &convert("R-1", &[("TEE", "WH-EAST", 2)]), later) {
        Err(Error::ReservationExpired { reservation: r, key: k, .. }) => {
            assert_eq!((r, k), (reservation("R-1"), key("k4")))
        }
        other => panic!("{other:?}"),
    }
    // Unknown reservation, zero quantity.
    assert!(matches!(
        inv.execute(&key("k5"), &convert("R-9", &[("TEE", "WH-EAST", 1)]), t0()),
        Err(Error::UnknownReservation { .. })
    ));
    assert!(matches!(
        inv.execute(&key("k6"), &convert("R-1", &[("TEE", "WH-EAST", 0)]), t0()),
        Err(Error::ZeroQuantity { .. })
    ));
    assert!(inv == before, "refusals move nothing");
}

#[test]
fn expiry_releases_holds_and_converting_after_it_is_refused() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    for (i, minutes) in [10, 20].iter().enumerate() {
        let Command::Reserve(mut cart) = reserve(&format!("R-{i}"), "web", &[("TEE", 2)]) else { unreachable!() };
        cart.expires_at = Some(t0() + Duration::minutes(*minutes));
        inv.execute(&key(&format!("k{i}")), &Command::Reserve(cart), t0()).unwrap();
    }
    let done = inv.execute(&key("expire-1"), &Command::Expire, t0() + Duration::minutes(15)).unwrap();
    assert_eq!(done.outcome(), Outcome::Expired { reservations: vec![reservation("R-0")] });
    assert_eq!(inv.reservation(&reservation("R-0")), Some(ReservationState::Settled { how: Settlement::Expired }));
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().reserved(), 2);
    assert!(matches!(
        inv.execute(&key("k9"), &convert("R-0", &[("TEE", "WH-EAST", 2)]), t0()),
        Err(Error::ReservationSettled { settled: Settlement::Expired, .. })
    ));
    let nothing = inv.execute(&key("expire-2"), &Command::Expire, t0() + Duration::minutes(16)).unwrap();
    assert!(nothing.batch().is_none());
}

#[test]
fn releasing_twice_is_refused_and_a_retry_is_a_duplicate() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap();
    let release = Command::Release { reservation: reservation("R-1") };
    inv.execute(&key("release-1"), &release, t0()).unwrap();
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().reserved(), 0);
    assert!(inv.execute(&key("release-1"), &release, t0()).unwrap().is_duplicate());
    match inv.execute(&key("release-2"), &release, t0()) {
        Err(Error::ReservationSettled { reservation: r, settled: Settlement::Released, key: k }) => {
            assert_eq!((r, k), (reservation("R-1"), key("release-2")));
        }
        other => panic!("{other:?}"),
    }
    // The id can be reused for a new cart.
    inv.execute(&key("k2"), &reserve("R-1", "web", &[("TEE", 1)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "WH-EAST".into(), 1, 0)]);
    // Reserving again under the open id adds to it (an order that gained units).
    inv.execute(&key("k3"), &reserve("R-1", "web", &[("TEE", 1)]), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "WH-EAST".into(), 2, 0)]);
}

#[test]
fn an_open_reservation_grows_for_its_own_channel_only() {
    let mut inv = Inventory::new(network()).unwrap();
    let mut ledger = Vec::new();
    let receive = Command::Receive { sku: sku("TEE"), node: node("WH-EAST"), quantity: 5, supply: None };
    ledger.extend(inv.execute(&key("k0"), &receive, t0()).unwrap().batch());
    ledger.extend(inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap().batch());
    ledger.extend(inv.execute(&key("k2"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap().batch());
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "WH-EAST".into(), 4, 0)]);
    assert!(matches!(
        inv.execute(&key("k3"), &reserve("R-1", "pos", &[("TEE", 1)]), t0()),
        Err(Error::ReservationExists { .. })
    ));
    // Growing is checked like any reservation: 1 unit is left, 2 are refused all or nothing.
    assert!(matches!(
        inv.execute(&key("k4"), &reserve("R-1", "web", &[("TEE", 2)]), t0()),
        Err(Error::NotEnoughStock { .. })
    ));
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "WH-EAST".into(), 4, 0)]);
    // The ledger rebuilds the grown reservation.
    let replayed = Inventory::replay(inv.config().clone(), &ledger).unwrap();
    assert_eq!(units_of(&replayed, "R-1"), units_of(&inv, "R-1"));
}

#[test]
fn deallocate_frees_units_at_one_node_only() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5), ("TEE", "STORE-NYC", 5)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 4)]), t0()).unwrap();
    let convert = Command::Convert {
        reservation: reservation("R-1"),
        allocations: vec![
            Allocation { sku: sku("TEE"), node: node("WH-EAST"), quantity: 2 },
            Allocation { sku: sku("TEE"), node: node("STORE-NYC"), quantity: 1 },
        ],
    };
    inv.execute(&key("k2"), &convert, t0()).unwrap();
    let deallocate = |n: &str, quantity| Command::Deallocate {
        reservation: reservation("R-1"),
        sku: sku("TEE"),
        node: node(n),
        quantity,
    };
    match inv.execute(&key("k3"), &deallocate("STORE-NYC", 2), t0()) {
        Err(Error::NotAllocated { requested: 2, allocated: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
    inv.execute(&key("k4"), &deallocate("WH-EAST", 2), t0()).unwrap();
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().allocated(), 0);
    assert_eq!(inv.position(&sku("TEE"), &node("STORE-NYC")).unwrap().allocated(), 1);
    let held: u32 = units_of(&inv, "R-1").iter().map(|u| u.2).sum();
    assert_eq!(held, 1, "the remaining hold is untouched");
    assert!(matches!(inv.execute(&key("k5"), &deallocate("STORE-NYC", 0), t0()), Err(Error::ZeroQuantity { .. })));
}

#[test]
fn release_units_frees_held_units_before_allocated_ones() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 4)]), t0()).unwrap();
    inv.execute(&key("k2"), &convert("R-1", &[("TEE", "WH-EAST", 2)]), t0()).unwrap();
    let cancel = |q| Command::ReleaseUnits { reservation: reservation("R-1"), sku: sku("TEE"), quantity: q };
    inv.execute(&key("k3"), &cancel(3), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "WH-EAST".into(), 0, 1)]);
    assert!(matches!(inv.execute(&key("k4"), &cancel(2), t0()), Err(Error::MoreThanReserved { held: 1, .. })));
}

#[test]
fn reallocation_checks_the_new_nodes_stock() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5), ("TEE", "WH-WEST", 1)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap();
    inv.execute(&key("k2"), &convert("R-1", &[("TEE", "WH-EAST", 2)]), t0()).unwrap();
    let move_to = |to: &str, q| Command::Reallocate {
        reservation: reservation("R-1"),
        sku: sku("TEE"),
        from: node("WH-EAST"),
        to: node(to),
        quantity: q,
    };
    match inv.execute(&key("k3"), &move_to("WH-WEST", 2), t0()) {
        Err(Error::NotEnoughStock { node: Some(n), requested: 2, available: 1, .. }) => assert_eq!(n, node("WH-WEST")),
        other => panic!("{other:?}"),
    }
    inv.execute(&key("k4"), &move_to("WH-WEST", 1), t0()).unwrap();
    assert_eq!(units_of(&inv, "R-1"), [("TEE".into(), "WH-EAST".into(), 0, 1), ("TEE".into(), "WH-WEST".into(), 0, 1)]);
    assert!(matches!(inv.execute(&key("k5"), &move_to("WH-EAST", 1), t0()), Err(Error::SameNode { .. })));
    assert!(matches!(inv.execute(&key("k6"), &move_to("STORE-SF", 1), t0()), Err(Error::UnknownPosition { .. })));
}

#[test]
fn shipping_takes_on_hand_and_allocation_and_fulfils_the_reservation() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 2)]), t0()).unwrap();
    let ship =
        |q| Command::Ship { reservation: reservation("R-1"), sku: sku("TEE"), node: node("WH-EAST"), quantity: q };
    assert!(matches!(inv.execute(&key("k2"), &ship(1), t0()), Err(Error::NotAllocated { allocated: 0, .. })));
    inv.execute(&key("k3"), &convert("R-1", &[("TEE", "WH-EAST", 2)]), t0()).unwrap();
    inv.execute(&key("k4"), &ship(1), t0()).unwrap();
    inv.execute(&key("k5"), &ship(1), t0()).unwrap();
    let p = inv.position(&sku("TEE"), &node("WH-EAST")).unwrap();
    assert_eq!((p.on_hand(), p.allocated(), p.atp()), (3, 0, 3));
    assert_eq!(inv.reservation(&reservation("R-1")), Some(ReservationState::Settled { how: Settlement::Fulfilled }));
    assert!(matches!(
        inv.execute(&key("k6"), &Command::Release { reservation: reservation("R-1") }, t0()),
        Err(Error::ReservationSettled { settled: Settlement::Fulfilled, .. })
    ));
}

#[test]
fn unknown_ids_and_zero_quantities_are_refused_by_name() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    let before = inv.clone();
    assert!(matches!(
        inv.execute(&key("k1"), &reserve("R-1", "web", &[("NOPE", 1)]), t0()),
        Err(Error::UnknownSku { sku: s, key: Some(k) }) if s == sku("NOPE") && k == key("k1")
    ));
    assert!(matches!(
        inv.execute(&key("k2"), &reserve("R-1", "kiosk", &[("TEE", 1)]), t0()),
        Err(Error::UnknownChannel { channel: c, .. }) if c == channel("kiosk")
    ));
    assert!(matches!(
        inv.execute(&key("k3"), &reserve("R-1", "web", &[("TEE", 0)]), t0()),
        Err(Error::ZeroQuantity { sku: s, .. }) if s == sku("TEE")
    ));
    assert!(matches!(
        inv.execute(&key("k4"), &Command::Receive { sku: sku("TEE"), node: node("MARS"), quantity: 1, supply: None }, t0()),
        Err(Error::UnknownNode { node: n, .. }) if n == node("MARS")
    ));
    assert!(matches!(
        inv.execute(&key("k5"), &Command::Adjust { sku: sku("TEE"), node: node("WH-EAST"), delta: -6 }, t0()),
        Err(Error::Position {
            problem: PositionProblem::NotEnough { counter: Counter::Sellable, has: 5, wanted: 6 },
            ..
        })
    ));
    assert!(matches!(
        inv.execute(&key("k6"), &Command::Release { reservation: reservation("R-7") }, t0()),
        Err(Error::UnknownReservation { .. })
    ));
    assert!(matches!(inv.execute(&key("k7"), &reserve("R-1", "web", &[]), t0()), Err(Error::NoLines { .. })));
    assert!(inv == before);
}

#[test]
fn a_repeated_key_changes_nothing() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    let receive = Command::Receive { sku: sku("TEE"), node: node("WH-EAST"), quantity: 5, supply: None };
    inv.execute(&key("asn-1"), &receive, t0()).unwrap();
    let after = inv.clone();
    assert!(inv.execute(&key("asn-1"), &receive, t0()).unwrap().is_duplicate());
    assert_eq!(inv.decide(&key("asn-1"), &receive, t0()).unwrap().outcome(), &Outcome::Duplicate);
    assert!(inv == after);
    assert_eq!(inv.position(&sku("TEE"), &node("WH-EAST")).unwrap().on_hand(), 10);
}

#[test]
fn backorders_let_a_node_promise_beyond_its_stock() {
    let mut inv = stocked(network(), &[("TEE", "VENDOR", 1)]);
    assert_eq!(inv.availability(&sku("TEE"), &channel("web")).unwrap().shown.status, StockStatus::InStock);
    inv.execute(&key("b"), &Command::SetBackorder { sku: sku("TEE"), node: node("VENDOR"), allowed: true }, t0())
        .unwrap();
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 3)]), t0()).unwrap();
    let p = inv.position(&sku("TEE"), &node("VENDOR")).unwrap();
    assert_eq!((p.reserved(), p.atp()), (3, -2));
    let web = inv.availability(&sku("TEE"), &channel("web")).unwrap();
    assert_eq!((web.atp, web.backorderable, web.shown.status), (0, true, StockStatus::Backorder));
    assert!(matches!(
        inv.execute(&key("k2"), &reserve("R-2", "marketplace", &[("TEE", 1)]), t0()),
        Err(Error::NotEnoughStock { .. })
    ));
}

#[test]
fn forgetting_settled_reservations_bounds_memory_and_changes_only_the_refusal() {
    let mut inv = stocked(network(), &[("TEE", "WH-EAST", 5)]);
    inv.execute(&key("k1"), &reserve("R-1", "web", &[("TEE", 1)]), t0()).unwrap();
    inv.execute(&key("k2"), &Command::Release { reservation: reservation("R-1") }, t0()).unwrap();
    inv.execute(&key("k3"), &reserve("R-2", "web", &[("TEE", 1)]), t0()).unwrap();
    assert_eq!(inv.forget_settled(), 1, "only the settled one");
    assert!(inv.reservation(&reservation("R-1")).is_none());
    assert!(matches!(inv.reservation(&reservation("R-2")), Some(ReservationState::Open(_))));
    assert!(matches!(
        inv.execute(&key("k4"), &Command::Release { reservation: reservation("R-1") }, t0()),
        Err(Error::UnknownReservation { .. })
    ));
}
