//! Proptest strategies (feature `proptest`): configurations, movement streams, positions and
//! command streams over the [`fixtures`](crate::testkit::fixtures) network, valid and not.
//!
//! ```
//! use oms_inventory::strategies;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! // In your tests: `proptest! { #[test] fn my_rule(p in strategies::position()) { ... } }`
//! TestRunner::default()
//!     .run(&strategies::position(), |p| {
//!         prop_assert!(p.sellable() <= p.on_hand());
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

#![allow(clippy::unwrap_used)] // test support: ids here are literals

use chrono::Duration;
use proptest::prelude::*;

use crate::testkit::fixtures::{self, channel, node, reservation, sku, t0};
use crate::{
    Allocation, ChannelConfig, Command, Condition, DisplayRules, InventoryConfig, Policy, Position, Protection, Reason,
    ReleaseCause, Reserve, ReserveLine, Share, SupplyId, SupplyKind,
};

/// Skus the command strategies use.
pub const SKUS: [&str; 3] = ["TEE", "CAP", "MUG"];
/// Nodes the command strategies use: the fixture network's, and one it does not know.
pub const NODES: [&str; 6] = ["WH-EAST", "WH-WEST", "STORE-NYC", "STORE-SF", "VENDOR", "MARS"];
/// Reservation ids the command strategies use.
pub const RESERVATIONS: [&str; 4] = ["R-1", "R-2", "R-3", "R-4"];

fn display() -> impl Strategy<Value = DisplayRules> {
    (0u32..4, 0u32..8, proptest::option::of(1u32..12)).prop_map(|(out_of_stock_below, low_stock_below, cap)| {
        DisplayRules { out_of_stock_below, low_stock_below, cap }
    })
}

fn protection() -> impl Strategy<Value = Option<Protection>> {
    prop_oneof![
        2 => Just(None),
        1 => (0u32..6).prop_map(|n| Some(Protection::Units(n))),
        1 => (0u16..=100).prop_map(|p| Share::percent(p).map(Protection::Share)),
    ]
}

fn tune(channel: &mut ChannelConfig, (display, protection, safety): (DisplayRules, Option<Protection>, u32)) {
    channel.display = display;
    channel.protection = protection;
    channel.safety_stock = safety;
}

/// The fixture network with random display rules, protection and channel safety stock.
pub fn network() -> impl Strategy<Value = InventoryConfig> {
    let channel = || (display(), protection(), 0u32..3);
    (channel(), channel(), channel()).prop_map(|(web, marketplace, pos)| {
        let mut config = fixtures::network();
        for (c, tuning) in config.channels.iter_mut().zip([web, marketplace, pos]) {
            tune(c, tuning);
        }
        config
    })
}

fn condition() -> impl Strategy<Value = Condition> {
    prop_oneof![Just(Condition::Sellable), Just(Condition::Damaged), Just(Condition::Quarantined)]
}

fn supply_kind() -> impl Strategy<Value = SupplyKind> {
    prop_oneof![Just(SupplyKind::PurchaseOrder), Just(SupplyKind::Transfer), Just(SupplyKind::InTransit)]
}

