//! Reservation records: what each claim on stock holds and where.
//!
//! A reservation holds *network* stock for a channel. The units sit as holds (`reserved`) at
//! concrete nodes of the channel's pool, so the sum of holds never exceeds what the nodes have;
//! but the placement is the engine's bookkeeping, not a promise to ship from there: converting
//! the reservation allocates at the nodes routing chose, moving the holds (and, when needed,
//! other reservations' holds) out of the way. See the crate docs for the whole model.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasher;

use chrono::{DateTime, Utc};
use hashbrown::HashTable;
use oms_core::{ChannelId, IdempotencyKey, NodeId, Sku};
use serde::{Deserialize, Serialize};

use crate::ReservationId;

/// How a reservation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// Released by its holder (cancelled).
    Released,
    /// Its holds lapsed.
    Expired,
    /// Every allocated unit shipped.
    Fulfilled,
}

impl std::fmt::Display for Settlement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Settlement::Released => "released",
            Settlement::Expired => "expired",
            Settlement::Fulfilled => "fulfilled",
        })
    }
}

/// Units of one reservation at one position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hold {
    pub slot: u32,
    pub held: u32,
    pub allocated: u32,
    pub pinned: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: ReservationId,
    /// The id's hash in the index.
    hash: u64,
    pub channel: usize,
    pub channel_id: ChannelId,
    pub expires_at: Option<DateTime<Utc>>,
    /// The key that opened it; moved into the tombstone when it settles.
    pub key: Option<IdempotencyKey>,
    pub holds: Vec<Hold>,
    pub generation: u32,
    pub open: bool,
}

impl Record {
    pub fn hold(&self, slot: u32) -> Hold {
        self.holds.iter().find(|h| h.slot == slot).copied().unwrap_or(Hold {
            slot,
            held: 0,
            allocated: 0,
            pinned: false,
        })
    }

    pub fn hold_mut(&mut self, slot: u32) -> &mut Hold {
        let i = match self.holds.iter().position(|h| h.slot == slot) {
            Some(i) => i,
            None => {
                self.holds.push(Hold { slot, held: 0, allocated: 0, pinned: false });
                self.holds.len() - 1
            }
        };
        let last = self.holds.len() - 1;
        // `i` is a valid index: found above or just pushed.
        &mut self.holds[i.min(last)]
    }

    pub fn is_empty(&self) -> bool {
        self.holds.iter().all(|h| h.held == 0 && h.allocated == 0)
    }

    pub fn held(&self) -> u64 {
        self.holds.iter().map(|h| u64::from(h.held)).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tombstone {
    pub reserve_key: IdempotencyKey,
    pub settle_key: IdempotencyKey,
    pub how: Settlement,
}

#[derive(Debug, Clone)]
pub(crate) enum Entry {
    Open(u32),
    Settled(Tombstone),
}

/// All reservation records: a slab of open records (slots reused) and an index by id that
/// also remembers how settled reservations ended. The index is looked up by a hash the caller
/// keeps ([`Reservations::hash`]): a reservation's id is hashed once when it is reserved (the
/// record keeps the hash for when it settles) and once when it is released.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reservations {
    records: Vec<Record>,
    free: Vec<u32>,
    hasher: foldhash::fast::RandomState,
    index: HashTable<(ReservationId, Entry)>,
    expiry: BinaryHeap<Reverse<(DateTime<Utc>, u32, u32)>>,
    open: usize,
}

impl Reservations {
    pub fn hash(&self, id: &ReservationId) -> u64 {
        self.hasher.hash_one(id.as_str())
    }

    pub fn entry(&self, id: &ReservationId) -> Option<&Entry> {
        self.entry_hashed(self.hash(id), id)
    }

    /// `hash` is [`Reservations::hash`] of `id`.
    pub fn entry_hashed(&self, hash: u64, id: &ReservationId) -> Option<&Entry> {
        self.index.find(hash, |(k, _)| k.as_str() == id.as_str()).map(|(_, e)| e)
    }

    pub fn record(&self, slot: u32) -> Option<&Record> {
        self.records.get(slot as usize).filter(|r| r.open)
    }

    /// The id of the record in `slot`, open or just settled (slots are reused only by a later batch).
    pub fn id_of(&self, slot: u32) -> Option<&ReservationId> {
        self.records.get(slot as usize).map(|r| &r.id)
    }

    pub fn record_mut(&mut self, slot: u32) -> Option<&mut Record> {
        self.records.get_mut(slot as usize).filter(|r| r.open)
    }

    pub fn open_records(&self) -> impl Iterator<Item = (u32, &Record)> {
        self.records.iter().enumerate().filter(|(_, r)| r.open).map(|(i, r)| (i as u32, r))
    }

    pub fn settled(&self) -> impl Iterator<Item = (&ReservationId, &Tombstone)> {
        self.index.iter().filter_map(|(id, e)| match e {
            Entry::Settled(t) => Some((id, t)),
            Entry::Open(_) => None,
        })
    }

