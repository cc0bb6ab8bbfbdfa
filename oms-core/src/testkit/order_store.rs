//! The [`OrderStore`] conformance suite.
//!
//! Every function takes a fresh, empty store and checks one behaviour of the contract. Run
//! them all with [`order_store_conformance!`](crate::order_store_conformance):
//!
//! ```
//! mod in_memory {
//!     oms_core::order_store_conformance!(oms_core::InMemoryOrderStore::new());
//! }
//! ```

use std::sync::Barrier;

use crate::testkit::fixtures::{captured, draft, envelope, t0};
use crate::{ExpectedVersion, LineStatus, OrderEvent, OrderId, OrderStore, OrderStoreExt, StoreError, Version};

fn id(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

fn reserve(line: &str, quantity: u32) -> OrderEvent {
    OrderEvent::LineReserved { line: line.parse().unwrap(), from: LineStatus::Open, quantity }
}

/// Expands to one `#[test]` per conformance case, each on a fresh store from `$setup`.
///
/// Invoke it inside its own module; `$setup` is evaluated once per test and must give a
/// value implementing [`OrderStore`](crate::OrderStore).
#[macro_export]
macro_rules! order_store_conformance {
    ($setup:expr) => {
        $crate::order_store_conformance!(@cases $setup;
            append_then_read,
            read_after_a_version,
            unknown_order_reads_empty,
            stale_expected_version_conflicts,
            no_stream_conflicts_when_the_order_exists,
            two_writers_race_and_exactly_one_wins,
            invalid_batches_are_refused_whole,
            duplicate_channel_order_is_refused,
            finds_by_external_id,
            lists_customer_orders_across_channels,
            snapshots_round_trip,
            load_order_replays_after_the_snapshot,
            finds_events_by_idempotency_key,
        );
    };
    (@cases $setup:expr; $($case:ident,)+) => {
        $(
            #[test]
            fn $case() {
                let store = $setup;
                $crate::testkit::order_store::$case(&store);
            }
        )+
    };
}

/// Appended events read back identically, in order, and the new version is returned.
pub fn append_then_read(store: &dyn OrderStore) {
    let first = captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]));
    assert_eq!(
        store.append(&id("O-1"), ExpectedVersion::NoStream, std::slice::from_ref(&first)).unwrap(),
        Version::new(1)
    );
    let more = [envelope(2, reserve("1", 1)), envelope(3, reserve("1", 2))];
    assert_eq!(store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(1)), &more).unwrap(), Version::new(3));
    let all = store.read(&id("O-1"), Version::ZERO).unwrap();
    assert_eq!(all, vec![first, more[0].clone(), more[1].clone()]);
}

/// `read(after)` returns only the events above `after`.
pub fn read_after_a_version(store: &dyn OrderStore) {
    let first = captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]));
    store.append(&id("O-1"), ExpectedVersion::NoStream, &[first, envelope(2, reserve("1", 1))]).unwrap();
    let tail = store.read(&id("O-1"), Version::new(1)).unwrap();
    assert_eq!(tail.iter().map(|e| e.version).collect::<Vec<_>>(), [Version::new(2)]);
    assert!(store.read(&id("O-1"), Version::new(2)).unwrap().is_empty());
    assert!(store.read(&id("O-1"), Version::new(99)).unwrap().is_empty());
}

/// An order never written reads as no events and loads as `None`.
pub fn unknown_order_reads_empty(store: &dyn OrderStore) {
    assert!(store.read(&id("nobody"), Version::ZERO).unwrap().is_empty());
    assert!(store.load_order(&id("nobody")).unwrap().is_none());
    assert!(store.load_snapshot(&id("nobody")).unwrap().is_none());
}

/// Appending at a version the stream has moved past fails with a conflict carrying both
/// versions, and writes nothing.
pub fn stale_expected_version_conflicts(store: &dyn OrderStore) {
    store
        .append(&id("O-1"), ExpectedVersion::NoStream, &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]))])
        .unwrap();
    store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(1)), &[envelope(2, reserve("1", 1))]).unwrap();
    match store.append(&id("O-1"), ExpectedVersion::Exactly(Version::new(1)), &[envelope(2, reserve("1", 1))]) {
        Err(StoreError::Conflict { order, expected, actual }) => {
            assert_eq!(order, id("O-1"));
            assert_eq!(expected, ExpectedVersion::Exactly(Version::new(1)));
            assert_eq!(actual, Version::new(2));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.read(&id("O-1"), Version::ZERO).unwrap().len(), 2);
}

