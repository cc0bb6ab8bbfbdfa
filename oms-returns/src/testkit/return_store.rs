//! The [`ReturnStore`] conformance suite.
//!
//! Every function takes a fresh, empty store and checks one behaviour of the contract. Run
//! them all with [`return_store_conformance!`](crate::return_store_conformance):
//!
//! ```
//! mod in_memory {
//!     oms_returns::return_store_conformance!(oms_returns::InMemoryReturnStore::new());
//! }
//! ```

use std::sync::Barrier;

use oms_core::{Actor, ExpectedVersion, IdempotencyKey, Metadata, OrderId, Version};

use crate::testkit::fixtures::{self, day, envelope, requested_event, rma};
use crate::{ReturnEvent, ReturnStore, ReturnStoreError, ReturnStoreExt, RmaStatus};

fn id(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

fn approved(rma_id: &str, due_day: i64) -> ReturnEvent {
    ReturnEvent::Approved { rma: rma(rma_id), expires_at: day(due_day), replacement: None }
}

/// Expands to one `#[test]` per conformance case, each on a fresh store from `$setup`.
///
/// Invoke it inside its own module; `$setup` is evaluated once per test and must give a
/// value implementing [`ReturnStore`](crate::ReturnStore).
#[macro_export]
macro_rules! return_store_conformance {
    ($setup:expr) => {
        $crate::return_store_conformance!(@cases $setup;
            append_then_read,
            read_after_a_version,
            unknown_order_reads_empty,
            stale_expected_version_conflicts,
            no_stream_conflicts_when_returns_exist,
            two_writers_race_and_exactly_one_wins,
            invalid_batches_are_refused_whole,
            rma_ids_are_unique_across_orders,
            finds_the_order_of_an_rma,
            lists_rmas_awaiting_arrival,
            finds_events_by_idempotency_key,
            load_returns_rebuilds_the_state,
        );
    };
    (@cases $setup:expr; $($case:ident,)+) => {
        $(
            #[test]
            fn $case() {
                let store = $setup;
                $crate::testkit::return_store::$case(&store);
            }
        )+
    };
}

/// Appended events read back identically, in order, and the new version is returned.
pub fn append_then_read(store: &dyn ReturnStore) {
    let first = [envelope(1, requested_event("R-1", 2, 1)), envelope(2, approved("R-1", 20))];
    assert_eq!(store.append(&id("O-1"), ExpectedVersion::NoStream, &first).unwrap(), Version::new(2));
    let more = [envelope(3, ReturnEvent::Shipped { rma: rma("R-1"), tracking: Some("UPS 1Z".into()) })];
    assert_eq!(store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(2)), &more).unwrap(), Version::new(3));
    let all = store.read(&id("O-1"), Version::ZERO).unwrap();
    assert_eq!(all, [first[0].clone(), first[1].clone(), more[0].clone()]);
}

/// `read(after)` returns only the events above `after`.
pub fn read_after_a_version(store: &dyn ReturnStore) {
    let batch = [envelope(1, requested_event("R-1", 2, 1)), envelope(2, approved("R-1", 20))];
    store.append(&id("O-1"), ExpectedVersion::NoStream, &batch).unwrap();
    let tail = store.read(&id("O-1"), Version::new(1)).unwrap();
    assert_eq!(tail.iter().map(|e| e.version).collect::<Vec<_>>(), [Version::new(2)]);
    assert!(store.read(&id("O-1"), Version::new(2)).unwrap().is_empty());
    assert!(store.read(&id("O-1"), Version::new(99)).unwrap().is_empty());
}

/// An order without returns reads as no events and loads as empty returns at version 0.
pub fn unknown_order_reads_empty(store: &dyn ReturnStore) {
    assert!(store.read(&id("nobody"), Version::ZERO).unwrap().is_empty());
    let returns = store.load_returns(&id("nobody")).unwrap();
    assert_eq!((returns.version(), returns.rmas().len()), (Version::ZERO, 0));
    assert_eq!(store.find_order(&rma("R-none")).unwrap(), None);
}

/// Appending at a version the stream has moved past fails with a conflict carrying both
/// versions, and writes nothing.
pub fn stale_expected_version_conflicts(store: &dyn ReturnStore) {
    store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-1", 2, 1))]).unwrap();
    store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(1)), &[envelope(2, approved("R-1", 20))]).unwrap();
    match store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(1)), &[envelope(2, approved("R-1", 20))]) {
        Err(ReturnStoreError::Conflict { order, expected, actual }) => {
            assert_eq!(order, id("O-1"));
            assert_eq!(expected, ExpectedVersion::Exactly(Version::new(1)));
            assert_eq!(actual, Version::new(2));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.read(&id("O-1"), Version::ZERO).unwrap().len(), 2);
}