/// Any reason for one position, with quantities from 0 to 12 (so many do not fit).
pub fn reason() -> impl Strategy<Value = Reason> {
    let q = || 0u32..12;
    let supply = || proptest::sample::select(vec!["PO-1", "PO-2"]).prop_map(|s| SupplyId::new(s).unwrap());
    prop_oneof![
        3 => (q(), proptest::option::of(supply())).prop_map(|(quantity, supply)| Reason::Receive { quantity, supply }),
        2 => (-8i64..8).prop_map(|delta| Reason::Adjust { delta }),
        1 => (q(), q()).prop_map(|(counted, previous)| Reason::Count { counted, previous }),
        3 => q().prop_map(|quantity| Reason::Reserve { quantity, channel: channel("web"), expires_at: None, pinned: false }),
        2 => q().prop_map(|quantity| Reason::Release { quantity, cause: ReleaseCause::Cancelled }),
        2 => q().prop_map(|quantity| Reason::Allocate { quantity }),
        1 => q().prop_map(|quantity| Reason::Deallocate { quantity, cause: ReleaseCause::Cancelled }),
        2 => q().prop_map(|quantity| Reason::Ship { quantity }),
        1 => (q(), condition()).prop_map(|(quantity, condition)| Reason::ReturnToStock { quantity, condition }),
        1 => (q(), condition()).prop_map(|(quantity, from)| Reason::WriteOff { quantity, from }),
        1 => (q(), condition()).prop_map(|(quantity, into)| Reason::SetAside { quantity, into }),
        1 => (q(), condition()).prop_map(|(quantity, from)| Reason::Restore { quantity, from }),
        1 => (supply(), supply_kind(), q()).prop_map(|(supply, kind, quantity)| Reason::ExpectSupply {
            supply, kind, quantity, expected_at: t0()
        }),
        1 => (0u32..4, 0u32..4).prop_map(|(units, previous)| Reason::SafetyStock { units, previous }),
        1 => proptest::bool::weighted(0.2).prop_map(|allowed| Reason::Backorder { allowed }),
    ]
}

/// A stream of reasons for one position, fitting or not.
pub fn movement_stream(max: usize) -> impl Strategy<Value = Vec<Reason>> {
    proptest::collection::vec(reason(), 0..=max)
}

/// A position reached by folding a random stream (movements that do not fit are skipped).
pub fn position() -> impl Strategy<Value = Position> {
    movement_stream(40).prop_map(|stream| {
        let mut p = Position::default();
        for reason in &stream {
            let _ = p.apply(reason);
        }
        p
    })
}

fn pick<T: Clone + std::fmt::Debug>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

