//! The return store port: one event stream per order, holding all its RMAs.

use chrono::{DateTime, Utc};
use oms_core::{ExpectedVersion, IdempotencyKey, OrderId, Version};
use serde::{Deserialize, Serialize};

use crate::{OrderReturns, ReturnEnvelope, ReturnError, RmaId};

/// Why a store refused or failed a call. Conflicts and refusals change nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReturnStoreError {
    /// Another writer appended first: the order's return stream is not at the expected version.
    #[error("returns of order {order}: expected {expected}, but the stream is at {actual}")]
    Conflict {
        /// The order.
        order: OrderId,
        /// What the writer expected.
        expected: ExpectedVersion,
        /// Where the stream actually is.
        actual: Version,
    },
    /// A request uses an RMA id that another order (or this one) already has.
    #[error("rma {rma} already belongs to order {existing}")]
    DuplicateRma {
        /// The RMA id.
        rma: RmaId,
        /// The order that has it.
        existing: OrderId,
    },
    /// The batch breaks the contract: empty, versions not continuing the stream, or an event
    /// about an RMA this order's stream never requested.
    #[error("returns of order {order}: {problem}")]
    InvalidWrite {
        /// The order.
        order: OrderId,
        /// What is wrong with the write.
        problem: String,
    },
    /// The backend failed (connection lost, disk full, ...). The write may or may not have happened.
    #[error("return store backend failed: {source}")]
    Backend {
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// An RMA waiting for goods, with its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalDue {
    /// When it expires.
    pub due: DateTime<Utc>,
    /// The order.
    pub order: OrderId,
    /// The RMA.
    pub rma: RmaId,
}

/// Where orders' return events are kept. Implement it over your database; run
/// [`return_store_conformance!`](crate::return_store_conformance) (feature `testkit`) against it.
///
/// # Contract
/// - A stream holds one order's return events, versions 1, 2, 3, ... without gaps. An order
///   has a stream from its first return request.
/// - [`append`](ReturnStore::append) is atomic: all events of the batch are written or none.
///   It refuses with [`ReturnStoreError::Conflict`] when the stream is not at `expected`; with
///   [`ReturnStoreError::InvalidWrite`] when the batch is empty, its versions do not continue
///   the stream, or an event names an RMA that neither the stream nor the batch requested
///   before it; with [`ReturnStoreError::DuplicateRma`] when a `requested` event reuses an RMA
///   id of any order (a unique index in SQL).
/// - An RMA awaits arrival from its `approved` event until a `received`, `expired` or
///   `cancelled` one ([`ReturnEvent::arrival_watch`](crate::ReturnEvent::arrival_watch) says
///   which event does what); [`awaiting_arrival`](ReturnStore::awaiting_arrival) lists them.
/// - Reads see every append that returned before them.
pub trait ReturnStore: Send + Sync {
    /// The order's return events with a version above `after`, in version order; empty for an
    /// order without returns.
    ///
    /// # Errors
    /// [`ReturnStoreError::Backend`].
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<ReturnEnvelope>, ReturnStoreError>;

    /// Appends events to the order's stream if it is at `expected`; returns the new version.
    ///
    /// # Errors
    /// [`ReturnStoreError::Conflict`], [`ReturnStoreError::DuplicateRma`],
    /// [`ReturnStoreError::InvalidWrite`], [`ReturnStoreError::Backend`]; on any error nothing
    /// is written.
    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[ReturnEnvelope],
    ) -> Result<Version, ReturnStoreError>;

    /// The order an RMA belongs to, if the RMA exists.
    ///
    /// # Errors
    /// [`ReturnStoreError::Backend`].
    fn find_order(&self, rma: &RmaId) -> Result<Option<OrderId>, ReturnStoreError>;

    /// RMAs awaiting arrival whose deadline is at or before `due_by`, earliest first (ties by
    /// order, then RMA id).
    ///
    /// # Errors
    /// [`ReturnStoreError::Backend`].
    fn awaiting_arrival(&self, due_by: DateTime<Utc>) -> Result<Vec<ArrivalDue>, ReturnStoreError>;

    /// The events recorded under an idempotency key, oldest first; empty when the key is new.
    ///
    /// The default reads the whole stream; a database adapter can answer from an index.
    ///
    /// # Errors
    /// [`ReturnStoreError::Backend`].
    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<ReturnEnvelope>, ReturnStoreError> {
        let mut events = self.read(order, Version::ZERO)?;
        events.retain(|e| e.metadata.idempotency_key.as_ref() == Some(key));
        Ok(events)
    }
}

/// Conveniences over any [`ReturnStore`]; adapters implement only [`ReturnStore`].
pub trait ReturnStoreExt: ReturnStore {
    /// The order's returns rebuilt from its stream (empty, at version 0, when it has none).
    ///
    /// # Errors
    /// [`crate::Error::Store`] when the store fails, [`crate::Error::Return`] with
    /// [`ReturnError::InvalidHistory`] when the stream does not rebuild.
    fn load_returns(&self, order: &OrderId) -> crate::Result<OrderReturns> {
        let events = self.read(order, Version::ZERO)?;
        let mut returns = OrderReturns::new(order.clone());
        for envelope in &events {
            let expected = returns.version().next();
            if envelope.version != expected {
                return Err(ReturnError::InvalidHistory {
                    order: order.clone(),
                    version: envelope.version,
                    problem: format!("expected event {expected} but read {}", envelope.version),
                }
                .into());
            }
            returns.apply(&envelope.event)?;
        }
        Ok(returns)
    }
}

impl<T: ReturnStore + ?Sized> ReturnStoreExt for T {}

impl<S: ReturnStore + ?Sized> ReturnStore for std::sync::Arc<S> {
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<ReturnEnvelope>, ReturnStoreError> {
        (**self).read(order, after)
    }
    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[ReturnEnvelope],
    ) -> Result<Version, ReturnStoreError> {
        (**self).append(order, expected, events)
    }
    fn find_order(&self, rma: &RmaId) -> Result<Option<OrderId>, ReturnStoreError> {
        (**self).find_order(rma)
    }
    fn awaiting_arrival(&self, due_by: DateTime<Utc>) -> Result<Vec<ArrivalDue>, ReturnStoreError> {
        (**self).awaiting_arrival(due_by)
    }
    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<ReturnEnvelope>, ReturnStoreError> {
        (**self).find_by_key(order, key)
    }
}
