//! The outbox: integration events for the host's transport, delivered at least once.
//!
//! Every change the facade records produces integration events with a **stable id** derived
//! from what caused them (`order:O-1:7:0` is the first message of event 7 of order `O-1`), so
//! a message produced twice (a retry, a recovery pass) carries the same id and the host can
//! drop the copy. The host drains [`Outbox::pending`], publishes, then [`Outbox::ack`]s; a
//! crash before the ack publishes the same message again: at least once.

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use oms_core::{ChannelRef, CustomerId, FulfillmentOrderId, LineQuantity, Money, NodeId, OrderId, ShipmentId, Sku};
use oms_inventory::Shown;
use oms_returns::RmaId;
use serde::{Deserialize, Serialize};

/// Something a host publishes to its other systems (storefronts, payment, e-mail, WMS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IntegrationEvent {
    /// A new order was captured.
    OrderCaptured {
        /// The order.
        order: OrderId,
        /// Its channel and channel order number.
        channel: ChannelRef,
        /// The customer.
        customer: CustomerId,
        /// What the customer pays.
        total: Money,
    },
    /// Units wait for stock.
    Backordered {
        /// The order.
        order: OrderId,
        /// The units.
        lines: Vec<LineQuantity>,
    },
    /// A fulfillment order went to its node: the node's system should pick it.
    FulfillmentReleased {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
    },
    /// A parcel left a node.
    Shipped {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The shipment.
        shipment: ShipmentId,
        /// The carrier.
        carrier: String,
        /// The tracking number.
        tracking: String,
        /// What is in it.
        lines: Vec<LineQuantity>,
    },
    /// A parcel was delivered.
    Delivered {
        /// The order.
        order: OrderId,
        /// The shipment.
        shipment: ShipmentId,
    },
    /// Units wait at the pickup store.
    ReadyForPickup {
        /// The order.
        order: OrderId,
        /// The store.
        store: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
    },
    /// The customer collected units.
    Collected {
        /// The order.
        order: OrderId,
        /// The store.
        store: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
    },
    /// Units were cancelled.
    Cancelled {
        /// The order.
        order: OrderId,
        /// The units.
        lines: Vec<LineQuantity>,
        /// Why.
        reason: String,
    },
    /// Money is due back to the customer: the payment provider should refund it.
    RefundRequested {
        /// The order.
        order: OrderId,
        /// How much.
        amount: Money,
        /// Why (cancellation, shipping, return).
        reason: String,
        /// A reference to pass to the payment provider as its idempotency key.
        reference: String,
    },
    /// Money is due from the customer: the payment provider should charge it.
    ChargeRequested {
        /// The order.
        order: OrderId,
        /// How much.
        amount: Money,
        /// Why (a modification, an uneven exchange, an advance exchange never returned).
        reason: String,
        /// A reference to pass to the payment provider as its idempotency key.
        reference: String,
    },
    /// What a channel shows for a sku changed: push it to the storefront or marketplace.
    AvailabilityChanged {
        /// The sku.
        sku: Sku,
        /// The channel.
        channel: oms_core::ChannelId,
        /// What it showed.
        before: Shown,
        /// What it shows now.
        after: Shown,
    },
    /// A return moved on (requested, approved, rejected, received, inspected, refunded, ...).
    ReturnUpdated {
        /// The order.
        order: OrderId,
        /// The return.
        rma: RmaId,
        /// What happened, as the return event's type (`approved`, `received`, ...).
        step: String,
    },
    /// An exchange's replacement became a new order.
    ReplacementOrdered {
        /// The original order.
        order: OrderId,
        /// The return.
        rma: RmaId,
        /// The new order.
        replacement: OrderId,
    },
}

/// One outbox message: a stable id, when it was produced, and the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Stable across retries and recovery: the same cause always gives the same id.
    pub id: String,
    /// When the facade produced it.
    pub at: DateTime<Utc>,
    /// The event.
    pub event: IntegrationEvent,
}

