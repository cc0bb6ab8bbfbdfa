//! The [`InventoryStore`] conformance suite.
//!
//! Every function takes a fresh, empty store and checks one behaviour of the contract. Run
//! them all with [`inventory_store_conformance!`](crate::inventory_store_conformance):
//!
//! ```
//! mod in_memory {
//!     oms_inventory::inventory_store_conformance!(oms_inventory::InMemoryInventoryStore::new());
//! }
//! ```

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};

use oms_core::{ExpectedVersion, Version};

use super::fixtures::{channel, key, network, node, reservation, sku, t0};
use crate::{
    Batch, Command, Error, InboundSupply, InventoryStore, Movement, Outcome, Position, PositionKey, PositionProblem,
    Reason, StoreError, SupplyKind, SyncedInventory, Written,
};

/// Expands to one `#[test]` per conformance case, each on a fresh store from `$setup`.
///
/// Invoke it inside its own module; `$setup` is evaluated once per test and must give a
/// value implementing [`InventoryStore`](crate::InventoryStore) (the replica race also needs it
/// to be `Clone`-free: it shares the store by reference).
#[macro_export]
macro_rules! inventory_store_conformance {
    ($setup:expr) => {
        $crate::inventory_store_conformance!(@cases $setup;
            applies_a_batch_and_reads_it_back,
            versions_count_the_batches_that_moved_a_position,
            a_repeated_key_changes_nothing,
            a_stale_version_conflicts_and_writes_nothing,
            a_position_only_read_is_checked_too,
            a_movement_that_does_not_fit_refuses_the_whole_batch,
            commitments_beyond_available_are_refused,
            empty_batches_are_refused,
            inbound_supply_is_folded,
            the_ledger_pages_in_order,
            racing_reservations_never_oversell,
            racing_engines_never_oversell,
        );
    };
    (@cases $setup:expr; $($case:ident,)+) => {
        $(
            #[test]
            fn $case() {
                let store = $setup;
                $crate::testkit::store::$case(&store);
            }
        )+
    };
}

fn movement(s: &str, n: &str, reason: Reason) -> Movement {
    Movement { sku: sku(s), node: node(n), reservation: None, reason }
}

fn receive(s: &str, n: &str, quantity: u32) -> Movement {
    movement(s, n, Reason::Receive { quantity, supply: None })
}

fn at(s: &str, n: &str) -> PositionKey {
    PositionKey::new(sku(s), node(n))
}

fn hold(s: &str, n: &str, id: &str, quantity: u32) -> Movement {
    Movement {
        sku: sku(s),
        node: node(n),
        reservation: Some(reservation(id)),
        reason: Reason::Reserve { quantity, channel: channel("web"), expires_at: None, pinned: false },
    }
}

fn position(store: &dyn InventoryStore, s: &str, n: &str) -> Option<Position> {
    store.positions(&[at(s, n)]).unwrap().pop().flatten().map(|p| p.position)
}

/// A batch over two positions is recorded at sequence 1 and reads back through every read.
pub fn applies_a_batch_and_reads_it_back(store: &dyn InventoryStore) {
    let batch = Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 5), receive("TEE", "STORE-NYC", 2)]);
    assert_eq!(store.apply(&batch).unwrap(), Written::Recorded(1));
    let read = store.positions(&[at("TEE", "WH-EAST"), at("TEE", "WH-WEST")]).unwrap();
    assert_eq!(read[0].as_ref().map(|p| p.position.on_hand()), Some(5));
    assert_eq!(read[0].as_ref().map(|p| p.version), Some(Version::new(1)));
    assert!(read[1].is_none());
    let all = store.positions_of(&sku("TEE")).unwrap();
    let nodes: Vec<&str> = all.iter().map(|p| p.node.as_str()).collect();
    assert_eq!(nodes, ["STORE-NYC", "WH-EAST"], "sorted by node id");
    assert!(store.positions_of(&sku("NONE")).unwrap().is_empty());
    let ledger = store.ledger(0, 10).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!((ledger[0].seq, &ledger[0].batch), (1, &batch));
    assert_eq!(store.find_key(&key("k1")).unwrap().map(|r| r.seq), Some(1));
    assert!(store.find_key(&key("k2")).unwrap().is_none());
}

/// A position's version counts the batches that moved it, however many movements each had.
pub fn versions_count_the_batches_that_moved_a_position(store: &dyn InventoryStore) {
    let two = vec![receive("TEE", "WH-EAST", 5), receive("TEE", "WH-EAST", 1)];
    store.apply(&Batch::new(key("k1"), t0(), two)).unwrap();
    store.apply(&Batch::new(key("k2"), t0(), vec![receive("TEE", "WH-EAST", 1)])).unwrap();
    store.apply(&Batch::new(key("k3"), t0(), vec![receive("CAP", "WH-EAST", 1)])).unwrap();
    let read = store.positions(&[at("TEE", "WH-EAST"), at("CAP", "WH-EAST")]).unwrap();
    let versions: Vec<u64> = read.iter().map(|p| p.as_ref().unwrap().version.get()).collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(read[0].as_ref().unwrap().position.on_hand(), 7);
}

