//! The order store port.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ChannelId, ChannelRef, CustomerId, Envelope, Error, ExpectedVersion, ExternalOrderId, IdempotencyKey, Money, Order,
    OrderError, OrderEvent, OrderId, Version,
};

/// An order's events as stored.
pub type OrderEnvelope = Envelope<OrderEvent>;

/// Why a store refused or failed a call. Conflicts and refusals change nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer appended first: the stream is not at the expected version.
    #[error("order {order}: expected {expected}, but the stream is at {actual}")]
    Conflict {
        /// The order.
        order: OrderId,
        /// What the writer expected.
        expected: ExpectedVersion,
        /// Where the stream actually is.
        actual: Version,
    },
    /// A new order was appended for a channel order number that another order already has.
    #[error("channel {channel} order {external_order_id} was already captured as order {existing}")]
    DuplicateExternalOrder {
        /// The channel.
        channel: ChannelId,
        /// The channel's order number.
        external_order_id: ExternalOrderId,
        /// The order that has it.
        existing: OrderId,
    },
    /// The batch breaks the contract: empty, versions not consecutive, a new stream not
    /// starting with a capture of this order, a snapshot ahead of its stream.
    #[error("order {order}: {problem}")]
    InvalidWrite {
        /// The order.
        order: OrderId,
        /// What is wrong with the write.
        problem: String,
    },
    /// The backend failed (connection lost, disk full, ...). The write may or may not have happened.
    #[error("order store backend failed: {source}")]
    Backend {
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// One order in a customer's order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// The order.
    pub order_id: OrderId,
    /// Its channel and channel order number.
    pub channel: ChannelRef,
    /// When it was placed.
    pub placed_at: DateTime<Utc>,
    /// Its total as captured.
    pub total: Money,
}

/// Where orders' events are kept. Implement it over your database; run
/// [`order_store_conformance!`](crate::order_store_conformance) (feature `testkit`) against it.
///
/// # Contract
/// - A stream is an order's events with versions 1, 2, 3, ... without gaps.
/// - [`append`](OrderStore::append) is atomic: all events of the batch are written or none.
///   It refuses with [`StoreError::Conflict`] when the stream is not at `expected`, and with
///   [`StoreError::InvalidWrite`] when the batch is empty, its versions do not continue the
///   stream, or a new stream does not start with the [`OrderEvent::Captured`] of this order.
/// - The pair (channel, external order id) of a captured order is unique: appending the capture
///   of another order with the same pair fails with [`StoreError::DuplicateExternalOrder`]
///   (a unique index in SQL).
/// - Reads see every append that returned before them.
/// - Snapshots are an optimisation: a store may drop them, but never return one ahead of its stream.
pub trait OrderStore: Send + Sync {
    /// The order's events with a version above `after`, in version order; empty for an
    /// unknown order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<OrderEnvelope>, StoreError>;

    /// Appends events to the order's stream if it is at `expected`; returns the new version.
    ///
    /// # Errors
    /// [`StoreError::Conflict`], [`StoreError::DuplicateExternalOrder`],
    /// [`StoreError::InvalidWrite`], [`StoreError::Backend`]; on any error nothing is written.
    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[OrderEnvelope],
    ) -> Result<Version, StoreError>;

    /// The order captured with this channel order number, if any.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn find_by_external_id(
        &self,
        channel: &ChannelId,
        external_order_id: &ExternalOrderId,
    ) -> Result<Option<OrderId>, StoreError>;

    /// A customer's orders across all channels, oldest first (ties by order id).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn customer_orders(&self, customer: &CustomerId) -> Result<Vec<OrderSummary>, StoreError>;

    /// Keeps a snapshot of the order at its version; an older snapshot than the one kept is ignored.
    ///
    /// # Errors
    /// [`StoreError::InvalidWrite`] when the snapshot is ahead of the stream; [`StoreError::Backend`].
    fn save_snapshot(&self, order: &Order) -> Result<(), StoreError>;

    /// The newest snapshot kept for the order, if any.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn load_snapshot(&self, order: &OrderId) -> Result<Option<Order>, StoreError>;

    /// The events recorded under an idempotency key, oldest first; empty when the key is new.
    ///
    /// The default reads the whole stream; a database adapter can answer from an index.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<OrderEnvelope>, StoreError> {
        let mut events = self.read(order, Version::ZERO)?;
        events.retain(|e| e.metadata.idempotency_key.as_ref() == Some(key));
        Ok(events)
    }
}

/// Conveniences over any [`OrderStore`]; adapters implement only [`OrderStore`].
pub trait OrderStoreExt: OrderStore {
    /// The order rebuilt from its newest snapshot and the events after it; `None` when unknown.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails, [`Error::Order`] with
    /// [`OrderError::InvalidHistory`] when the stream does not rebuild (gaps, corrupt events).
    fn load_order(&self, id: &OrderId) -> Result<Option<Order>, Error> {
        let snapshot = self.load_snapshot(id)?;
        let after = snapshot.as_ref().map_or(Version::ZERO, Order::version);
        let events = self.read(id, after)?;
        let mut order = match snapshot {
            Some(order) => order,
            None => match events.first() {
                None => return Ok(None),
                Some(first) => {
                    check_version(None, first.version, Version::new(1))?;
                    Order::replay(std::iter::once(&first.event))?
                }
            },
        };
        let start = order.version();
        for envelope in events.iter().skip_while(|e| e.version <= start) {
            check_version(Some(order.id()), envelope.version, order.version().next())?;
            order.apply(&envelope.event)?;
        }
        Ok(Some(order))
    }
}

impl<T: OrderStore + ?Sized> OrderStoreExt for T {}

fn check_version(order: Option<&OrderId>, found: Version, expected: Version) -> Result<(), OrderError> {
    if found == expected {
        Ok(())
    } else {
        Err(OrderError::InvalidHistory {
            order: order.cloned(),
            version: found,
            problem: format!("expected event {expected} but read {found}"),
        })
    }
}

impl<S: OrderStore + ?Sized> OrderStore for std::sync::Arc<S> {
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<OrderEnvelope>, StoreError> {
        (**self).read(order, after)
    }
    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[OrderEnvelope],
    ) -> Result<Version, StoreError> {
        (**self).append(order, expected, events)
    }
    fn find_by_external_id(
        &self,
        channel: &ChannelId,
        external: &ExternalOrderId,
    ) -> Result<Option<OrderId>, StoreError> {
        (**self).find_by_external_id(channel, external)
    }
    fn customer_orders(&self, customer: &CustomerId) -> Result<Vec<OrderSummary>, StoreError> {
        (**self).customer_orders(customer)
    }
    fn save_snapshot(&self, order: &Order) -> Result<(), StoreError> {
        (**self).save_snapshot(order)
    }
    fn load_snapshot(&self, order: &OrderId) -> Result<Option<Order>, StoreError> {
        (**self).load_snapshot(order)
    }
    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<OrderEnvelope>, StoreError> {
        (**self).find_by_key(order, key)
    }
}