/// Why the outbox failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// The backend failed.
    #[error("outbox backend failed: {source}")]
    Backend {
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Where integration events wait for the host to publish them.
///
/// # Contract
/// - [`push`](Outbox::push) keeps messages in order; a message whose id is already pending is
///   not added again (producers may repeat themselves).
/// - [`pending`](Outbox::pending) returns the oldest unacknowledged messages without removing them.
/// - [`ack`](Outbox::ack) removes delivered messages; unknown ids are ignored.
pub trait Outbox: Send + Sync {
    /// Adds messages.
    ///
    /// # Errors
    /// [`OutboxError::Backend`].
    fn push(&self, messages: Vec<OutboxMessage>) -> Result<(), OutboxError>;

    /// Up to `limit` unacknowledged messages, oldest first.
    ///
    /// # Errors
    /// [`OutboxError::Backend`].
    fn pending(&self, limit: usize) -> Result<Vec<OutboxMessage>, OutboxError>;

    /// Marks messages as delivered.
    ///
    /// # Errors
    /// [`OutboxError::Backend`].
    fn ack(&self, ids: &[String]) -> Result<(), OutboxError>;
}

/// An in-memory [`Outbox`].
///
/// ```
/// use oms::{InMemoryOutbox, IntegrationEvent, Outbox, OutboxMessage};
/// let outbox = InMemoryOutbox::new();
/// let message = OutboxMessage {
///     id: "order:O-1:3:0".into(),
///     at: "2026-11-27T10:00:00Z".parse().unwrap(),
///     event: IntegrationEvent::Delivered { order: "O-1".parse().unwrap(), shipment: "S-1".parse().unwrap() },
/// };
/// outbox.push(vec![message.clone(), message.clone()])?; // the repeat is dropped
/// let pending = outbox.pending(10)?;
/// assert_eq!(pending.len(), 1);
/// outbox.ack(&[pending[0].id.clone()])?;
/// assert!(outbox.pending(10)?.is_empty());
/// # Ok::<(), oms::OutboxError>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryOutbox {
    inner: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    queue: VecDeque<OutboxMessage>,
    ids: HashSet<String>,
}

impl InMemoryOutbox {
    /// An empty outbox.
    pub fn new() -> InMemoryOutbox {
        InMemoryOutbox::default()
    }

    /// Messages waiting.
    pub fn len(&self) -> usize {
        self.lock().queue.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes and returns everything waiting (publish-and-forget, for tests and examples).
    pub fn drain(&self) -> Vec<OutboxMessage> {
        let mut inner = self.lock();
        inner.ids.clear();
        inner.queue.drain(..).collect()
    }

    // Nothing panics while the lock is held, so a poisoned lock still guards consistent data.
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Outbox for InMemoryOutbox {
    fn push(&self, messages: Vec<OutboxMessage>) -> Result<(), OutboxError> {
        let mut inner = self.lock();
        for message in messages {
            if inner.ids.insert(message.id.clone()) {
                inner.queue.push_back(message);
            }
        }
        Ok(())
    }

    fn pending(&self, limit: usize) -> Result<Vec<OutboxMessage>, OutboxError> {
        Ok(self.lock().queue.iter().take(limit).cloned().collect())
    }

    fn ack(&self, ids: &[String]) -> Result<(), OutboxError> {
        let mut inner = self.lock();
        let acked: HashSet<&String> = ids.iter().collect();
        inner.queue.retain(|m| !acked.contains(&m.id));
        for id in ids {
            inner.ids.remove(id);
        }
        Ok(())
    }
}

impl<O: Outbox + ?Sized> Outbox for std::sync::Arc<O> {
    fn push(&self, messages: Vec<OutboxMessage>) -> Result<(), OutboxError> {
        (**self).push(messages)
    }
    fn pending(&self, limit: usize) -> Result<Vec<OutboxMessage>, OutboxError> {
        (**self).pending(limit)
    }
    fn ack(&self, ids: &[String]) -> Result<(), OutboxError> {
        (**self).ack(ids)
    }
}