/// A second batch with a recorded key returns the original sequence number and changes nothing,
/// even when its movements differ (and even when its versions are stale).
pub fn a_repeated_key_changes_nothing(store: &dyn InventoryStore) {
    store.apply(&Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 5)])).unwrap();
    let again = Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 50)])
        .expecting(at("TEE", "WH-EAST"), ExpectedVersion::NoStream);
    assert_eq!(store.apply(&again).unwrap(), Written::Duplicate(1));
    assert_eq!(position(store, "TEE", "WH-EAST").unwrap().on_hand(), 5);
    assert_eq!(store.ledger(0, 10).unwrap().len(), 1);
}

/// A batch expecting a version the position has moved past conflicts, naming the position and
/// both versions; nothing of it is written.
pub fn a_stale_version_conflicts_and_writes_nothing(store: &dyn InventoryStore) {
    store.apply(&Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 5)])).unwrap();
    let stale = Batch::new(key("k2"), t0(), vec![receive("TEE", "WH-EAST", 1), receive("CAP", "WH-EAST", 1)])
        .expecting(at("TEE", "WH-EAST"), ExpectedVersion::NoStream);
    match store.apply(&stale) {
        Err(StoreError::Conflict { sku: s, node: n, expected, actual }) => {
            assert_eq!((s, n), (sku("TEE"), node("WH-EAST")));
            assert_eq!((expected, actual), (ExpectedVersion::NoStream, Version::new(1)));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(position(store, "TEE", "WH-EAST").unwrap().on_hand(), 5);
    assert!(position(store, "CAP", "WH-EAST").is_none());
    let fresh = Batch::new(key("k2"), t0(), vec![receive("TEE", "WH-EAST", 1)])
        .expecting(at("TEE", "WH-EAST"), ExpectedVersion::Exactly(Version::new(1)));
    assert_eq!(store.apply(&fresh).unwrap(), Written::Recorded(2));
}

/// A batch that only read a position (to check a channel's figure) still conflicts when another
/// writer moved it: no write skew across the nodes of a pool.
pub fn a_position_only_read_is_checked_too(store: &dyn InventoryStore) {
    store
        .apply(&Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 5), receive("TEE", "WH-WEST", 5)]))
        .unwrap();
    let decided = Batch::new(key("k2"), t0(), vec![hold("TEE", "WH-EAST", "R-1", 1)])
        .expecting(at("TEE", "WH-EAST"), ExpectedVersion::Exactly(Version::new(1)))
        .expecting(at("TEE", "WH-WEST"), ExpectedVersion::Exactly(Version::new(1)));
    store.apply(&Batch::new(key("k3"), t0(), vec![hold("TEE", "WH-WEST", "R-2", 5)])).unwrap();
    assert!(matches!(store.apply(&decided), Err(StoreError::Conflict { node: n, .. }) if n == node("WH-WEST")));
    assert_eq!(position(store, "TEE", "WH-EAST").unwrap().reserved(), 0);
}

