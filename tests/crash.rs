//! The facade's consistency claim under crashes: the process dies between the two stores at
//! every write of a scenario (a fault-injecting wrapper fails that write), a fresh `Oms` is
//! built over the same stores, `recover` runs, the host retries the command with its key, and
//! the scenario goes on. At the end nothing is oversold, every order's footprint in the
//! inventory is exactly what the order records (no lost or doubled allocation), and orders
//! and stock end exactly as in a run without faults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::*;
use oms::core::{
    Actor, ChannelId, CustomerId, ExpectedVersion, ExternalOrderId, FixedClock, FulfillmentDraft, IdempotencyKey,
    InMemoryOrderStore, LineQuantity, LineStatus, Metadata, Order, OrderEnvelope, OrderId, OrderStore, OrderSummary,
    StoreError, Version,
};
use oms::inventory::{
    Batch, InMemoryInventoryStore, InventoryStore, PositionKey, RecordedBatch, StoredPosition, Written,
};
use oms::returns::InMemoryReturnStore;
use oms::{Command, InMemoryOutbox, Oms, Parts, Setup};

/// Counts writes to both stores and fails the one whose number is `fail_at` (once).
#[derive(Debug, Default)]
struct Faults {
    writes: AtomicU64,
    fail_at: AtomicU64,
}

impl Faults {
    fn crash_now(&self) -> bool {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        n == self.fail_at.load(Ordering::SeqCst)
    }
}

fn crash() -> Box<dyn std::error::Error + Send + Sync> {
    "injected crash".into()
}

/// A store wrapper that fails the write the shared counter picks.
#[derive(Debug)]
struct Faulty<S> {
    inner: S,
    faults: Arc<Faults>,
}

impl<S: OrderStore> OrderStore for Faulty<S> {
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<OrderEnvelope>, StoreError> {
        self.inner.read(order, after)
    }
    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[OrderEnvelope],
    ) -> Result<Version, StoreError> {
        if self.faults.crash_now() {
            return Err(StoreError::Backend { source: crash() });
        }
        self.inner.append(order, expected, events)
    }
    fn find_by_external_id(
        &self,
        channel: &ChannelId,
        external: &ExternalOrderId,
    ) -> Result<Option<OrderId>, StoreError> {
        self.inner.find_by_external_id(channel, external)
    }
    fn customer_orders(&self, customer: &CustomerId) -> Result<Vec<OrderSummary>, StoreError> {
        self.inner.customer_orders(customer)
    }
    fn save_snapshot(&self, order: &Order) -> Result<(), StoreError> {
        self.inner.save_snapshot(order)
    }
    fn load_snapshot(&self, order: &OrderId) -> Result<Option<Order>, StoreError> {
        self.inner.load_snapshot(order)
    }
    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<OrderEnvelope>, StoreError> {
        self.inner.find_by_key(order, key)
    }
}

impl<S: InventoryStore> InventoryStore for Faulty<S> {
    fn apply(&self, batch: &Batch) -> Result<Written, oms::inventory::StoreError> {
        if self.faults.crash_now() {
            return Err(oms::inventory::StoreError::Backend { source: crash() });
        }
        self.inner.apply(batch)
    }
    fn positions(&self, keys: &[PositionKey]) -> Result<Vec<Option<StoredPosition>>, oms::inventory::StoreError> {
        self.inner.positions(keys)
    }
    fn positions_of(&self, sku: &oms::core::Sku) -> Result<Vec<StoredPosition>, oms::inventory::StoreError> {
        self.inner.positions_of(sku)
    }
    fn ledger(&self, after: u64, limit: usize) -> Result<Vec<RecordedBatch>, oms::inventory::StoreError> {
        self.inner.ledger(after, limit)
    }
    fn find_key(&self, key: &IdempotencyKey) -> Result<Option<RecordedBatch>, oms::inventory::StoreError> {
        self.inner.find_key(key)
    }
}

