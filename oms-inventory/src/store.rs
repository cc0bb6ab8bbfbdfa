//! The inventory store port: positions and the ledger, written a batch at a time.

use oms_core::{ExpectedVersion, IdempotencyKey, NodeId, Sku, Version};
use serde::{Deserialize, Serialize};

use crate::{Batch, InboundSupply, Position, PositionKey, PositionProblem, RecordedBatch};

/// Why a store refused or failed a write. Refusals change nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A position is not at the version the batch expects: another writer was first.
    #[error("sku {sku} at node {node}: expected {expected}, but the position is at {actual}")]
    Conflict {
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// What the batch expected.
        expected: ExpectedVersion,
        /// Where the position is.
        actual: Version,
    },
    /// A movement does not fit its position (on hand would go negative, a commitment beyond
    /// what is available at a node without backorders, ...): the database's check constraint.
    #[error("sku {sku} at node {node}: {problem} (batch {key})")]
    Refused {
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// What does not fit.
        problem: PositionProblem,
        /// The batch's key.
        key: IdempotencyKey,
    },
    /// The batch breaks the contract (it is empty).
    #[error("batch {key}: {problem}")]
    InvalidBatch {
        /// The batch's key.
        key: IdempotencyKey,
        /// What is wrong.
        problem: String,
    },
    /// The backend failed (connection lost, disk full, ...). The write may or may not have happened.
    #[error("inventory store backend failed: {source}")]
    Backend {
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A position as stored, with its inbound supply and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPosition {
    /// The item.
    pub sku: Sku,
    /// The node.
    pub node: NodeId,
    /// Its counters.
    pub position: Position,
    /// Supply expected, soonest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inbound: Vec<InboundSupply>,
    /// How many batches moved it.
    pub version: Version,
}

impl StoredPosition {
    /// The position's key.
    pub fn key(&self) -> PositionKey {
        PositionKey::new(self.sku.clone(), self.node.clone())
    }
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "seq", rename_all = "snake_case")]
pub enum Written {
    /// The batch was recorded at this ledger sequence number.
    Recorded(u64),
    /// A batch with the same key was recorded before, at this sequence number; nothing changed.
    Duplicate(u64),
}

impl Written {
    /// The batch's sequence number in the ledger.
    pub fn seq(self) -> u64 {
        match self {
            Written::Recorded(seq) | Written::Duplicate(seq) => seq,
        }
    }
}

/// Where positions and the movement ledger are kept. Implement it over your database; run
/// `inventory_store_conformance!` (feature `testkit`)
/// against it.
///
/// # Contract
/// - [`apply`](InventoryStore::apply) is atomic over every position the batch touches: all its
///   movements are written, or none. In order, it
///   1. returns [`Written::Duplicate`] with the original sequence number, changing nothing, when a
///      batch with the same key was recorded before (a unique index on the key);
///   2. refuses with [`StoreError::Conflict`] when any position listed in
///      [`Batch::expected`] is not at that version (a missing position is at version 0), which
///      covers positions the decision only read;
///   3. folds each movement into its position with [`Position::apply`] and
///      [`InboundSupply::apply`] (creating positions on first use) and refuses with
///      [`StoreError::Refused`] when one does not fit;
///   4. adds 1 to the version of every position the batch moved, and appends the batch to the
///      ledger with the next sequence number (1, 2, 3, ... without gaps).
///
///   A SQL adapter does this in one transaction (`SELECT ... FOR UPDATE` the positions, check,
///   update, insert the ledger rows) or with conditional updates on the versions.
/// - Empty batches are refused with [`StoreError::InvalidBatch`].
/// - Reads see every write that returned before them.
/// - The store keeps no reservation records: they are a fold of the ledger, kept by the engine.
pub trait InventoryStore: Send + Sync {
    /// Writes a batch atomically; see the contract.
    ///
    /// # Errors
    /// [`StoreError::Conflict`], [`StoreError::Refused`], [`StoreError::InvalidBatch`],
    /// [`StoreError::Backend`]; on any error nothing is written.
    fn apply(&self, batch: &Batch) -> Result<Written, StoreError>;

    /// The positions at these keys, in the same order; `None` for a position never moved.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn positions(&self, keys: &[PositionKey]) -> Result<Vec<Option<StoredPosition>>, StoreError>;

    /// Every position of a sku, sorted by node id.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn positions_of(&self, sku: &Sku) -> Result<Vec<StoredPosition>, StoreError>;

    /// Up to `limit` recorded batches with a sequence number above `after`, in order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn ledger(&self, after: u64, limit: usize) -> Result<Vec<RecordedBatch>, StoreError>;

    /// The batch recorded under a key, if any. The default scans the ledger; a database
    /// adapter answers from its unique index.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn find_key(&self, key: &IdempotencyKey) -> Result<Option<RecordedBatch>, StoreError> {
        let mut after = 0;
        loop {
            let page = self.ledger(after, 1024)?;
            let Some(last) = page.last() else { return Ok(None) };
            after = last.seq;
            if let Some(found) = page.into_iter().find(|r| r.batch.key() == key) {
                return Ok(Some(found));
            }
        }
    }
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<S: InventoryStore + ?Sized> InventoryStore for $ty {
    fn apply(&self, batch: &Batch) -> Result<Written, StoreError> {
        (**self).apply(batch)
    }
    fn positions(&self, keys: &[PositionKey]) -> Result<Vec<Option<StoredPosition>>, StoreError> {
        (**self).positions(keys)
    }
    fn positions_of(&self, sku: &Sku) -> Result<Vec<StoredPosition>, StoreError> {
        (**self).positions_of(sku)
    }
    fn ledger(&self, after: u64, limit: usize) -> Result<Vec<RecordedBatch>, StoreError> {
        (**self).ledger(after, limit)
    }
    fn find_key(&self, key: &IdempotencyKey) -> Result<Option<RecordedBatch>, StoreError> {
        (**self).find_key(key)
    }
}
    )*};
}

forward!(std::sync::Arc<S>, &S);