/// `NoStream` on an existing order conflicts.
pub fn no_stream_conflicts_when_the_order_exists(store: &dyn OrderStore) {
    let first = captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]));
    store.append(&id("O-1"), ExpectedVersion::NoStream, std::slice::from_ref(&first)).unwrap();
    let again = store.append(&id("O-1"), ExpectedVersion::NoStream, &[first]);
    assert!(
        matches!(again, Err(StoreError::Conflict { actual, expected: ExpectedVersion::NoStream, .. }) if actual == Version::new(1)),
        "{again:?}"
    );
}

/// Two threads append at the same expected version, many times over: each time exactly one
/// wins, the other gets a conflict, and no event is lost or doubled.
pub fn two_writers_race_and_exactly_one_wins(store: &dyn OrderStore) {
    const ROUNDS: u64 = 50;
    store
        .append(&id("O-1"), ExpectedVersion::NoStream, &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 1000)]))])
        .unwrap();
    for round in 0..ROUNDS {
        let at = Version::new(1 + round);
        let barrier = Barrier::new(2);
        let results: Vec<Result<Version, StoreError>> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        store.append(
                            &id("O-1"),
                            ExpectedVersion::Exactly(at),
                            &[envelope(at.get() + 1, reserve("1", 1))],
                        )
                    })
                })
                .collect();
            writers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict { expected, actual, .. }) if *expected == ExpectedVersion::Exactly(at) && *actual == at.next()))
            .count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {results:?}");
    }
    let events = store.read(&id("O-1"), Version::ZERO).unwrap();
    assert_eq!(events.len() as u64, ROUNDS + 1);
    assert!(events.iter().enumerate().all(|(i, e)| e.version == Version::new(i as u64 + 1)));
}

/// Empty batches, version gaps, a new stream that does not start with its own capture, and a
/// capture that is not first are refused, and nothing of the batch is written.
pub fn invalid_batches_are_refused_whole(store: &dyn OrderStore) {
    let first = captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]));
    let refused = |result: Result<Version, StoreError>| {
        assert!(matches!(result, Err(StoreError::InvalidWrite { .. })), "{result:?}");
    };
    refused(store.append(&id("O-1"), ExpectedVersion::NoStream, &[]));
    refused(store.append(&id("O-1"), ExpectedVersion::NoStream, &[envelope(1, reserve("1", 1))]));
    refused(store.append(&id("O-2"), ExpectedVersion::NoStream, std::slice::from_ref(&first)));
    refused(store.append(&id("O-1"), ExpectedVersion::NoStream, &[first.clone(), envelope(3, reserve("1", 1))]));
    assert!(store.read(&id("O-1"), Version::ZERO).unwrap().is_empty());
    assert!(store.read(&id("O-2"), Version::ZERO).unwrap().is_empty());
    store.append(&id("O-1"), ExpectedVersion::NoStream, std::slice::from_ref(&first)).unwrap();
    let mut capture_again = first;
    capture_again.version = Version::new(3);
    refused(store.append(&id("O-1"), ExpectedVersion::Any, &[envelope(2, reserve("1", 1)), capture_again]));
    assert_eq!(store.read(&id("O-1"), Version::ZERO).unwrap().len(), 1);
}

/// A second order with a channel order number already captured is refused and not written.
pub fn duplicate_channel_order_is_refused(store: &dyn OrderStore) {
    store
        .append(&id("O-1"), ExpectedVersion::NoStream, &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]))])
        .unwrap();
    let result = store.append(
        &id("O-2"),
        ExpectedVersion::NoStream,
        &[captured(&draft("O-2", "E-1", "C-2", &[("1", "CAP", 1)]))],
    );
    match result {
        Err(StoreError::DuplicateExternalOrder { existing, external_order_id, .. }) => {
            assert_eq!(existing, id("O-1"));
            assert_eq!(external_order_id.as_str(), "E-1");
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert!(store.read(&id("O-2"), Version::ZERO).unwrap().is_empty());
    assert!(store.customer_orders(&"C-2".parse().unwrap()).unwrap().is_empty());
}

/// A captured order is found by its channel and channel order number, and only by both.
pub fn finds_by_external_id(store: &dyn OrderStore) {
    store
        .append(&id("O-1"), ExpectedVersion::NoStream, &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]))])
        .unwrap();
    let web = "web".parse().unwrap();
    assert_eq!(store.find_by_external_id(&web, &"E-1".parse().unwrap()).unwrap(), Some(id("O-1")));
    assert_eq!(store.find_by_external_id(&web, &"E-2".parse().unwrap()).unwrap(), None);
    assert_eq!(store.find_by_external_id(&"pos".parse().unwrap(), &"E-1".parse().unwrap()).unwrap(), None);
}