/// One movement that does not fit (on hand would go negative) refuses the batch, naming the
/// position; the movements before it in the batch are not written either.
pub fn a_movement_that_does_not_fit_refuses_the_whole_batch(store: &dyn InventoryStore) {
    store.apply(&Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 2)])).unwrap();
    let batch = Batch::new(
        key("k2"),
        t0(),
        vec![receive("CAP", "WH-EAST", 9), movement("TEE", "WH-EAST", Reason::Adjust { delta: -3 })],
    );
    match store.apply(&batch) {
        Err(StoreError::Refused {
            sku: s,
            node: n,
            problem: PositionProblem::NotEnough { has: 2, wanted: 3, .. },
            key: k,
        }) => {
            assert_eq!((s, n, k), (sku("TEE"), node("WH-EAST"), key("k2")));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(position(store, "CAP", "WH-EAST").is_none());
    assert_eq!(position(store, "TEE", "WH-EAST").unwrap().on_hand(), 2);
    assert_eq!(store.ledger(0, 10).unwrap().len(), 1);
    assert!(store.find_key(&key("k2")).unwrap().is_none(), "a refused batch does not burn its key");
}

/// Holding more than a node has available to promise is refused (the check constraint behind
/// "never oversell"), unless the position allows backorders.
pub fn commitments_beyond_available_are_refused(store: &dyn InventoryStore) {
    store.apply(&Batch::new(key("k1"), t0(), vec![receive("TEE", "WH-EAST", 3)])).unwrap();
    let over = Batch::new(key("k2"), t0(), vec![hold("TEE", "WH-EAST", "R-1", 4)]);
    assert!(matches!(
        store.apply(&over),
        Err(StoreError::Refused { problem: PositionProblem::NotAvailable { available: 3, requested: 4 }, .. })
    ));
    let backorder = movement("TEE", "WH-EAST", Reason::Backorder { allowed: true });
    store.apply(&Batch::new(key("k3"), t0(), vec![backorder, hold("TEE", "WH-EAST", "R-1", 4)])).unwrap();
    let p = position(store, "TEE", "WH-EAST").unwrap();
    assert_eq!((p.reserved(), p.atp()), (4, -1));
}

/// A batch without movements is refused.
pub fn empty_batches_are_refused(store: &dyn InventoryStore) {
    assert!(matches!(store.apply(&Batch::new(key("k1"), t0(), vec![])), Err(StoreError::InvalidBatch { .. })));
    assert!(store.ledger(0, 10).unwrap().is_empty());
}

/// Expected supply is kept with the position; receipts against it reduce it; a cancellation
/// must name the quantity still expected.
pub fn inbound_supply_is_folded(store: &dyn InventoryStore) {
    let po = crate::SupplyId::new("PO-1").unwrap();
    let expect =
        Reason::ExpectSupply { supply: po.clone(), kind: SupplyKind::PurchaseOrder, quantity: 10, expected_at: t0() };
    store.apply(&Batch::new(key("k1"), t0(), vec![movement("TEE", "WH-EAST", expect)])).unwrap();
    let receipt = Reason::Receive { quantity: 4, supply: Some(po.clone()) };
    store.apply(&Batch::new(key("k2"), t0(), vec![movement("TEE", "WH-EAST", receipt)])).unwrap();
    let read = store.positions(&[at("TEE", "WH-EAST")]).unwrap().pop().flatten().unwrap();
    let expected =
        InboundSupply { supply: po.clone(), kind: SupplyKind::PurchaseOrder, quantity: 6, expected_at: t0() };
    assert_eq!((read.position.on_hand(), read.inbound), (4, vec![expected]));
    let wrong = Reason::CancelSupply { supply: po.clone(), quantity: 10 };
    assert!(store.apply(&Batch::new(key("k3"), t0(), vec![movement("TEE", "WH-EAST", wrong)])).is_err());
    let cancel = Reason::CancelSupply { supply: po, quantity: 6 };
    store.apply(&Batch::new(key("k3"), t0(), vec![movement("TEE", "WH-EAST", cancel)])).unwrap();
    assert!(store.positions(&[at("TEE", "WH-EAST")]).unwrap()[0].as_ref().unwrap().inbound.is_empty());
}

/// `ledger(after, limit)` pages through the batches in order without gaps.
pub fn the_ledger_pages_in_order(store: &dyn InventoryStore) {
    for i in 1..=5 {
        store.apply(&Batch::new(key(&format!("k{i}")), t0(), vec![receive("TEE", "WH-EAST", i)])).unwrap();
    }
    let page: Vec<u64> = store.ledger(2, 2).unwrap().iter().map(|r| r.seq).collect();
    assert_eq!(page, [3, 4]);
    assert_eq!(store.ledger(5, 10).unwrap().len(), 0);
    assert_eq!(store.ledger(0, 100).unwrap().iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
}

const SKUS: [&str; 4] = ["S0", "S1", "S2", "S3"];
const NODES: [&str; 2] = ["WH-EAST", "WH-WEST"];

/// Eight threads race 10,000 two-sku reservations for 2,000 units through the port, each reading
/// the positions, choosing nodes with free stock and writing with the versions it read
/// (re-reading on conflict). Afterwards no position is oversold, the reserved units equal the
/// units of the won reservations, every won batch is in the ledger, and refolding the ledger
/// gives the stored positions and versions.
pub fn racing_reservations_never_oversell(store: &dyn InventoryStore) {
    const THREADS: usize = 8;
    const ATTEMPTS: usize = 10_000;
    let stock: Vec<Movement> = SKUS.iter().flat_map(|s| NODES.iter().map(move |n| receive(s, n, 250))).collect();
    store.apply(&Batch::new(key("stock"), t0(), stock)).unwrap();
    let won = AtomicU64::new(0);
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (won, barrier) = (&won, &barrier);
            scope.spawn(move || {
                barrier.wait();
                for i in (t..ATTEMPTS).step_by(THREADS) {
                    let pair = [SKUS[i % 4], SKUS[(i + 1) % 4]];
                    let keys: Vec<PositionKey> =
                        pair.iter().flat_map(|s| NODES.iter().map(move |n| at(s, n))).collect();
                    loop {
                        let read = store.positions(&keys).unwrap();
                        let free_node = |s: usize| {
                            (0..2).find(|&j| read[s * 2 + j].as_ref().is_some_and(|p| p.position.free() > 0))
                        };
                        let (Some(a), Some(b)) = (free_node(0), free_node(1)) else { break };
                        let id = format!("R-{i}");
                        let movements = vec![hold(pair[0], NODES[a], &id, 1), hold(pair[1], NODES[b], &id, 1)];
                        let batch = read.iter().zip(&keys).fold(
                            Batch::new(key(&format!("race-{i}")), t0(), movements),
                            |batch, (p, k)| {
                                let version = p
                                    .as_ref()
                                    .map_or(ExpectedVersion::NoStream, |p| ExpectedVersion::Exactly(p.version));
                                batch.expecting(k.clone(), version)
                            },
                        );
                        match store.apply(&batch) {
                            Ok(Written::Recorded(_)) => {
                                won.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                            Err(StoreError::Conflict { .. }) => continue,
                            other => panic!("attempt {i}: {other:?}"),
                        }
                    }
                }
            });
        }
    });
    let won = won.load(Ordering::Relaxed);
    assert!(won > 0 && won <= 1_000, "{won} reservations won");
    let mut reserved = 0u64;
    for s in SKUS {
        for n in NODES {
            let p = position(store, s, n).unwrap();
            assert!(p.reserved() <= p.on_hand() && p.atp() >= 0, "{s} at {n} oversold: {p:?}");
            reserved += u64::from(p.reserved());
        }
    }
    assert_eq!(reserved, 2 * won, "reserved units equal the won reservations' units");
    let ledger = store.ledger(0, usize::MAX).unwrap();
    assert_eq!(ledger.len() as u64, 1 + won, "every won batch is in the ledger, and only those");
    let mut refold: std::collections::BTreeMap<PositionKey, (Position, u64)> = Default::default();
    for recorded in &ledger {
        let mut touched = std::collections::BTreeSet::new();
        for m in recorded.batch.movements() {
            let key = PositionKey::new(m.sku.clone(), m.node.clone());
            refold.entry(key.clone()).or_default().0.apply(&m.reason).unwrap();
            touched.insert(key);
        }
        for key in touched {
            refold.entry(key).or_default().1 += 1;
        }
    }
    for (k, (p, version)) in refold {
        let stored = store.positions(std::slice::from_ref(&k)).unwrap().pop().flatten().unwrap();
        assert_eq!((stored.position, stored.version.get()), (p, version), "{k}");
    }
}