/// `NoStream` on an order that has returns conflicts.
pub fn no_stream_conflicts_when_returns_exist(store: &dyn ReturnStore) {
    store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-1", 2, 1))]).unwrap();
    let again = store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-2", 1, 1))]);
    assert!(
        matches!(again, Err(ReturnStoreError::Conflict { actual, expected: ExpectedVersion::NoStream, .. }) if actual == Version::new(1)),
        "{again:?}"
    );
    assert_eq!(store.find_order(&rma("R-2")).unwrap(), None);
}

/// Two threads append at the same expected version, many times over: each time exactly one
/// wins, the other gets a conflict, and no event is lost or doubled.
pub fn two_writers_race_and_exactly_one_wins(store: &dyn ReturnStore) {
    const ROUNDS: u64 = 50;
    store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-1", 0, 1))]).unwrap();
    for round in 0..ROUNDS {
        let at = Version::new(1 + round);
        let barrier = Barrier::new(2);
        let results: Vec<Result<Version, ReturnStoreError>> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        let event = ReturnEvent::Shipped { rma: rma("R-1"), tracking: None };
                        store.append(&id("O-1"), ExpectedVersion::Exactly(at), &[envelope(at.get() + 1, event)])
                    })
                })
                .collect();
            writers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(ReturnStoreError::Conflict { expected, actual, .. }) if *expected == ExpectedVersion::Exactly(at) && *actual == at.next()))
            .count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {results:?}");
    }
    let events = store.read(&id("O-1"), Version::ZERO).unwrap();
    assert_eq!(events.len() as u64, ROUNDS + 1);
    assert!(events.iter().enumerate().all(|(i, e)| e.version == Version::new(i as u64 + 1)));
}

/// Empty batches, version gaps, and events about RMAs the order never requested are refused,
/// and nothing of the batch is written.
pub fn invalid_batches_are_refused_whole(store: &dyn ReturnStore) {
    let refused = |result: Result<Version, ReturnStoreError>| {
        assert!(matches!(result, Err(ReturnStoreError::InvalidWrite { .. })), "{result:?}");
    };
    refused(store.append(&id("O-1"), ExpectedVersion::NoStream, &[]));
    refused(store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(2, requested_event("R-1", 2, 1))]));
    refused(store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, approved("R-1", 20))]));
    refused(store.append(
        &id("O-1"),
        ExpectedVersion::NoStream,
        &[envelope(1, requested_event("R-1", 2, 1)), envelope(3, approved("R-1", 20))],
    ));
    assert!(store.read(&id("O-1"), Version::ZERO).unwrap().is_empty());
    assert_eq!(store.find_order(&rma("R-1")).unwrap(), None);
    assert!(store.awaiting_arrival(day(99)).unwrap().is_empty());

    store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-1", 2, 1))]).unwrap();
    store.append(&id("O-2"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-2", 2, 1))]).unwrap();
    // O-1 may not write about O-2's RMA.
    refused(store.append(&id("O-1"), ExpectedVersion::Any, &[envelope(2, approved("R-2", 20))]));
    assert_eq!(store.read(&id("O-1"), Version::ZERO).unwrap().len(), 1);
}

/// A request reusing an RMA id of any order, or twice in one batch, is refused and not written.
pub fn rma_ids_are_unique_across_orders(store: &dyn ReturnStore) {
    store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-1", 2, 1))]).unwrap();
    match store.append(&id("O-2"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-1", 0, 1))]) {
        Err(ReturnStoreError::DuplicateRma { rma: r, existing }) => {
            assert_eq!((r, existing), (rma("R-1"), id("O-1")));
        }
        other => panic!("expected a duplicate rma, got {other:?}"),
    }
    let twice = [envelope(1, requested_event("R-2", 2, 1)), envelope(2, requested_event("R-2", 1, 1))];
    assert!(matches!(
        store.append(&id("O-2"), ExpectedVersion::NoStream, &twice),
        Err(ReturnStoreError::DuplicateRma { .. })
    ));
    assert!(store.read(&id("O-2"), Version::ZERO).unwrap().is_empty());
    assert_eq!(store.find_order(&rma("R-2")).unwrap(), None);
}

/// Every requested RMA is found under its order.
pub fn finds_the_order_of_an_rma(store: &dyn ReturnStore) {
    let batch = [envelope(1, requested_event("R-1", 2, 1)), envelope(2, requested_event("R-2", 1, 1))];
    store.append(&id("O-1"), ExpectedVersion::NoStream, &batch).unwrap();
    store.append(&id("O-2"), ExpectedVersion::NoStream, &[envelope(1, requested_event("R-3", 2, 1))]).unwrap();
    assert_eq!(store.find_order(&rma("R-1")).unwrap(), Some(id("O-1")));
    assert_eq!(store.find_order(&rma("R-2")).unwrap(), Some(id("O-1")));
    assert_eq!(store.find_order(&rma("R-3")).unwrap(), Some(id("O-2")));
}

/// Approval starts the wait for goods; receipt, expiry and cancellation end it. The listing is
/// cut at `due_by`, earliest deadline first.
pub fn lists_rmas_awaiting_arrival(store: &dyn ReturnStore) {
    let o1 = [
        envelope(1, requested_event("R-1", 2, 1)),
        envelope(2, approved("R-1", 20)),
        envelope(3, requested_event("R-2", 1, 1)),
        envelope(4, approved("R-2", 10)),
    ];
    store.append(&id("O-1"), ExpectedVersion::NoStream, &o1).unwrap();
    let o2 = [envelope(1, requested_event("R-3", 2, 1)), envelope(2, approved("R-3", 15))];
    store.append(&id("O-2"), ExpectedVersion::NoStream, &o2).unwrap();
    let due = |by: i64| -> Vec<String> {
        store.awaiting_arrival(day(by)).unwrap().iter().map(|d| format!("{}/{}", d.order, d.rma)).collect()
    };
    assert_eq!(due(99), ["O-1/R-2", "O-2/R-3", "O-1/R-1"]);
    assert_eq!(due(15), ["O-1/R-2", "O-2/R-3"]);
    assert!(due(9).is_empty());

    let received =
        ReturnEvent::Received { rma: rma("R-2"), node: "DC".parse().unwrap(), items: vec![], unexpected: vec![] };
    store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(4)), &[envelope(5, received)]).unwrap();
    let expired = ReturnEvent::Expired { rma: rma("R-3"), charge: None };
    store.append(&id("O-2"), ExpectedVersion::Exactly(Version::new(2)), &[envelope(3, expired)]).unwrap();
    assert_eq!(due(99), ["O-1/R-1"]);
    let listed = store.awaiting_arrival(day(99)).unwrap();
    assert_eq!(listed[0].due, day(20));
}