type Stores = (Arc<Faulty<InMemoryOrderStore>>, Arc<Faulty<InMemoryInventoryStore>>, Arc<InMemoryReturnStore>);
type TestOms = Oms<
    Arc<Faulty<InMemoryOrderStore>>,
    Arc<Faulty<InMemoryInventoryStore>>,
    Arc<InMemoryReturnStore>,
    InMemoryOutbox,
    FixedClock,
>;

/// A process over the stores: what a restart builds.
fn start(stores: &Stores) -> TestOms {
    let setup = Setup::from_json(SETUP).unwrap();
    Oms::new(Parts {
        orders: Arc::clone(&stores.0),
        inventory: Arc::clone(&stores.1),
        returns: Arc::clone(&stores.2),
        outbox: InMemoryOutbox::new(),
        clock: FixedClock(setup.now.unwrap()),
        router: setup.router().unwrap(),
        inventory_config: setup.inventory_config(),
        lifecycle: setup.lifecycle,
        return_policy: setup.returns.clone(),
    })
    .unwrap()
}

/// The scenario: four orders through reservation, routing, release, rejection with rerouting,
/// partial shipment, cancellation and pickup with a transfer. Each command has a key.
fn scenario() -> Vec<Command> {
    let o = |s: &str| id(s);
    let fo = |s: &str| s.parse().unwrap();
    let mut pickup = chicago_order("O-4", &[("1", "LAMP", 2)]);
    pickup.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some("STORE-CHI".into()) };
    let receive = Setup::from_json(SETUP).unwrap().stock.into_iter().map(|s| Command::Stock {
        command: oms::inventory::Command::Receive { sku: s.sku, node: s.node, quantity: s.quantity, supply: None },
    });
    receive
        .chain([
            Command::Capture { draft: Box::new(chicago_order("O-1", &[("1", "TEE-M", 3), ("2", "CAP", 1)])) },
            Command::Capture { draft: Box::new(chicago_order("O-2", &[("1", "TEE-M", 1)])) },
            Command::Capture { draft: Box::new(chicago_order("O-3", &[("1", "CAP", 3)])) },
            Command::Capture { draft: Box::new(pickup) },
            Command::Route { order: o("O-1") },
            Command::Route { order: o("O-2") },
            Command::Route { order: o("O-3") },
            Command::Route { order: o("O-4") },
            Command::Release { order: o("O-1"), fulfillment_order: None },
            Command::Release { order: o("O-2"), fulfillment_order: None },
            Command::Reject {
                order: o("O-2"),
                fulfillment_order: fo("FO-1"),
                lines: vec![],
                reason: "no staff".into(),
            },
            Command::Accept { order: o("O-1"), fulfillment_order: fo("FO-1") },
            Command::Ship {
                order: o("O-1"),
                fulfillment_order: fo("FO-1"),
                carrier: "UPS".into(),
                tracking: "1Z-1".into(),
                lines: vec![LineQuantity::new("1".parse().unwrap(), 1)],
            },
            Command::Cancel {
                order: o("O-3"),
                line: Some("1".parse().unwrap()),
                quantity: Some(1),
                reason: "fewer".into(),
            },
            Command::Release { order: o("O-3"), fulfillment_order: None },
            Command::Cancel { order: o("O-3"), line: None, quantity: None, reason: "changed mind".into() },
            Command::Release { order: o("O-4"), fulfillment_order: None },
            Command::Ship {
                order: o("O-1"),
                fulfillment_order: fo("FO-1"),
                carrier: "UPS".into(),
                tracking: "1Z-2".into(),
                lines: vec![],
            },
        ])
        .collect()
}

fn metadata(step: usize) -> Metadata {
    Metadata::by(Actor::System).with_key(format!("cmd-{step}").parse().unwrap())
}

const ORDERS: [&str; 4] = ["O-1", "O-2", "O-3", "O-4"];

