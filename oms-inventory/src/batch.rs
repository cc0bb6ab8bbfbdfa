//! Batches: the unit of atomic change. One command's movements, its idempotency key, and the
//! versions of the positions its decision read.

use chrono::{DateTime, Utc};
use oms_core::{ExpectedVersion, IdempotencyKey};
use serde::{Deserialize, Serialize};

use crate::{Movement, PositionKey};

/// The version a batch expects a position to be at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// The position.
    #[serde(flatten)]
    pub position: PositionKey,
    /// Its expected version (`no_stream` for a position that must not exist yet).
    pub version: ExpectedVersion,
}

/// Movements applied all together or not at all.
///
/// `expected` lists every position the decision read, written or not: applying the batch
/// checks them all, so a decision taken on a view another writer has since changed is refused
/// as a conflict (no write skew across the nodes of a channel). A position's version counts the
/// batches that moved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    key: IdempotencyKey,
    at: DateTime<Utc>,
    movements: Vec<Movement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expected: Vec<Expected>,
}

impl Batch {
    /// A batch with no version expectations (it applies whatever the positions' versions).
    pub fn new(key: IdempotencyKey, at: DateTime<Utc>, movements: Vec<Movement>) -> Batch {
        Batch { key, at, movements, expected: Vec::new() }
    }

    /// The same batch, also expecting `position` at `version`.
    pub fn expecting(mut self, position: PositionKey, version: ExpectedVersion) -> Batch {
        self.expected.push(Expected { position, version });
        self
    }

    /// The idempotency key: a second batch with the same key changes nothing.
    pub fn key(&self) -> &IdempotencyKey {
        &self.key
    }

    /// When the batch was decided.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The movements, in the order they apply.
    pub fn movements(&self) -> &[Movement] {
        &self.movements
    }

    /// The versions the batch expects, sorted by position.
    pub fn expected(&self) -> &[Expected] {
        &self.expected
    }

    pub(crate) fn from_parts(
        key: IdempotencyKey,
        at: DateTime<Utc>,
        movements: Vec<Movement>,
        expected: Vec<Expected>,
    ) -> Batch {
        Batch { key, at, movements, expected }
    }
}

/// A batch as the store recorded it, with its place in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedBatch {
    /// Position in the ledger, from 1, without gaps.
    pub seq: u64,
    /// The batch.
    pub batch: Batch,
}