/// Events recorded under an idempotency key are found by it; an unknown key finds nothing.
pub fn finds_events_by_idempotency_key(store: &dyn ReturnStore) {
    let key: IdempotencyKey = "req-7".parse().unwrap();
    let mut first = envelope(1, requested_event("R-1", 2, 1));
    first.metadata = Metadata::by(Actor::System).with_key(key.clone());
    let mut second = envelope(2, approved("R-1", 20));
    second.metadata = first.metadata.clone();
    store.append(&id("O-1"), ExpectedVersion::NoStream, &[first.clone(), second.clone()]).unwrap();
    store
        .append(
            &id("O-1"),
            ExpectedVersion::Exactly(Version::new(2)),
            &[envelope(3, ReturnEvent::Shipped { rma: rma("R-1"), tracking: None })],
        )
        .unwrap();
    assert_eq!(store.find_by_key(&id("O-1"), &key).unwrap(), [first, second]);
    assert!(store.find_by_key(&id("O-1"), &"other".parse().unwrap()).unwrap().is_empty());
    assert!(store.find_by_key(&id("O-2"), &key).unwrap().is_empty());
}

/// Events decided by the aggregate round-trip through the store: loading rebuilds the state.
pub fn load_returns_rebuilds_the_state(store: &dyn ReturnStore) {
    let mut test = crate::testkit::ReturnTest::new(fixtures::tee_order(), crate::ReturnPolicy::standard());
    test.run(fixtures::request("R-1", &[("1", 2, crate::ReturnReason::WrongSize)]));
    test.run(fixtures::receive("R-1", "DC-1", &[("1", 2)]));
    test.run(fixtures::inspect("R-1", &[("1", 2, crate::Disposition::Restock)]));
    test.run(fixtures::refund("R-1"));
    let envelopes: Vec<_> = test.history().iter().enumerate().map(|(i, e)| envelope(i as u64 + 1, e.clone())).collect();
    store.append(&id("O-1"), ExpectedVersion::NoStream, &envelopes).unwrap();
    let loaded = store.load_returns(&id("O-1")).unwrap();
    assert_eq!(&loaded, test.returns());
    assert_eq!(loaded.rma(&rma("R-1")).map(|r| r.status()), Some(RmaStatus::Refunded));
}
