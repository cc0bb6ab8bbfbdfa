//! [`Oms`]: one service over the order, inventory and return stores, the router and a clock.

use std::collections::BTreeSet;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use foldhash::fast::FixedState;

use oms_core::{
    Clock, IdempotencyKey, InMemoryOrderStore, LifecyclePolicy, Metadata, Order, OrderId, OrderStore, TimelineEntry,
};
use oms_inventory::{
    ChannelAvailability, InMemoryInventoryStore, Inventory, InventoryConfig, InventoryStore, SyncedInventory,
};
use oms_returns::{InMemoryReturnStore, OrderReturns, ReturnPolicy, ReturnService, ReturnStore};
use oms_routing::{Router, Usage};

use crate::orders::OrderBook;
use crate::stable_id::IdText;
use crate::stock::StockDesk;
use crate::{InMemoryOutbox, Outbox, OutboxMessage, Result, SystemClock};

/// Everything an [`Oms`] is built from.
#[derive(Debug)]
pub struct Parts<O, I, R, X, C> {
    /// Where orders' events are kept.
    pub orders: O,
    /// Where stock positions and the movement ledger are kept.
    pub inventory: I,
    /// Where returns' events are kept.
    pub returns: R,
    /// Where integration events wait for the host.
    pub outbox: X,
    /// Where time comes from.
    pub clock: C,
    /// The network and the routing rules.
    pub router: Router,
    /// Nodes and channels as the inventory sees them.
    pub inventory_config: InventoryConfig,
    /// Backorder and pickup expiry, rejected-pickup handling.
    pub lifecycle: LifecyclePolicy,
    /// Return windows, reasons, fees, methods.
    pub return_policy: ReturnPolicy,
}

/// The whole order-management system as one service.
///
/// Each command turns into consistent changes across orders, stock and returns, reported as
/// [`Event`](crate::Event)s, with integration events in the [`Outbox`]. Commands on one order
/// are serialized inside the service; commands on different orders run in parallel. See the
/// crate docs for a complete flow and [`crate::stock`]'s write order for what a crash can and
/// cannot do.
pub struct Oms<
    O = InMemoryOrderStore,
    I = InMemoryInventoryStore,
    R = InMemoryReturnStore,
    X = InMemoryOutbox,
    C = SystemClock,
> {
    pub(crate) orders: OrderBook<O, Arc<C>>,
    pub(crate) stock: StockDesk<I>,
    pub(crate) returns: ReturnService<R, Arc<C>>,
    pub(crate) router: Router,
    pub(crate) usage: Mutex<Usage>,
    pub(crate) outbox: X,
    pub(crate) clock: Arc<C>,
    locks: Box<[Mutex<()>]>,
    pub(crate) watch: Mutex<BTreeSet<OrderId>>,
}

impl<O, I, R, X, C> std::fmt::Debug for Oms<O, I, R, X, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oms").field("nodes", &self.router.network().len()).finish_non_exhaustive()
    }
}

/// An [`Oms`] on in-memory stores.
pub type InMemoryOms<C = SystemClock> =
    Oms<InMemoryOrderStore, InMemoryInventoryStore, InMemoryReturnStore, InMemoryOutbox, C>;

const LOCK_STRIPES: usize = 64;

// Nothing panics while these locks are held, so a poisoned lock still guards consistent data.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<C: Clock + 'static> InMemoryOms<C> {
    /// An OMS on in-memory stores.
    ///
    /// # Errors
    /// [`Error::Inventory`](crate::Error::Inventory) for an invalid inventory configuration,
    /// [`Error::Returns`](crate::Error::Returns) for an invalid return policy.
    pub fn in_memory(
        router: Router,
        inventory_config: InventoryConfig,
        lifecycle: LifecyclePolicy,
        return_policy: ReturnPolicy,
        clock: C,
    ) -> Result<Self> {
        Oms::new(Parts {
            orders: InMemoryOrderStore::new(),
            inventory: InMemoryInventoryStore::new(),
            returns: InMemoryReturnStore::new(),
            outbox: InMemoryOutbox::new(),
            clock,
            router,
            inventory_config,
            lifecycle,
            return_policy,
        })
    }
}