    /// Opens a record for `id` (with its [`Reservations::hash`]) and returns its slot.
    pub fn open(
        &mut self,
        (id, hash): (ReservationId, u64),
        channel: (usize, &ChannelId),
        expires_at: Option<DateTime<Utc>>,
        key: &IdempotencyKey,
    ) -> u32 {
        let (channel, channel_id) = channel;
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.records.push(Record {
                    id: id.clone(),
                    hash,
                    channel,
                    channel_id: channel_id.clone(),
                    expires_at,
                    key: None,
                    holds: Vec::new(),
                    generation: 0,
                    open: false,
                });
                (self.records.len() - 1) as u32
            }
        };
        let mut generation = 0;
        if let Some(record) = self.records.get_mut(slot as usize) {
            // Reusing the slot keeps the holds' capacity: no allocation on the hot path.
            record.holds.clear();
            record.generation = record.generation.wrapping_add(1);
            record.hash = hash;
            record.channel = channel;
            if record.channel_id != *channel_id {
                record.channel_id = channel_id.clone();
            }
            record.expires_at = expires_at;
            record.key = Some(key.clone());
            record.open = true;
            generation = record.generation;
        }
        if let Some(at) = expires_at {
            self.expiry.push(Reverse((at, slot, generation)));
        }
        // An id reserved again after it settled keeps its index entry: only the entry changes.
        match self.index.find_mut(hash, |(k, _)| k.as_str() == id.as_str()) {
            Some((_, entry)) => *entry = Entry::Open(slot),
            None => {
                let hasher = &self.hasher;
                self.index.insert_unique(hash, (id.clone(), Entry::Open(slot)), |(k, _)| hasher.hash_one(k.as_str()));
            }
        }
        if let Some(record) = self.records.get_mut(slot as usize) {
            record.id = id;
        }
        self.open += 1;
        slot
    }

    /// Closes an empty record, remembering how it ended.
    pub fn settle(&mut self, slot: u32, how: Settlement, settle_key: &IdempotencyKey) {
        let Some(record) = self.records.get_mut(slot as usize).filter(|r| r.open) else { return };
        record.open = false;
        let reserve_key = record.key.take().unwrap_or_else(|| settle_key.clone());
        let tomb = Tombstone { reserve_key, settle_key: settle_key.clone(), how };
        // The id's entry is the one open at this slot: found without comparing text.
        if let Some((_, entry)) = self.index.find_mut(record.hash, |(_, e)| matches!(e, Entry::Open(s) if *s == slot)) {
            *entry = Entry::Settled(tomb);
        }
        self.free.push(slot);
        self.open = self.open.saturating_sub(1);
        // Expiry entries of settled records are skipped lazily; compact when they pile up.
        if self.expiry.len() > 2 * self.open + 1024 {
            let records = &self.records;
            self.expiry
                .retain(|Reverse((_, s, g))| records.get(*s as usize).is_some_and(|r| r.open && r.generation == *g));
        }
    }

    /// Open records whose holds lapsed at or before `now`, oldest expiry first (ties by id).
    pub fn expired(&self, now: DateTime<Utc>) -> Vec<u32> {
        let mut due: Vec<(DateTime<Utc>, &ReservationId, u32)> = self
            .expiry
            .iter()
            .filter(|Reverse((at, _, _))| *at <= now)
            .filter_map(|&Reverse((at, slot, generation))| {
                let r = self.records.get(slot as usize)?;
                (r.open && r.generation == generation && r.expires_at == Some(at) && r.held() > 0)
                    .then_some((at, &r.id, slot))
            })
            .collect();
        due.sort();
        due.dedup_by_key(|d| d.2);
        due.into_iter().map(|(_, _, slot)| slot).collect()
    }

    pub fn forget_settled(&mut self) -> usize {
        let before = self.index.len();
        self.index.retain(|(_, e)| matches!(e, Entry::Open(_)));
        before - self.index.len()
    }
}

/// A reservation as the engine holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationView {
    /// The reservation.
    pub id: ReservationId,
    /// The channel it sells through.
    pub channel: ChannelId,
    /// When its holds lapse.
    pub expires_at: Option<DateTime<Utc>>,
    /// The key of the command that opened it.
    pub opened_by: IdempotencyKey,
    /// Units per position, sorted by sku then node.
    pub units: Vec<HeldUnits>,
}

/// A reservation's units at one position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldUnits {
    /// The item.
    pub sku: Sku,
    /// The node.
    pub node: NodeId,
    /// Units held (network stock, placed here for now).
    pub held: u32,
    /// Units allocated here (this node ships them).
    pub allocated: u32,
}

/// What the engine knows about a reservation id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReservationState {
    /// Open, with its units.
    Open(ReservationView),
    /// Settled.
    Settled {
        /// How it ended.
        how: Settlement,
    },
}
