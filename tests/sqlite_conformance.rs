//! The SQLite adapters pass the same conformance suites as the in-memory stores, in memory
//! and on a database file; two connections to one file race like two processes would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh database path under the system temp dir, unique per test.
fn fresh_path() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("oms-sqlite-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("db-{}.sqlite", NEXT.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_file(&path);
    path
}

mod sqlite_order_store_in_memory {
    oms_core::order_store_conformance!(oms::sqlite::SqliteOrderStore::open_in_memory().unwrap());
}

mod sqlite_inventory_store_in_memory {
    oms_inventory::inventory_store_conformance!(oms::sqlite::SqliteInventoryStore::open_in_memory().unwrap());
}

mod sqlite_inventory_store_on_file {
    oms_inventory::inventory_store_conformance!(oms::sqlite::SqliteInventoryStore::open(super::fresh_path()).unwrap());
}

mod sqlite_order_store_on_file {
    oms_core::order_store_conformance!(oms::sqlite::SqliteOrderStore::open(super::fresh_path()).unwrap());
}

/// Two connections (as two processes would hold) append at the same version: one wins, the
/// other gets a conflict, every round.
#[test]
fn two_connections_to_one_file_race_and_exactly_one_wins() {
    use oms::core::testkit::fixtures::{captured, draft, envelope};
    use oms::core::{ExpectedVersion, LineStatus, OrderEvent, OrderId, OrderStore, StoreError, Version};
    let path = fresh_path();
    let stores =
        [oms::sqlite::SqliteOrderStore::open(&path).unwrap(), oms::sqlite::SqliteOrderStore::open(&path).unwrap()];
    let order = OrderId::new("O-1").unwrap();
    stores[0]
        .append(&order, ExpectedVersion::NoStream, &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 100)]))])
        .unwrap();
    for round in 1..=20u64 {
        let at = Version::new(round);
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = stores
                .iter()
                .map(|store| {
                    let (barrier, order) = (&barrier, &order);
                    scope.spawn(move || {
                        barrier.wait();
                        let reserve = OrderEvent::LineReserved {
                            line: "1".parse().unwrap(),
                            from: LineStatus::Open,
                            quantity: 1,
                        };
                        store.append(order, ExpectedVersion::Exactly(at), &[envelope(round + 1, reserve)])
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "round {round}: {results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(StoreError::Conflict { .. }))), "round {round}: {results:?}");
    }
    assert_eq!(stores[1].read(&order, Version::ZERO).unwrap().len(), 21);
}

/// The whole OMS on SQLite: an order routed and released survives a restart, and the stock it
/// holds is what it records.
#[test]
fn the_oms_on_sqlite_survives_a_restart() {
    use oms::core::{Actor, FixedClock, LineStatus, Metadata, OrderCommand, testkit::fixtures};
    use oms::sqlite::{SqliteInventoryStore, SqliteOrderStore};
    let path = fresh_path();
    let setup = oms::Setup::from_json(include_str!("../examples/data/setup.json")).unwrap();
    let open = || {
        oms::Oms::new(oms::Parts {
            orders: SqliteOrderStore::open(&path).unwrap(),
            inventory: SqliteInventoryStore::open(&path).unwrap(),
            returns: oms::returns::InMemoryReturnStore::new(),
            outbox: oms::InMemoryOutbox::new(),
            clock: FixedClock(setup.now.unwrap()),
            router: setup.router().unwrap(),
            inventory_config: setup.inventory_config(),
            lifecycle: setup.lifecycle,
            return_policy: setup.returns.clone(),
        })
        .unwrap()
    };
    let system = Metadata::by(Actor::System);
    {
        let oms = open();
        for (i, s) in setup.stock.iter().enumerate() {
            let receive = oms::inventory::Command::Receive {
                sku: s.sku.clone(),
                node: s.node.clone(),
                quantity: s.quantity,
                supply: None,
            };
            oms.stock_command(&format!("r-{i}").parse().unwrap(), &receive).unwrap();
        }
        let mut draft = fixtures::draft("Q-1", "E-1", "C-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]);
        draft.ship_to.as_mut().unwrap().geo = oms::core::GeoPoint::new(41.85, -87.65).ok();
        oms.capture(&draft, system.clone()).unwrap();
        oms.route(&"Q-1".parse().unwrap(), system.clone()).unwrap();
        oms.execute(&"Q-1".parse().unwrap(), &OrderCommand::Release { fulfillment_order: None }, system.clone())
            .unwrap();
    }
    let oms = open();
    let order = oms.order(&"Q-1".parse().unwrap()).unwrap();
    assert_eq!(order.units_in(LineStatus::Released), 3);
    let (recorded, held) = oms.footprints(order.id()).unwrap();
    assert_eq!(recorded, held);
    assert!(oms.recover(order.id(), system).unwrap().is_empty(), "nothing to recover after a clean stop");
}