/// Runs the scenario, restarting, recovering and retrying whenever a write fails.
fn run(stores: &Stores, faults: &Faults) -> (TestOms, u32) {
    let mut oms = start(stores);
    let mut crashes = 0;
    for (step, command) in scenario().iter().enumerate() {
        let mut attempts = 0;
        loop {
            match oms.dispatch(command, metadata(step)) {
                Ok(_) => break,
                Err(e) if e.to_string().contains("injected crash") => {
                    crashes += 1;
                    attempts += 1;
                    assert!(attempts < 5, "step {step} keeps failing");
                    oms = start(stores);
                    for order in ORDERS {
                        oms.recover(&id(order), Metadata::by(Actor::System)).unwrap();
                    }
                }
                Err(e) => panic!("step {step} ({command:?}) refused: {e}"),
            }
        }
    }
    let _ = faults;
    (oms, crashes)
}

fn stores(faults: &Arc<Faults>) -> Stores {
    (
        Arc::new(Faulty { inner: InMemoryOrderStore::new(), faults: Arc::clone(faults) }),
        Arc::new(Faulty { inner: InMemoryInventoryStore::new(), faults: Arc::clone(faults) }),
        Arc::new(InMemoryReturnStore::new()),
    )
}

/// What must match the fault-free run: every order's buckets and fulfillment orders, and
/// every stock position.
fn state(oms: &TestOms) -> (Vec<String>, Vec<String>) {
    let orders = ORDERS
        .iter()
        .map(|o| {
            let order = oms.order(&id(o)).unwrap();
            format!("{o}: {:?} {:?}", order.breakdown(), order.fulfillment_orders())
        })
        .collect();
    let stock = oms.inventory(|i| i.positions().iter().map(|(s, n, p)| format!("{s}@{n}: {p:?}")).collect());
    (orders, stock)
}

fn assert_consistent(oms: &TestOms, context: &str) {
    for (sku, node, position) in oms.inventory(|i| i.positions()) {
        assert!(position.shortfall() == 0, "{context}: {sku} at {node} oversold: {position:?}");
    }
    for o in ORDERS {
        let order = oms.order(&id(o)).unwrap();
        let (recorded, held) = oms.footprints(&id(o)).unwrap();
        assert_eq!(held, recorded, "{context}: order {o} and its stock disagree");
        for line in order.lines() {
            assert_eq!(line.buckets().total(), u64::from(line.quantity()), "{context}: {o} line {}", line.id());
        }
    }
}

#[test]
fn a_crash_at_any_write_neither_oversells_nor_loses_or_doubles_an_allocation() {
    let clean_faults = Arc::new(Faults::default());
    let clean_stores = stores(&clean_faults);
    let (clean, crashes) = run(&clean_stores, &clean_faults);
    assert_eq!(crashes, 0);
    assert_consistent(&clean, "without faults");
    let expected = state(&clean);
    let writes = clean_faults.writes.load(Ordering::SeqCst);
    assert!(writes > 40, "the scenario writes {writes} times");
    // Sanity: the scenario reaches the interesting states.
    let o1 = clean.order(&id("O-1")).unwrap();
    assert_eq!(o1.units_in(LineStatus::Shipped), 4, "{:#?}", o1.breakdown());
    let o2 = clean.order(&id("O-2")).unwrap();
    assert!(!o2.excluded_nodes(&"1".parse().unwrap()).is_empty(), "O-2 was rerouted");

    for fail_at in 1..=writes {
        let faults = Arc::new(Faults::default());
        faults.fail_at.store(fail_at, Ordering::SeqCst);
        let stores = stores(&faults);
        let (oms, crashes) = run(&stores, &faults);
        assert_eq!(crashes, 1, "write {fail_at} failed once");
        let context = format!("crash at write {fail_at}");
        assert_consistent(&oms, &context);
        assert_eq!(state(&oms), expected, "{context}: the end state differs from the run without faults");
    }
}
