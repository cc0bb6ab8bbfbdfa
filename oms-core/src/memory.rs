//! A thread-safe in-memory [`OrderStore`], as strict as a database.

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::RandomState;

use chrono::{DateTime, Utc};
use std::sync::{PoisonError, RwLock};

use crate::{
    ChannelId, CustomerId, ExpectedVersion, ExternalOrderId, IdempotencyKey, Order, OrderEnvelope, OrderId, OrderStore,
    OrderSummary, StoreError, Version,
};

/// Orders kept in memory: for tests, examples and hosts that persist elsewhere.
///
/// It enforces the whole [`OrderStore`] contract (version conflicts, unique channel order
/// numbers, batch checks), so code tested against it behaves the same on a database.
///
/// ```
/// use oms_core::{InMemoryOrderStore, OrderStore, OrderId, Version};
/// let store = InMemoryOrderStore::new();
/// assert!(store.read(&OrderId::new("nope")?, Version::ZERO)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryOrderStore {
    inner: RwLock<Inner>,
}

/// A customer's orders by (placed at, id).
type CustomerOrders = BTreeMap<(DateTime<Utc>, OrderId), OrderSummary>;

#[derive(Debug, Default)]
struct Inner {
    streams: HashMap<OrderId, Vec<OrderEnvelope>, RandomState>,
    external: HashMap<(ChannelId, ExternalOrderId), OrderId, RandomState>,
    /// Per customer, orders by (placed at, id): a B-tree, so a customer with many orders (a B2B
    /// account) costs a log, not a shift of the whole list, per new order.
    customers: HashMap<CustomerId, CustomerOrders, RandomState>,
    snapshots: HashMap<OrderId, Order, RandomState>,
}

impl InMemoryOrderStore {
    /// An empty store.
    pub fn new() -> InMemoryOrderStore {
        InMemoryOrderStore::default()
    }

    /// Number of orders held.
    pub fn len(&self) -> usize {
        self.read_lock().streams.len()
    }

    /// True when no order is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ids of all orders held, sorted.
    pub fn order_ids(&self) -> Vec<OrderId> {
        let mut ids: Vec<OrderId> = self.read_lock().streams.keys().cloned().collect();
        ids.sort();
        ids
    }

    // Nothing panics while a lock is held, so a poisoned lock still guards consistent data.
    fn read_lock(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_lock(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

use crate::append::{NewOrderIndex, check_append};

fn invalid(order: &OrderId, problem: impl Into<String>) -> StoreError {
    StoreError::InvalidWrite { order: order.clone(), problem: problem.into() }
}

impl OrderStore for InMemoryOrderStore {
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<OrderEnvelope>, StoreError> {
        let inner = self.read_lock();
        let Some(stream) = inner.streams.get(order) else {
            return Ok(Vec::new());
        };
        // Versions start at 1 without gaps, so the event with version `after + 1` sits at index `after`.
        let skip = usize::try_from(after.get()).unwrap_or(usize::MAX);
        Ok(stream.iter().skip(skip).cloned().collect())
    }

    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[OrderEnvelope],
    ) -> Result<Version, StoreError> {
        let mut inner = self.write_lock();
        let actual = inner.streams.get(order).map_or(Version::ZERO, |s| Version::new(s.len() as u64));
        let index = check_append(order, expected, actual, events)?;
        if let Some(index) = &index {
            let key = (index.channel.clone(), index.external_order_id.clone());
            if let Some(existing) = inner.external.get(&key) {
                return Err(StoreError::DuplicateExternalOrder {
                    channel: key.0,
                    external_order_id: key.1,
                    existing: existing.clone(),
                });
            }
        }
        // Every check passed: from here on the write cannot fail, so it is all or nothing.
        if let Some(NewOrderIndex { channel, external_order_id, customer, summary }) = index {
            inner.external.insert((channel, external_order_id), order.clone());
            let key = (summary.placed_at, summary.order_id.clone());
            inner.customers.entry(customer).or_default().insert(key, summary);
        }
        let stream = inner.streams.entry(order.clone()).or_default();
        // Streams are many and short: growing by half instead of doubling keeps less slack per
        // order (a fifth less memory over a million orders) and stays amortised linear.
        if stream.len() + events.len() > stream.capacity() {
            stream.reserve_exact(events.len().max(stream.len() / 2));
        }
        stream.extend_from_slice(events);
        Ok(Version::new(actual.get() + events.len() as u64))
    }

    fn find_by_external_id(
        &self,
        channel: &ChannelId,
        external_order_id: &ExternalOrderId,
    ) -> Result<Option<OrderId>, StoreError> {
        Ok(self.read_lock().external.get(&(channel.clone(), external_order_id.clone())).cloned())
    }

    fn customer_orders(&self, customer: &CustomerId) -> Result<Vec<OrderSummary>, StoreError> {
        Ok(self.read_lock().customers.get(customer).map(|list| list.values().cloned().collect()).unwrap_or_default())
    }

    fn save_snapshot(&self, order: &Order) -> Result<(), StoreError> {
        let mut inner = self.write_lock();
        let stream_version = inner.streams.get(order.id()).map_or(0, |s| s.len() as u64);
        if order.version().get() > stream_version {
            return Err(invalid(
                order.id(),
                format!("snapshot at {} is ahead of the stream at v{stream_version}", order.version()),
            ));
        }
        let newer_kept = inner.snapshots.get(order.id()).is_some_and(|kept| kept.version() >= order.version());
        if !newer_kept {
            inner.snapshots.insert(order.id().clone(), order.clone());
        }
        Ok(())
    }

    fn load_snapshot(&self, order: &OrderId) -> Result<Option<Order>, StoreError> {
        Ok(self.read_lock().snapshots.get(order).cloned())
    }

    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<OrderEnvelope>, StoreError> {
        let inner = self.read_lock();
        Ok(inner
            .streams
            .get(order)
            .map(|s| s.iter().filter(|e| e.metadata.idempotency_key.as_ref() == Some(key)).cloned().collect())
            .unwrap_or_default())
    }
}
