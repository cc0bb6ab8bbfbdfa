//! The order service: capture and commands over an [`OrderStore`] and a [`Clock`].

use serde::{Deserialize, Serialize};

use crate::{
    Clock, Envelope, Error, ExpectedVersion, LifecyclePolicy, Metadata, Modification, ModificationPreview, Order,
    OrderCaptured, OrderCommand, OrderDraft, OrderEnvelope, OrderEvent, OrderId, OrderStore, OrderStoreExt, StoreError,
    TimelineEntry, capture, timeline,
};

/// What [`OrderService::capture`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CaptureOutcome {
    /// A new order was written.
    Captured {
        /// The order as captured.
        order: Box<Order>,
        /// The events written (the capture).
        events: Vec<OrderEnvelope>,
    },
    /// The channel order was captured before; nothing was written.
    AlreadyCaptured {
        /// The existing order.
        order_id: OrderId,
        /// Where the new draft differs from what was captured (not applied; empty for a plain retry).
        differences: Vec<DraftDifference>,
    },
}

impl CaptureOutcome {
    /// The order's id, new or existing.
    pub fn order_id(&self) -> &OrderId {
        match self {
            CaptureOutcome::Captured { order, .. } => order.id(),
            CaptureOutcome::AlreadyCaptured { order_id, .. } => order_id,
        }
    }
}

/// A field where a repeated draft differs from the captured order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftDifference {
    /// Path of the field (`lines[0].quantity`).
    pub field: String,
    /// The value as captured.
    pub captured: String,
    /// The value in the repeated draft.
    pub received: String,
}

/// What [`OrderService::execute`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    /// The order after the command.
    pub order: Order,
    /// The events the command recorded (on a retry: those recorded the first time).
    pub events: Vec<OrderEnvelope>,
    /// True when the command's idempotency key had been seen: nothing new was written.
    pub replayed: bool,
}

/// Captures orders and runs commands on them: load, decide, append with the expected version.
///
/// ```
/// use oms_core::*;
/// use rust_decimal_macros::dec;
///
/// let clock = FixedClock("2026-11-27T09:00:00Z".parse().unwrap());
/// let service = OrderService::new(InMemoryOrderStore::new(), clock);
/// let mut draft = OrderDraft {
///     order_id: "O-1".into(),
///     channel: ChannelDraft { kind: ChannelKind::Marketplace, id: "amazon-us".into(), external_order_id: "111-222".into() },
///     customer_id: "C-1".into(),
///     currency: "USD".into(),
///     placed_at: clock.0,
///     ship_to: None,
///     lines: vec![LineDraft {
///         fulfillment: FulfillmentDraft::Pickup { node: Some("STORE-1".into()) },
///         ..LineDraft::new("1", "LAMP", 1, MoneyInput::new(dec!(40), "USD"))
///     }],
///     discounts: vec![],
///     shipping: vec![],
///     attributes: Default::default(),
///     holds: vec![],
/// };
/// let first = service.capture(&draft, Metadata::by(Actor::System))?;
/// assert!(matches!(first, CaptureOutcome::Captured { .. }));
///
/// // The marketplace sends the same order again, with another order id: nothing is written.
/// draft.order_id = "O-2".into();
/// let again = service.capture(&draft, Metadata::by(Actor::System))?;
/// assert_eq!(again.order_id().as_str(), "O-1");
/// # Ok::<(), oms_core::Error>(())
/// ```
#[derive(Debug)]
pub struct OrderService<S, C> {
    store: S,
    clock: C,
    snapshot_every: u64,
    policy: LifecyclePolicy,
}

impl<S: OrderStore, C: Clock> OrderService<S, C> {
    /// A service over a store and a clock, snapshotting every 100 events.
    pub fn new(store: S, clock: C) -> Self {
        OrderService { store, clock, snapshot_every: 100, policy: LifecyclePolicy::default() }
    }

