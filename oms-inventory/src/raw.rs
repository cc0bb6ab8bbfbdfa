//! Batches in index form: what a decision builds and a fold reads, with ids resolved to dense
//! indices and buffers kept between calls so the hot path does not allocate.

use chrono::{DateTime, Utc};
use oms_core::{ExpectedVersion, IdempotencyKey, Sku};

use crate::network::Map;
use crate::{Reason, ReservationId};

/// Which reservation a raw movement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Claim {
    None,
    /// An open record's slot.
    Open(u32),
    /// The i-th reservation the batch opens.
    New(u32),
}

/// A movement with ids resolved to indices. `slot` may be virtual: `slots.len() + i` for the
/// i-th position the batch creates.
#[derive(Debug, Clone)]
pub(crate) struct RawMovement {
    pub slot: u32,
    pub claim: Claim,
    pub reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum OutcomeKind {
    #[default]
    Done,
    Reserved,
    Expired,
    Duplicate,
}

/// A reservation a batch opens: its id (moved into the record when the batch commits), channel,
/// the id's hash in the reservation index, and the record's slot once opened.
#[derive(Debug, Clone)]
pub(crate) struct NewReservation {
    pub id: Option<ReservationId>,
    pub channel: usize,
    pub hash: u64,
    pub opened: Option<u32>,
}

/// A batch in index form, reused between calls so the hot path does not allocate.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawBatch {
    /// The key's hash in the engine's key window, and its text: `Executed::batch` rebuilds
    /// the key from it. A copy of a short string costs less than a clone of the caller's id
    /// (a reference count up now and down at the next command).
    pub key_hash: u64,
    pub key_text: String,
    pub at: Option<DateTime<Utc>>,
    pub movements: Vec<RawMovement>,
    /// Versions an outside batch expects (a decision's are derived by `to_batch`).
    pub expected: Vec<(u32, ExpectedVersion)>,
    /// What a decision read besides the positions it moves: every position of `sku` behind
    /// `channel`'s figure, as (sku, channel).
    pub reads: Vec<(u32, usize)>,
    /// Number of slots when the batch was decided: higher slots are positions it creates.
    pub base_slots: u32,
    /// Set once the batch is committed: its moved positions are then one version further.
    pub committed: bool,
    /// Skus the batch introduces; sku index `skus.len() + j`.
    pub new_skus: Vec<Sku>,
    /// (sku index, node) of positions the batch creates.
    pub new_positions: Vec<(u32, u32)>,
    /// Reservations the batch opens.
    pub new_reservations: Vec<NewReservation>,
    /// Indexes of `new_skus` and `new_positions`, for batches that create many.
    pub new_sku_ix: Map<Sku, u32>,
    pub new_position_ix: Map<(u32, u32), u32>,
    pub outcome: OutcomeKind,
    /// For a reservation: (sku index, requested, reserved).
    pub lines: Vec<(u32, u64, u64)>,
    /// For a reservation: the sku index of each request line.
    pub line_skus: Vec<u32>,
    pub expired: Vec<ReservationId>,
}

impl RawBatch {
    pub fn reset(&mut self, key: &IdempotencyKey, key_hash: u64, at: DateTime<Utc>, base_slots: usize) {
        self.key_hash = key_hash;
        self.key_text.clear();
        self.key_text.push_str(key.as_str());
        self.at = Some(at);
        self.base_slots = base_slots as u32;
        self.committed = false;
        self.movements.clear();
        self.expected.clear();
        self.reads.clear();
        self.new_skus.clear();
        self.new_positions.clear();
        // Clearing an empty map still wipes its control bytes: skip it on the common path.
        if !self.new_sku_ix.is_empty() {
            self.new_sku_ix.clear();
        }
        if !self.new_position_ix.is_empty() {
            self.new_position_ix.clear();
        }
        self.new_reservations.clear();
        self.outcome = OutcomeKind::Done;
        self.lines.clear();
        self.line_skus.clear();
        self.expired.clear();
    }
}