/// A customer's orders from every channel come back oldest first, ties by order id.
pub fn lists_customer_orders_across_channels(store: &dyn OrderStore) {
    let mut later = draft("O-3", "M-9", "C-1", &[("1", "TEE", 1)]);
    later.channel.id = "marketplace".into();
    later.channel.kind = crate::ChannelKind::Marketplace;
    later.placed_at = t0() + chrono::Duration::hours(1);
    for d in [
        later,
        draft("O-2", "E-2", "C-1", &[("1", "CAP", 1)]),
        draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]),
        draft("O-9", "E-9", "C-2", &[("1", "TEE", 1)]),
    ] {
        store.append(&id(&d.order_id), ExpectedVersion::NoStream, &[captured(&d)]).unwrap();
    }
    let orders = store.customer_orders(&"C-1".parse().unwrap()).unwrap();
    let ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["O-1", "O-2", "O-3"]);
    assert_eq!(orders[2].channel.id.as_str(), "marketplace");
    assert_eq!(orders[0].total.amount(), rust_decimal::Decimal::new(2000, 2));
    assert!(store.customer_orders(&"C-404".parse().unwrap()).unwrap().is_empty());
}

/// A snapshot reads back equal; an older one does not replace a newer; one ahead of its
/// stream is refused.
pub fn snapshots_round_trip(store: &dyn OrderStore) {
    store
        .append(
            &id("O-1"),
            ExpectedVersion::NoStream,
            &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)])), envelope(2, reserve("1", 1))],
        )
        .unwrap();
    let old = store.read(&id("O-1"), Version::ZERO).unwrap();
    let at_1 = crate::Order::replay(old.iter().take(1).map(|e| &e.event)).unwrap();
    let at_2 = crate::Order::replay(old.iter().map(|e| &e.event)).unwrap();
    store.save_snapshot(&at_2).unwrap();
    store.save_snapshot(&at_1).unwrap();
    assert_eq!(store.load_snapshot(&id("O-1")).unwrap(), Some(at_2.clone()));
    let mut ahead = at_2;
    ahead.apply(&reserve("1", 1)).unwrap();
    assert!(matches!(store.save_snapshot(&ahead), Err(StoreError::InvalidWrite { .. })));
}

/// Loading an order from a snapshot plus the events after it equals replaying everything.
pub fn load_order_replays_after_the_snapshot(store: &dyn OrderStore) {
    store
        .append(&id("O-1"), ExpectedVersion::NoStream, &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]))])
        .unwrap();
    let snapshot = store.load_order(&id("O-1")).unwrap().unwrap();
    store.save_snapshot(&snapshot).unwrap();
    let cancel = OrderEvent::LineBackordered {
        line: "1".parse().unwrap(),
        from: LineStatus::Open,
        quantity: 1,
        at: t0(),
        expected_at: None,
    };
    store
        .append(
            &id("O-1"),
            ExpectedVersion::Exactly(Version::new(1)),
            &[envelope(2, reserve("1", 1)), envelope(3, cancel)],
        )
        .unwrap();
    let loaded = store.load_order(&id("O-1")).unwrap().unwrap();
    let events = store.read(&id("O-1"), Version::ZERO).unwrap();
    let replayed = crate::Order::replay(events.iter().map(|e| &e.event)).unwrap();
    assert_eq!(loaded, replayed);
    assert_eq!(loaded.version(), Version::new(3));
    assert_eq!(loaded.lines()[0].buckets().get(LineStatus::Backordered), 1);
}

/// Events recorded under an idempotency key are found by it, and only those.
pub fn finds_events_by_idempotency_key(store: &dyn OrderStore) {
    let key: crate::IdempotencyKey = "K-1".parse().unwrap();
    let mut keyed = envelope(2, reserve("1", 1));
    keyed.metadata.idempotency_key = Some(key.clone());
    store
        .append(
            &id("O-1"),
            ExpectedVersion::NoStream,
            &[captured(&draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)])), keyed.clone(), envelope(3, reserve("1", 1))],
        )
        .unwrap();
    assert_eq!(store.find_by_key(&id("O-1"), &key).unwrap(), vec![keyed]);
    assert!(store.find_by_key(&id("O-1"), &"K-2".parse().unwrap()).unwrap().is_empty());
}