/// Any command over the fixture network's ids (and a few unknown ones), quantities from 0, so
/// many are refused. `losses`: whether to include commands that lose stock (negative
/// adjustments, counts, write-offs, set-asides, safety-stock changes, turning backorders off).
pub fn command(losses: bool) -> BoxedStrategy<Command> {
    let s = || pick(&SKUS).prop_map(sku);
    let n = || pick(&NODES[..5]).prop_map(node);
    let any_node = || prop_oneof![9 => pick(&NODES[..5]), 1 => Just(NODES[5])].prop_map(node);
    let r = || pick(&RESERVATIONS).prop_map(reservation);
    let q = || 0u32..7;
    let line = (s(), 0u32..5, proptest::option::weighted(0.2, n())).prop_map(|(sku, quantity, node)| ReserveLine {
        sku,
        quantity,
        node,
    });
    let reserve = (
        r(),
        prop_oneof![4 => pick(&["web", "marketplace", "pos"][..]), 1 => Just("kiosk")].prop_map(channel),
        proptest::collection::vec(line, 0..4),
        proptest::option::weighted(0.5, 5i64..120),
        prop_oneof![Just(Policy::AllOrNothing), Just(Policy::AsMuchAsPossible)],
    )
        .prop_map(|(reservation, channel, lines, expiry, policy)| {
            let expires_at = expiry.map(|m| t0() + Duration::minutes(m));
            Command::Reserve(Reserve { reservation, channel, lines, expires_at, policy })
        });
    let allocation = (s(), n(), 0u32..4).prop_map(|(sku, node, quantity)| Allocation { sku, node, quantity });
    let mut options: Vec<(u32, BoxedStrategy<Command>)> = vec![
        (
            5,
            (s(), any_node(), q())
                .prop_map(|(sku, node, quantity)| Command::Receive { sku, node, quantity, supply: None })
                .boxed(),
        ),
        (1, (s(), n(), 1i64..5).prop_map(|(sku, node, delta)| Command::Adjust { sku, node, delta }).boxed()),
        (
            1,
            (s(), n(), q(), condition())
                .prop_map(|(sku, node, quantity, condition)| Command::ReturnToStock { sku, node, quantity, condition })
                .boxed(),
        ),
        (
            1,
            (s(), n(), q(), condition())
                .prop_map(|(sku, node, quantity, from)| Command::Restore { sku, node, quantity, from })
                .boxed(),
        ),
        (
            1,
            (s(), n(), n(), q())
                .prop_map(|(sku, from, to, quantity)| Command::Transfer {
                    sku,
                    from,
                    to,
                    quantity,
                    transfer: SupplyId::new("TR-1").unwrap(),
                    expected_at: t0() + Duration::days(1),
                })
                .boxed(),
        ),
        (
            1,
            (s(), n(), q())
                .prop_map(|(sku, node, quantity)| Command::ReceiveTransfer {
                    sku,
                    node,
                    from: self::node("WH-EAST"),
                    transfer: SupplyId::new("TR-1").unwrap(),
                    quantity,
                })
                .boxed(),
        ),
        (
            1,
            (s(), n(), supply_kind(), q(), 0i64..90)
                .prop_map(|(sku, node, kind, quantity, days)| Command::ExpectSupply {
                    sku,
                    node,
                    supply: SupplyId::new("PO-1").unwrap(),
                    kind,
                    quantity,
                    expected_at: t0() + Duration::days(days),
                })
                .boxed(),
        ),
        (1, (s(), n()).prop_map(|(sku, node)| Command::SetBackorder { sku, node, allowed: true }).boxed()),
        (6, reserve.boxed()),
        (2, r().prop_map(|reservation| Command::Release { reservation }).boxed()),
        (
            1,
            (r(), s(), q())
                .prop_map(|(reservation, sku, quantity)| Command::ReleaseUnits { reservation, sku, quantity })
                .boxed(),
        ),
        (
            4,
            (r(), proptest::collection::vec(allocation, 0..3))
                .prop_map(|(reservation, allocations)| Command::Convert { reservation, allocations })
                .boxed(),
        ),
        (
            1,
            (r(), s(), n(), n(), q())
                .prop_map(|(reservation, sku, from, to, quantity)| Command::Reallocate {
                    reservation,
                    sku,
                    from,
                    to,
                    quantity,
                })
                .boxed(),
        ),
        (
            2,
            (r(), s(), n(), q())
                .prop_map(|(reservation, sku, node, quantity)| Command::Ship { reservation, sku, node, quantity })
                .boxed(),
        ),
        (
            1,
            (r(), s(), n(), q())
                .prop_map(|(reservation, sku, node, quantity)| Command::Deallocate { reservation, sku, node, quantity })
                .boxed(),
        ),
        (1, Just(Command::Expire).boxed()),
    ];
    if losses {
        options.extend([
            (1, (s(), n(), -6i64..0).prop_map(|(sku, node, delta)| Command::Adjust { sku, node, delta }).boxed()),
            (1, (s(), n(), 0u32..8).prop_map(|(sku, node, counted)| Command::Count { sku, node, counted }).boxed()),
            (
                1,
                (s(), n(), q(), condition())
                    .prop_map(|(sku, node, quantity, from)| Command::WriteOff { sku, node, quantity, from })
                    .boxed(),
            ),
            (
                1,
                (s(), n(), q(), condition())
                    .prop_map(|(sku, node, quantity, into)| Command::SetAside { sku, node, quantity, into })
                    .boxed(),
            ),
            (
                1,
                (s(), n(), 0u32..4).prop_map(|(sku, node, units)| Command::SetSafetyStock { sku, node, units }).boxed(),
            ),
            (1, (s(), n()).prop_map(|(sku, node)| Command::SetBackorder { sku, node, allowed: false }).boxed()),
        ]);
    }
    proptest::strategy::Union::new_weighted(options).boxed()
}

/// A stream of commands, each with the minutes that pass before it.
pub fn commands(max: usize, losses: bool) -> impl Strategy<Value = Vec<(i64, Command)>> {
    proptest::collection::vec((0i64..20, command(losses)), 0..=max)
}