    /// Decide commands under `policy` (backorder and pickup expiry, rejected pickups).
    pub fn with_policy(mut self, policy: LifecyclePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The lifecycle policy commands are decided under.
    pub fn policy(&self) -> &LifecyclePolicy {
        &self.policy
    }

    /// Snapshot an order each time its version crosses a multiple of `events` (0: never).
    pub fn with_snapshots_every(mut self, events: u64) -> Self {
        self.snapshot_every = events;
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Captures a draft, once per channel order number.
    ///
    /// When the channel order was captured before, nothing is written and the existing order
    /// id comes back with the fields where this draft differs, so an integration can retry
    /// freely and a changed resend is visible rather than silently applied or lost.
    ///
    /// # Errors
    /// [`Error::Capture`] for a refused draft (nothing written), [`Error::Store`] when the
    /// store fails or another order already uses this order id ([`StoreError::Conflict`]).
    pub fn capture(&self, draft: &OrderDraft, metadata: Metadata) -> Result<CaptureOutcome, Error> {
        if let Some(existing) = self.existing(draft)? {
            return Ok(existing);
        }
        let captured = capture(draft)?;
        let order = Order::from_captured(&captured);
        let envelope = Envelope {
            version: order.version(),
            recorded_at: self.clock.now(),
            metadata,
            event: OrderEvent::Captured(Box::new(captured)),
        };
        match self.store.append(order.id(), ExpectedVersion::NoStream, std::slice::from_ref(&envelope)) {
            Ok(_) => Ok(CaptureOutcome::Captured { order: Box::new(order), events: vec![envelope] }),
            // Another writer captured the same channel order in between: report it as a retry.
            Err(StoreError::DuplicateExternalOrder { .. }) => {
                self.existing(draft)?.ok_or_else(|| Error::OrderNotFound { order: order.id().clone() })
            }
            Err(e) => Err(e.into()),
        }
    }

    fn existing(&self, draft: &OrderDraft) -> Result<Option<CaptureOutcome>, Error> {
        let (Ok(channel), Ok(external)) = (draft.channel.id.parse(), draft.channel.external_order_id.parse()) else {
            return Ok(None);
        };
        let Some(order_id) = self.store.find_by_external_id(&channel, &external)? else {
            return Ok(None);
        };
        let stored = self.store.read(&order_id, crate::Version::ZERO)?;
        let differences = match (stored.first().map(|e| &e.event), capture(draft)) {
            (Some(OrderEvent::Captured(before)), Ok(now)) => differences(before, &now),
            (_, Err(refused)) => vec![DraftDifference {
                field: refused.field.clone(),
                captured: String::new(),
                received: format!("refused: {refused}"),
            }],
            (_, Ok(_)) => Vec::new(),
        };
        Ok(Some(CaptureOutcome::AlreadyCaptured { order_id, differences }))
    }

    /// Runs a command on an order: load, decide, append at the loaded version.
    ///
    /// A command whose metadata carries an idempotency key already recorded on the order is
    /// not run again: the events recorded the first time come back with `replayed` set.
    ///
    /// # Errors
    /// [`Error::OrderNotFound`], [`Error::Order`] when the order refuses the command (nothing
    /// written), [`Error::Store`] with [`StoreError::Conflict`] when another writer got there
    /// first (reload and retry), or another store failure.
    pub fn execute(&self, order_id: &OrderId, command: &OrderCommand, metadata: Metadata) -> Result<Executed, Error> {
        let mut order = self.order(order_id)?;
        if let Some(key) = &metadata.idempotency_key {
            let earlier = self.store.find_by_key(order_id, key)?;
            if !earlier.is_empty() {
                return Ok(Executed { order, events: earlier, replayed: true });
            }
        }
        let events = order.decide_with(command, &self.policy)?;
        let expected = ExpectedVersion::Exactly(order.version());
        let before = order.version();
        let now = self.clock.now();
        let mut envelopes = Vec::with_capacity(events.len());
        for event in events {
            order.apply(&event)?;
            envelopes.push(Envelope { version: order.version(), recorded_at: now, metadata: metadata.clone(), event });
        }
        if envelopes.is_empty() {
            return Ok(Executed { order, events: envelopes, replayed: false });
        }
        self.store.append(order_id, expected, &envelopes)?;
        if self.snapshot_every > 0 && before.get() / self.snapshot_every != order.version().get() / self.snapshot_every
        {
            // A snapshot is only an optimisation: failing to keep one loses nothing.
            let _ = self.store.save_snapshot(&order);
        }
        Ok(Executed { order, events: envelopes, replayed: false })
    }

    /// What a modification would do to the order now: events and money, nothing written.
    ///
    /// # Errors
    /// [`Error::OrderNotFound`], [`Error::Order`] with the refusal the modification would get.
    pub fn preview(&self, order_id: &OrderId, modification: &Modification) -> Result<ModificationPreview, Error> {
        Ok(self.order(order_id)?.preview(modification)?)
    }

    /// The order's customer-service timeline.
    ///
    /// # Errors
    /// [`Error::OrderNotFound`], or a store or history error.
    pub fn timeline(&self, order_id: &OrderId) -> Result<Vec<TimelineEntry>, Error> {
        let events = self.store.read(order_id, crate::Version::ZERO)?;
        if events.is_empty() {
            return Err(Error::OrderNotFound { order: order_id.clone() });
        }
        Ok(timeline(&events)?)
    }

    /// The order as it stands.
    ///
    /// # Errors
    /// [`Error::OrderNotFound`], or a store or history error.
    pub fn order(&self, order_id: &OrderId) -> Result<Order, Error> {
        self.store.load_order(order_id)?.ok_or_else(|| Error::OrderNotFound { order: order_id.clone() })
    }
}

/// Fields where a repeated capture differs from the stored one.
fn differences(before: &OrderCaptured, now: &OrderCaptured) -> Vec<DraftDifference> {
    let mut out = Vec::new();
    let mut check = |field: String, a: String, b: String| {
        if a != b {
            out.push(DraftDifference { field, captured: a, received: b });
        }
    };
    check("order_id".into(), before.order_id.to_string(), now.order_id.to_string());
    check("customer_id".into(), before.customer_id.to_string(), now.customer_id.to_string());
    check("currency".into(), before.currency.to_string(), now.currency.to_string());
    check("placed_at".into(), before.placed_at.to_rfc3339(), now.placed_at.to_rfc3339());
    check("ship_to".into(), format!("{:?}", before.ship_to), format!("{:?}", now.ship_to));
    check("lines".into(), before.lines.len().to_string(), now.lines.len().to_string());
    for (i, (a, b)) in before.lines.iter().zip(&now.lines).enumerate() {
        check(format!("lines[{i}].line_id"), a.id.to_string(), b.id.to_string());
        check(format!("lines[{i}].sku"), a.sku.to_string(), b.sku.to_string());
        check(format!("lines[{i}].quantity"), a.quantity.to_string(), b.quantity.to_string());
        check(format!("lines[{i}].fulfillment"), format!("{:?}", a.fulfillment), format!("{:?}", b.fulfillment));
        check(format!("lines[{i}].total"), a.pricing.total.to_string(), b.pricing.total.to_string());
    }
    check("totals.total".into(), before.totals.total.to_string(), now.totals.total.to_string());
    check("attributes".into(), format!("{:?}", before.attributes), format!("{:?}", now.attributes));
    check("holds".into(), format!("{:?}", before.holds), format!("{:?}", now.holds));
    out
}
