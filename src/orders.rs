//! The order side of the facade: the order service plus a cache of loaded orders, and runs of
//! several lifecycle commands recorded as one append.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use oms_core::{
    CaptureOutcome, Clock, Envelope, ExpectedVersion, LifecyclePolicy, Metadata, Order, OrderCommand, OrderDraft,
    OrderEnvelope, OrderEvent, OrderId, OrderService, OrderStore, OrderStoreExt,
};

use crate::Result;

/// What a run of commands recorded.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    /// The order after the run.
    pub order: Arc<Order>,
    /// The envelopes written (on a retry: those written the first time).
    pub events: Vec<OrderEnvelope>,
}

/// What capturing a draft did.
pub(crate) enum Capture {
    /// A new order, as the cache holds it, and its capture events.
    New { order: Arc<Order>, events: Vec<OrderEnvelope> },
    /// Anything else the service reports (the channel order was captured before).
    Other(CaptureOutcome),
}

/// Orders: the order service for capture and reads, and a cache of the orders it has seen so
/// that a command costs one decide and one append, not a reload of the stream.
///
/// The cache never lets a stale order through: every append expects the cached version, and
/// a conflict evicts the entry so the next attempt reloads.
pub(crate) struct OrderBook<S, C> {
    service: OrderService<S, C>,
    cache: Mutex<HashMap<OrderId, Arc<Order>, RandomState>>,
    capacity: usize,
}

impl<S: OrderStore, C: Clock> OrderBook<S, C> {
    pub fn new(store: S, clock: C, policy: LifecyclePolicy) -> Self {
        OrderBook {
            service: OrderService::new(store, clock).with_policy(policy),
            cache: Mutex::new(HashMap::default()),
            capacity: 100_000,
        }
    }

    pub fn service(&self) -> &OrderService<S, C> {
        &self.service
    }

    pub fn store(&self) -> &S {
        self.service.store()
    }

    pub fn policy(&self) -> &LifecyclePolicy {
        self.service.policy()
    }

    // Nothing panics while the lock is held, so a poisoned lock still guards consistent data.
    fn cache(&self) -> MutexGuard<'_, HashMap<OrderId, Arc<Order>, RandomState>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn remember(&self, order: Arc<Order>) {
        let mut cache = self.cache();
        if cache.len() >= self.capacity && !cache.contains_key(order.id()) {
            // A crude bound: forget everything rather than track recency; reloads are correct.
            cache.clear();
        }
        cache.insert(order.id().clone(), order);
    }

    /// Forgets a cached order (after a conflict, or when another process may have written).
    pub fn forget(&self, id: &OrderId) {
        self.cache().remove(id);
    }

    /// The order as it stands.
    pub fn load(&self, id: &OrderId) -> Result<Arc<Order>> {
        if let Some(order) = self.cache().get(id) {
            return Ok(Arc::clone(order));
        }
        let order = Arc::new(self.service.order(id)?);
        self.remember(Arc::clone(&order));
        Ok(order)
    }

    /// The order rebuilt from the store, bypassing (and refreshing) the cache.
    pub fn reload(&self, id: &OrderId) -> Result<Option<Arc<Order>>> {
        self.forget(id);
        let Some(order) = self.store().load_order(id).map_err(crate::Error::Order)? else {
            return Ok(None);
        };
        let order = Arc::new(order);
        self.remember(Arc::clone(&order));
        Ok(Some(order))
    }

    /// Captures a draft once per channel order number.
    pub fn capture(&self, draft: &OrderDraft, metadata: Metadata) -> Result<Capture> {
        match self.service.capture(draft, metadata)? {
            CaptureOutcome::Captured { order, events } => {
                // The captured order moves into the Arc the cache shares: no copy of its lines.
                let order: Arc<Order> = Arc::from(order);
                self.remember(Arc::clone(&order));
                Ok(Capture::New { order, events })
            }
            other => Ok(Capture::Other(other)),
        }
    }

    /// The events an idempotency key recorded on the order, if any.
    pub fn recorded_under(&self, id: &OrderId, metadata: &Metadata) -> Result<Option<Vec<OrderEnvelope>>> {
        let Some(key) = &metadata.idempotency_key else { return Ok(None) };
        let earlier = self.store().find_by_key(id, key).map_err(|e| crate::Error::Order(e.into()))?;
        Ok((!earlier.is_empty()).then_some(earlier))
    }

    /// Decides `commands` one after another on `order` (each on the state the previous left)
    /// and appends all their events at once, expecting the order's version. Nothing is written
    /// when any command is refused.
    ///
    /// Takes the order by `Arc` so that, when nobody else holds it, the events are applied in
    /// place: a single command is decided on the order as it is, and copied only if shared.
    pub fn run(
        &self,
        mut order: Arc<Order>,
        commands: &[OrderCommand],
        metadata: &Metadata,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let version = order.version();
        let events = match commands {
            [command] => {
                let events = order.decide_with(command, self.policy()).map_err(oms_core::Error::Order)?;
                // The cache's copy goes: the order is about to change (or to be reloaded). The
                // Arc is then usually the only one, and the order changes where it is, not
                // moved out of its Arc and back into a new one.
                self.forget(order.id());
                let working = Arc::make_mut(&mut order);
                for event in &events {
                    working.apply(event).map_err(oms_core::Error::Order)?;
                }
                events
            }
            _ => {
                // A copy: a later command's refusal must leave the cached order as it was.
                let mut working = (*order).clone();
                let mut events: Vec<OrderEvent> = Vec::new();
                for command in commands {
                    let decided = working.decide_with(command, self.policy()).map_err(oms_core::Error::Order)?;
                    for event in &decided {
                        working.apply(event).map_err(oms_core::Error::Order)?;
                    }
                    events.extend(decided);
                }
                order = Arc::new(working);
                events
            }
        };
        self.record(version, order, events, metadata, now)
    }

    /// Appends events already applied to `after` (decided on the order at `before`).
    fn record(
        &self,
        before: oms_core::Version,
        after: Arc<Order>,
        events: Vec<OrderEvent>,
        metadata: &Metadata,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        if events.is_empty() {
            self.remember(Arc::clone(&after));
            return Ok(Recorded { order: after, events: Vec::new() });
        }
        let first = before.get();
        let envelopes: Vec<OrderEnvelope> = events
            .into_iter()
            .enumerate()
            .map(|(i, event)| Envelope {
                version: oms_core::Version::new(first + 1 + i as u64),
                recorded_at: now,
                metadata: metadata.clone(),
                event,
            })
            .collect();
        if let Err(e) = self.store().append(after.id(), ExpectedVersion::Exactly(before), &envelopes) {
            self.forget(after.id());
            return Err(crate::Error::Order(e.into()));
        }
        self.remember(Arc::clone(&after));
        Ok(Recorded { order: after, events: envelopes })
    }

    /// Every envelope of an order.
    pub fn history(&self, id: &OrderId) -> Result<Vec<OrderEnvelope>> {
        self.store().read(id, oms_core::Version::ZERO).map_err(|e| crate::Error::Order(e.into()))
    }
}
