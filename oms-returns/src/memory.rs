//! A thread-safe in-memory [`ReturnStore`], as strict as a database.

use std::collections::{BTreeSet, HashMap};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use oms_core::{ExpectedVersion, IdempotencyKey, OrderId, Version};

use crate::{ArrivalDue, ArrivalWatch, ReturnEnvelope, ReturnEvent, ReturnStore, ReturnStoreError, RmaId};

/// Return streams kept in memory: for tests, examples and hosts that persist elsewhere.
///
/// It enforces the whole [`ReturnStore`] contract (version conflicts, RMA ids unique across
/// orders, batch checks), so code tested against it behaves the same on a database.
///
/// ```
/// use oms_returns::{InMemoryReturnStore, ReturnStore};
/// use oms_core::{OrderId, Version};
/// let store = InMemoryReturnStore::new();
/// assert!(store.read(&OrderId::new("O-1")?, Version::ZERO)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryReturnStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    streams: HashMap<OrderId, Vec<ReturnEnvelope>>,
    owners: HashMap<RmaId, OrderId>,
    /// RMAs awaiting arrival, ordered as `awaiting_arrival` returns them.
    awaiting: BTreeSet<(DateTime<Utc>, OrderId, RmaId)>,
    deadlines: HashMap<RmaId, DateTime<Utc>>,
}

impl InMemoryReturnStore {
    /// An empty store.
    pub fn new() -> InMemoryReturnStore {
        InMemoryReturnStore::default()
    }

    /// Ids of the orders that have returns, sorted.
    pub fn order_ids(&self) -> Vec<OrderId> {
        let mut ids: Vec<OrderId> = self.read_lock().streams.keys().cloned().collect();
        ids.sort();
        ids
    }

    // Nothing panics while a lock is held, so a poisoned lock still guards consistent data.
    fn read_lock(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_lock(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

fn invalid(order: &OrderId, problem: impl Into<String>) -> ReturnStoreError {
    ReturnStoreError::InvalidWrite { order: order.clone(), problem: problem.into() }
}

impl ReturnStore for InMemoryReturnStore {
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<ReturnEnvelope>, ReturnStoreError> {
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
        events: &[ReturnEnvelope],
    ) -> Result<Version, ReturnStoreError> {
        let mut inner = self.write_lock();
        let actual = inner.streams.get(order).map_or(Version::ZERO, |s| Version::new(s.len() as u64));
        if !expected.matches(actual) {
            return Err(ReturnStoreError::Conflict { order: order.clone(), expected, actual });
        }
        if events.is_empty() {
            return Err(invalid(order, "an append needs at least one event"));
        }
        let mut next = actual.next();
        let mut new_rmas: Vec<&RmaId> = Vec::new();
        for envelope in events {
            if envelope.version != next {
                return Err(invalid(order, format!("event has version {} where {next} comes next", envelope.version)));
            }
            next = next.next();
            let rma = envelope.event.rma();
            let owner = inner.owners.get(rma);
            if let ReturnEvent::Requested { .. } = envelope.event {
                if let Some(existing) = owner.or_else(|| new_rmas.contains(&rma).then_some(order)) {
                    return Err(ReturnStoreError::DuplicateRma { rma: rma.clone(), existing: existing.clone() });
                }
                new_rmas.push(rma);
            } else if owner != Some(order) && !new_rmas.contains(&rma) {
                return Err(invalid(
                    order,
                    format!("{} event for rma {rma}, which this order never requested", envelope.event.kind()),
                ));
            }
        }
        // Every check passed: from here on the write cannot fail, so it is all or nothing.
        for rma in new_rmas {
            inner.owners.insert(rma.clone(), order.clone());
        }
        for envelope in events {
            match envelope.event.arrival_watch() {
                Some(ArrivalWatch::Start { rma, due }) => {
                    if let Some(old) = inner.deadlines.insert(rma.clone(), due) {
                        inner.awaiting.remove(&(old, order.clone(), rma.clone()));
                    }
                    inner.awaiting.insert((due, order.clone(), rma));
                }
                Some(ArrivalWatch::Stop { rma }) => {
                    if let Some(old) = inner.deadlines.remove(&rma) {
                        inner.awaiting.remove(&(old, order.clone(), rma));
                    }
                }
                None => {}
            }
        }
        inner.streams.entry(order.clone()).or_default().extend_from_slice(events);
        Ok(Version::new(actual.get() + events.len() as u64))
    }

    fn find_order(&self, rma: &RmaId) -> Result<Option<OrderId>, ReturnStoreError> {
        Ok(self.read_lock().owners.get(rma).cloned())
    }

    fn awaiting_arrival(&self, due_by: DateTime<Utc>) -> Result<Vec<ArrivalDue>, ReturnStoreError> {
        let inner = self.read_lock();
        Ok(inner
            .awaiting
            .iter()
            .take_while(|(due, _, _)| *due <= due_by)
            .map(|(due, order, rma)| ArrivalDue { due: *due, order: order.clone(), rma: rma.clone() })
            .collect())
    }

    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<ReturnEnvelope>, ReturnStoreError> {
        let inner = self.read_lock();
        Ok(inner
            .streams
            .get(order)
            .map(|s| s.iter().filter(|e| e.metadata.idempotency_key.as_ref() == Some(key)).cloned().collect())
            .unwrap_or_default())
    }
}