impl<O, I, R, X, C> Oms<O, I, R, X, C>
where
    O: OrderStore,
    I: InventoryStore,
    R: ReturnStore,
    X: Outbox,
    C: Clock + 'static,
{
    /// An OMS over these parts. The inventory engine catches up with the inventory store's ledger.
    ///
    /// # Errors
    /// An invalid inventory configuration, an inventory ledger that does not apply, an invalid
    /// return policy.
    pub fn new(parts: Parts<O, I, R, X, C>) -> Result<Self> {
        let clock = Arc::new(parts.clock);
        let usage = Usage::new(parts.router.network());
        Ok(Oms {
            orders: OrderBook::new(parts.orders, Arc::clone(&clock), parts.lifecycle),
            stock: StockDesk::new(SyncedInventory::new(parts.inventory, parts.inventory_config)?),
            returns: ReturnService::new(parts.returns, Arc::clone(&clock), parts.return_policy)?,
            router: parts.router,
            usage: Mutex::new(usage),
            outbox: parts.outbox,
            clock,
            locks: (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect(),
            watch: Mutex::new(BTreeSet::new()),
        })
    }

    /// Serializes work on one order inside this service.
    pub(crate) fn lock_order(&self, order: &OrderId) -> MutexGuard<'_, ()> {
        // A fixed-seed foldhash: stripes only need spreading, not DoS resistance, and SipHash
        // cost several times more per command.
        let stripe = (FixedState::default().hash_one(order) % LOCK_STRIPES as u64) as usize;
        // `stripe` is below the slice's length by construction.
        self.locks.get(stripe).map_or_else(|| lock(&self.locks[0]), lock)
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub(crate) fn publish(&self, messages: Vec<OutboxMessage>) -> Result<()> {
        if !messages.is_empty() {
            self.outbox.push(messages)?;
        }
        Ok(())
    }

    /// The order as it stands.
    ///
    /// # Errors
    /// [`Error::Order`](crate::Error::Order) with `OrderNotFound`, or a store failure.
    pub fn order(&self, order: &OrderId) -> Result<Order> {
        Ok((*self.orders.load(order)?).clone())
    }

    /// The customer-service timeline of an order: who did what, when and why, in plain words.
    ///
    /// # Errors
    /// As [`Oms::order`].
    pub fn timeline(&self, order: &OrderId) -> Result<Vec<TimelineEntry>> {
        Ok(self.orders.service().timeline(order)?)
    }

    /// An order's returns.
    ///
    /// # Errors
    /// A return store failure.
    pub fn returns(&self, order: &OrderId) -> Result<OrderReturns> {
        Ok(self.returns.returns(order)?)
    }

    /// What a channel may sell of a sku and what it shows.
    ///
    /// # Errors
    /// An unknown sku or channel.
    pub fn availability(&self, sku: &oms_core::Sku, channel: &oms_core::ChannelId) -> Result<ChannelAvailability> {
        Ok(self.stock.synced().read(|engine| engine.availability(sku, channel))?)
    }

    /// Stock held for an order: as the order records it, and as the inventory holds it. They
    /// are equal after every command; a host can check them after a crash and
    /// [`recover`](Oms::recover).
    ///
    /// # Errors
    /// An unknown order, a store failure.
    pub fn footprints(&self, order: &OrderId) -> Result<(crate::stock::Footprint, crate::stock::Footprint)> {
        let current = self.orders.load(order)?;
        Ok((crate::stock::Footprint::of_order(&current), self.stock.footprint(order)?))
    }

    /// Reads the inventory engine (positions, reservations, figures).
    pub fn inventory<T>(&self, f: impl FnOnce(&Inventory) -> T) -> T {
        self.stock.synced().read(f)
    }

    /// The router (network and rules).
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The outbox the host drains.
    pub fn outbox(&self) -> &X {
        &self.outbox
    }

    /// The order store.
    pub fn order_store(&self) -> &O {
        self.orders.store()
    }

    /// The inventory store.
    pub fn inventory_store(&self) -> &I {
        self.stock.synced().store()
    }

    /// Starts a new capacity day: every node's units and orders used are back to zero.
    pub fn reset_capacity(&self) {
        *lock(&self.usage) = Usage::new(self.router.network());
    }

    /// Orders with backordered units or units waiting at a pickup store, which
    /// [`Oms::expire`] looks at.
    pub fn watched(&self) -> Vec<OrderId> {
        lock(&self.watch).iter().cloned().collect()
    }

    pub(crate) fn watch_if_needed(&self, order: &Order) {
        use oms_core::LineStatus as S;
        let waiting = order.units_in(S::Backordered) + order.units_in(S::ReadyForPickup) > 0;
        let mut watch = lock(&self.watch);
        if waiting {
            watch.insert(order.id().clone());
        } else {
            watch.remove(order.id());
        }
    }
}

/// Metadata for one step of a command: the command's key with the step's name appended, so a
/// retry of the whole command skips the steps already done.
pub(crate) fn step(metadata: &Metadata, name: &str) -> Result<Metadata> {
    let mut step = metadata.clone();
    if let Some(key) = &metadata.idempotency_key {
        step.idempotency_key = Some(crate::stock::key(format!("{key}/{name}"))?);
    }
    Ok(step)
}

/// A key for a stock command from its cause.
pub(crate) fn stock_key(order: &OrderId, version: oms_core::Version, what: &str) -> Result<IdempotencyKey> {
    let key = IdText::with_capacity(order.as_str().len() + what.len() + 24)
        .text(order.as_str())
        .text("@")
        .number(version.get())
        .text(":")
        .text(what);
    crate::stock::key(key.finish())
}
