//! The return service: commands over a [`ReturnStore`], a [`Clock`] and a [`ReturnPolicy`].

use chrono::{DateTime, Utc};
use oms_core::{Clock, Envelope, ExpectedVersion, Metadata, OrderId};

use crate::{
    Eligibility, OrderReturns, PreparedOrder, Result, ReturnCommand, ReturnEnvelope, ReturnEvent, ReturnPolicy,
    ReturnReason, ReturnStore, ReturnStoreExt, RmaId, Settlement,
};

/// What [`ReturnService::execute`] or [`ReturnService::expire`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    /// The order's returns after the command.
    pub returns: OrderReturns,
    /// The events recorded (on a retry: those recorded the first time). The host's outbox
    /// takes stock movements, payment instructions and replacement demand from them.
    pub events: Vec<ReturnEnvelope>,
    /// True when the command's idempotency key had been seen: nothing new was written.
    pub replayed: bool,
}

/// Runs return commands: load the order's returns, decide, append at the loaded version.
///
/// ```
/// use oms_core::{capture, testkit::fixtures, Actor, FixedClock, Metadata};
/// use oms_returns::*;
///
/// let captured = capture(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]))?;
/// let order = ReturnableOrder::all_delivered(&captured, fixtures::t0()).prepare()?;
/// let clock = FixedClock(fixtures::t0() + chrono::Duration::days(3));
/// let service = ReturnService::new(InMemoryReturnStore::new(), clock, ReturnPolicy::standard())?;
///
/// let request = ReturnCommand::Request {
///     rma: "R-1".parse()?,
///     method: ReturnMethod::Mail,
///     lines: vec![ReturnLineRequest::new("1".parse()?, 1, ReturnReason::WrongSize)],
///     exchange: None,
/// };
/// let done = service.execute(&order, &request, Metadata::by(Actor::System))?;
/// assert_eq!(done.returns.rma(&"R-1".parse()?).unwrap().status(), RmaStatus::Approved);
/// assert_eq!(service.find(&"R-1".parse()?)?, Some(captured.order_id));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ReturnService<S, C> {
    store: S,
    clock: C,
    policy: ReturnPolicy,
}

impl<S: ReturnStore, C: Clock> ReturnService<S, C> {
    /// A service over a store, a clock and a policy.
    ///
    /// # Errors
    /// [`crate::ReturnError::InvalidPolicy`] for a policy that does not validate.
    pub fn new(store: S, clock: C, policy: ReturnPolicy) -> Result<Self> {
        policy.validate()?;
        Ok(ReturnService { store, clock, policy })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The policy.
    pub fn policy(&self) -> &ReturnPolicy {
        &self.policy
    }

    /// Runs a command on an order's returns; `order` is the order as delivered, prepared by
    /// the host when it last changed (see [`PreparedOrder`]).
    ///
    /// A command whose metadata carries an idempotency key already recorded for the order is
    /// not run again: the events recorded the first time come back with `replayed` set.
    ///
    /// # Errors
    /// [`crate::Error::Return`] when the rules refuse the command (nothing written);
    /// [`crate::Error::Store`] with [`crate::ReturnStoreError::Conflict`] when another writer
    /// got there first (reload and retry), or another store failure.
    pub fn execute(&self, order: &PreparedOrder, command: &ReturnCommand, metadata: Metadata) -> Result<Executed> {
        let returns = self.store.load_returns(&order.order().order_id)?;
        if let Some(key) = &metadata.idempotency_key {
            let earlier = self.store.find_by_key(&order.order().order_id, key)?;
            if !earlier.is_empty() {
                return Ok(Executed { returns, events: earlier, replayed: true });
            }
        }
        let now = self.clock.now();
        let events = returns.decide(command, order, &self.policy, now)?;
        self.record(returns, events, metadata)
    }

    /// Expires the order's RMAs that received nothing by their deadline (at the clock's time).
    ///
    /// # Errors
    /// [`crate::Error::Store`] on a conflict or store failure.
    pub fn expire(&self, order: &OrderId, metadata: Metadata) -> Result<Executed> {
        self.expire_at(order, self.clock.now(), metadata)
    }

    /// Expires the order's RMAs that received nothing by their deadline, at `now` (a host
    /// running expiry for a given instant, or replaying a day).
    ///
    /// # Errors
    /// [`crate::Error::Store`] on a conflict or store failure.
    pub fn expire_at(&self, order: &OrderId, now: DateTime<Utc>, metadata: Metadata) -> Result<Executed> {
        let returns = self.store.load_returns(order)?;
        let events = returns.expire(now);
        self.record(returns, events, metadata)
    }

    /// Expires every RMA due by the clock's time, order by order, in the store's deadline
    /// order. Stops at the first failure; running it again is safe (expired RMAs are not due).
    ///
    /// # Errors
    /// As [`ReturnService::expire`].
    pub fn expire_due(&self, metadata: Metadata) -> Result<Vec<Executed>> {
        self.expire_due_at(self.clock.now(), metadata)
    }

    /// The same at `now`.
    ///
    /// # Errors
    /// As [`ReturnService::expire`].
    pub fn expire_due_at(&self, now: DateTime<Utc>, metadata: Metadata) -> Result<Vec<Executed>> {
        let mut orders: Vec<OrderId> = Vec::new();
        for due in self.store.awaiting_arrival(now)? {
            if !orders.contains(&due.order) {
                orders.push(due.order);
            }
        }
        orders.iter().map(|order| self.expire_at(order, now, metadata.clone())).collect()
    }

    /// The order's returns as they stand (empty when it has none).
    ///
    /// # Errors
    /// A store or history error.
    pub fn returns(&self, order: &OrderId) -> Result<OrderReturns> {
        self.store.load_returns(order)
    }

    /// The order an RMA belongs to.
    ///
    /// # Errors
    /// A store error.
    pub fn find(&self, rma: &RmaId) -> Result<Option<OrderId>> {
        Ok(self.store.find_order(rma)?)
    }

    /// What may be returned of the order now, for `reason`.
    ///
    /// # Errors
    /// A store error, or an order that breaks the input contract.
    pub fn eligibility(&self, order: &PreparedOrder, reason: ReturnReason) -> Result<Eligibility> {
        let returns = self.store.load_returns(&order.order().order_id)?;
        Ok(returns.eligibility(order, &self.policy, reason, self.clock.now())?)
    }

    /// What refunding an inspected RMA would settle, without recording anything.
    ///
    /// # Errors
    /// As [`OrderReturns::quote`], or a store error.
    pub fn quote(&self, order: &PreparedOrder, rma: &RmaId) -> Result<Settlement> {
        let returns = self.store.load_returns(&order.order().order_id)?;
        Ok(returns.quote(rma, order, &self.policy)?)
    }

    fn record(&self, mut returns: OrderReturns, events: Vec<ReturnEvent>, metadata: Metadata) -> Result<Executed> {
        if events.is_empty() {
            return Ok(Executed { returns, events: Vec::new(), replayed: false });
        }
        let expected = ExpectedVersion::Exactly(returns.version());
        let now = self.clock.now();
        let mut envelopes = Vec::with_capacity(events.len());
        for event in events {
            returns.apply(&event)?;
            envelopes.push(Envelope {
                version: returns.version(),
                recorded_at: now,
                metadata: metadata.clone(),
                event,
            });
        }
        self.store.append(returns.order(), expected, &envelopes)?;
        Ok(Executed { returns, events: envelopes, replayed: false })
    }
}
