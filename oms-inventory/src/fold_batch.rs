//! The batch contract's checks and fold, shared by every [`InventoryStore`](crate::InventoryStore)
//! adapter.

use oms_core::{NodeId, Sku, Version};

use crate::{Batch, InboundSupply, StoreError, StoredPosition};

/// Checks a batch against the [`InventoryStore`](crate::InventoryStore) contract and folds its
/// movements into copies of the positions it touches: the batch is not empty, every position it
/// expects is at that version, and every movement fits its position. Returns what the adapter
/// writes: the positions it moves, each at its next version.
///
/// Adapters call it inside their transaction, after looking up the batch's key (a recorded key
/// is a duplicate, not a fold), with `read` giving a position as stored (`None`: never moved).
/// Nothing is to be written when it returns an error, so every store refuses exactly the same
/// batches.
///
/// # Errors
/// [`StoreError::InvalidBatch`], [`StoreError::Conflict`], [`StoreError::Refused`], or what
/// `read` returns.
pub fn fold_batch(
    batch: &Batch,
    mut read: impl FnMut(&Sku, &NodeId) -> Result<Option<StoredPosition>, StoreError>,
) -> Result<Vec<StoredPosition>, StoreError> {
    if batch.movements().is_empty() {
        return Err(StoreError::InvalidBatch { key: batch.key().clone(), problem: "a batch needs a movement".into() });
    }
    // Each position is read once: one the batch both expects and moves (the usual case) is
    // read for the check and kept for the fold.
    let blank = |sku: &Sku, node: &NodeId| StoredPosition {
        sku: sku.clone(),
        node: node.clone(),
        position: Default::default(),
        inbound: Vec::new(),
        version: Version::ZERO,
    };
    let mut changed: Vec<StoredPosition> = Vec::new();
    for e in batch.expected() {
        let (sku, node) = (&e.position.sku, &e.position.node);
        let stored = read(sku, node)?;
        let actual = stored.as_ref().map_or(Version::ZERO, |p| p.version);
        if !e.version.matches(actual) {
            return Err(StoreError::Conflict { sku: sku.clone(), node: node.clone(), expected: e.version, actual });
        }
        let moved = batch.movements().iter().any(|m| m.sku == *sku && m.node == *node);
        if moved && !changed.iter().any(|p| p.sku == *sku && p.node == *node) {
            changed.push(stored.unwrap_or_else(|| blank(sku, node)));
        }
    }
    for m in batch.movements() {
        let index = match changed.iter().position(|p| p.sku == m.sku && p.node == m.node) {
            Some(index) => index,
            None => {
                let stored = read(&m.sku, &m.node)?.unwrap_or_else(|| blank(&m.sku, &m.node));
                changed.push(stored);
                changed.len() - 1
            }
        };
        let Some(p) = changed.get_mut(index) else { continue };
        let folded = p.position.apply(&m.reason).and_then(|()| InboundSupply::apply(&mut p.inbound, &m.reason));
        if let Err(problem) = folded {
            return Err(StoreError::Refused {
                sku: m.sku.clone(),
                node: m.node.clone(),
                problem,
                key: batch.key().clone(),
            });
        }
    }
    for p in &mut changed {
        p.version = p.version.next();
    }
    Ok(changed)
}