/// Eight engines ([`SyncedInventory`] replicas, like eight application servers) share the
/// store and race 800 reservations of one unit for 400 units. Exactly the stock is reserved,
/// never more; each engine, caught up, holds every won reservation; and each equals a replay of
/// the ledger.
pub fn racing_engines_never_oversell(store: &dyn InventoryStore) {
    const THREADS: usize = 8;
    const ATTEMPTS: usize = 800;
    let replicas: Vec<SyncedInventory<&dyn InventoryStore>> =
        (0..THREADS).map(|_| SyncedInventory::new(store, network()).unwrap().with_attempts(10_000)).collect();
    for (i, n) in NODES.iter().enumerate() {
        let receive = Command::Receive { sku: sku("TEE"), node: node(n), quantity: 200, supply: None };
        replicas[i].execute(&key(&format!("stock-{n}")), &receive, t0()).unwrap();
    }
    let won = AtomicU64::new(0);
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        for (t, replica) in replicas.iter().enumerate() {
            let (won, barrier) = (&won, &barrier);
            scope.spawn(move || {
                barrier.wait();
                for i in (t..ATTEMPTS).step_by(THREADS) {
                    let command = super::fixtures::reserve(&format!("R-{i}"), "web", &[("TEE", 1)]);
                    match replica.execute(&key(&format!("race-{i}")), &command, t0()) {
                        Ok(done) => {
                            assert!(matches!(done.outcome, Outcome::Reserved { .. }), "{:?}", done.outcome);
                            won.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(Error::NotEnoughStock { .. }) => {}
                        Err(e) => panic!("attempt {i}: {e}"),
                    }
                }
            });
        }
    });
    assert_eq!(won.load(Ordering::Relaxed), 400, "exactly the stock was reserved");
    let ledger: Vec<Batch> = store.ledger(0, usize::MAX).unwrap().into_iter().map(|r| r.batch).collect();
    let replayed = crate::Inventory::replay(network(), &ledger).unwrap();
    for replica in &replicas {
        replica.refresh().unwrap();
        replica.read(|engine| {
            assert_eq!(engine.open_reservations().len(), 400);
            assert!(*engine == replayed, "a caught-up engine equals the replayed ledger");
        });
    }
    for n in NODES {
        let p = position(store, "TEE", n).unwrap();
        assert_eq!((p.reserved(), p.on_hand()), (200, 200), "{n}");
    }
}
