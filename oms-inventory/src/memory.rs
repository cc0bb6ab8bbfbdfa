//! A thread-safe in-memory [`InventoryStore`], as strict as a database.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use foldhash::fast::RandomState;

use oms_core::{IdempotencyKey, NodeId, Sku, Version};

use crate::{
    Batch, InboundSupply, InventoryStore, Position, PositionKey, RecordedBatch, StoreError, StoredPosition, Written,
    fold_batch,
};

#[derive(Debug, Clone, Default)]
struct Row {
    position: Position,
    inbound: Vec<InboundSupply>,
    version: u64,
}

// foldhash, not std's SipHash: every batch looks up and inserts a key and its positions by
// short strings, and SipHash cost several times more per lookup (no iteration order leaks out:
// positions are listed through the per-sku B-tree, keys are only looked up).
#[derive(Debug, Default)]
struct Inner {
    positions: HashMap<Sku, BTreeMap<NodeId, Row>, RandomState>,
    ledger: Vec<RecordedBatch>,
    keys: HashMap<IdempotencyKey, u64, RandomState>,
}

impl Inner {
    fn row(&self, sku: &Sku, node: &NodeId) -> Option<&Row> {
        self.positions.get(sku).and_then(|nodes| nodes.get(node))
    }
}

/// Positions and ledger kept in memory: for tests, examples and hosts that persist elsewhere.
///
/// It enforces the whole [`InventoryStore`] contract (duplicate keys, version conflicts,
/// movements that do not fit, atomic batches), so code tested against it behaves the same on a
/// database.
///
/// ```
/// use oms_inventory::{InMemoryInventoryStore, InventoryStore};
/// let store = InMemoryInventoryStore::new();
/// assert!(store.ledger(0, 10)?.is_empty());
/// # Ok::<(), oms_inventory::StoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryInventoryStore {
    inner: Mutex<Inner>,
}

impl InMemoryInventoryStore {
    /// An empty store.
    pub fn new() -> InMemoryInventoryStore {
        InMemoryInventoryStore::default()
    }

    /// Number of batches in the ledger.
    pub fn ledger_len(&self) -> usize {
        self.lock().ledger.len()
    }

    // Nothing panics while the lock is held, so a poisoned lock still guards consistent data.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn stored(sku: &Sku, node: &NodeId, row: &Row) -> StoredPosition {
    StoredPosition {
        sku: sku.clone(),
        node: node.clone(),
        position: row.position,
        inbound: row.inbound.clone(),
        version: Version::new(row.version),
    }
}

impl InventoryStore for InMemoryInventoryStore {
    fn apply(&self, batch: &Batch) -> Result<Written, StoreError> {
        let mut inner = self.lock();
        if let Some(&seq) = inner.keys.get(batch.key()) {
            return Ok(Written::Duplicate(seq));
        }
        let changed = fold_batch(batch, |sku, node| Ok(inner.row(sku, node).map(|r| stored(sku, node, r))))?;
        let seq = inner.ledger.len() as u64 + 1;
        for p in changed {
            let row = Row { position: p.position, inbound: p.inbound, version: p.version.get() };
            inner.positions.entry(p.sku).or_default().insert(p.node, row);
        }
        inner.ledger.push(RecordedBatch { seq, batch: batch.clone() });
        inner.keys.insert(batch.key().clone(), seq);
        Ok(Written::Recorded(seq))
    }

    fn positions(&self, keys: &[PositionKey]) -> Result<Vec<Option<StoredPosition>>, StoreError> {
        let inner = self.lock();
        Ok(keys.iter().map(|k| inner.row(&k.sku, &k.node).map(|r| stored(&k.sku, &k.node, r))).collect())
    }

    fn positions_of(&self, sku: &Sku) -> Result<Vec<StoredPosition>, StoreError> {
        let inner = self.lock();
        Ok(inner
            .positions
            .get(sku)
            .map_or_else(Vec::new, |nodes| nodes.iter().map(|(node, row)| stored(sku, node, row)).collect()))
    }

    fn ledger(&self, after: u64, limit: usize) -> Result<Vec<RecordedBatch>, StoreError> {
        let inner = self.lock();
        let skip = usize::try_from(after).unwrap_or(usize::MAX);
        Ok(inner.ledger.iter().skip(skip).take(limit).cloned().collect())
    }

    fn find_key(&self, key: &IdempotencyKey) -> Result<Option<RecordedBatch>, StoreError> {
        let inner = self.lock();
        let seq = inner.keys.get(key).copied();
        Ok(seq.and_then(|s| inner.ledger.get(s as usize - 1)).cloned())
    }
}
