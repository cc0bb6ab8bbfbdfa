//! Folding batches into the engine: resolve ids to indices, check the whole batch against a
//! copy-on-write overlay (nothing changes when any movement does not fit), then commit.

use oms_core::{ExpectedVersion, IdempotencyKey, NodeId, Sku, Version};
use serde::{Deserialize, Serialize};

use crate::inventory::Slot;
use crate::overlay::Overlay;
use crate::raw::{Claim, NewReservation, RawBatch, RawMovement};
use crate::reservation::Entry;
use crate::{
    AvailabilityChanged, Batch, Error, Expected, InboundSupply, Inventory, InventoryConfig, Movement, Position,
    PositionKey, Reason, RecordedBatch, ReleaseCause, ReservationId, Result, Settlement,
};

/// Working memory of the engine, kept between calls.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    pub raw: RawBatch,
    pub positions: Overlay<u32, Position>,
    pub holds: Overlay<(Claim, u32), (i64, i64)>,
    pub inbound: Overlay<u32, Vec<InboundSupply>>,
    pub placement: crate::placement::Placement,
    /// Sku lookups of a batch: hashes and results.
    hashes: Vec<u32>,
    found: Vec<Option<crate::sku_index::Found>>,
    /// `sku << 32 | class` for each position whose free stock changed.
    dirty: Vec<u64>,
    /// Reservations a batch moved, with how the last movement would settle them.
    records: Vec<(u32, Settlement)>,
    pub feed: Vec<AvailabilityChanged>,
}

/// What applying a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Applied {
    /// The batch's key was seen before: nothing changed.
    pub duplicate: bool,
    /// Changes in what channels show, ordered by sku (in the order the ledger introduced
    /// them) then channel (in configuration order).
    pub feed: Vec<AvailabilityChanged>,
}

fn touches_supply(reason: &Reason) -> bool {
    matches!(
        reason,
        Reason::ExpectSupply { .. }
            | Reason::CancelSupply { .. }
            | Reason::Receive { supply: Some(_), .. }
            | Reason::TransferIn { .. }
    )
}

/// True when both strings are the same memory: ids sharing one allocation (clones of one id).
fn same_allocation(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b)
}

fn settlement(reason: &Reason) -> Settlement {
    match reason {
        Reason::Release { cause: ReleaseCause::Expired, .. } => Settlement::Expired,
        Reason::Ship { .. } => Settlement::Fulfilled,
        _ => Settlement::Released,
    }
}

impl Inventory {
    /// Rebuilds an inventory from its configuration and ledger.
    ///
    /// # Errors
    /// [`Error::Config`] for a refused configuration; the first batch that does not apply.
    pub fn replay<'a>(config: InventoryConfig, batches: impl IntoIterator<Item = &'a Batch>) -> Result<Inventory> {
        let mut inventory = Inventory::new(config)?;
        for batch in batches {
            inventory.apply(batch)?;
        }
        Ok(inventory)
    }

    /// Folds a batch in: all its movements or none.
    ///
    /// A batch whose key the engine remembers changes nothing (`duplicate` is set).
    ///
    /// # Errors
    /// [`Error::Conflict`] when a position is not at the version the batch expects;
    /// [`Error::Position`] when a movement does not fit its position; [`Error::UnknownNode`],
    /// [`Error::UnknownChannel`]; [`Error::InvalidBatch`] when reservation movements do not
    /// match what the reservations hold. On any error nothing changes.
    pub fn apply(&mut self, batch: &Batch) -> Result<Applied> {
        let key_hash = self.keys.hash(batch.key());
        if self.keys.contains_hashed(key_hash, batch.key()) {
            return Ok(Applied { duplicate: true, feed: Vec::new() });
        }
        let mut scratch = self.scratch.take().unwrap_or_default();
        let result = self.resolve(batch, key_hash, &mut scratch).and_then(|()| self.check(&mut scratch, batch.key()));
        if result.is_ok() {
            self.commit(&mut scratch, batch.key());
        }
        // Moved out (no reference counts touched) into a vector of the exact size; the
        // scratch vector keeps its capacity for the next batch.
        let feed: Vec<AvailabilityChanged> = scratch.feed.drain(..).collect();
        self.scratch = Some(scratch);
        result.map(|()| Applied { duplicate: false, feed })
    }

    /// Applies a batch read from the store's ledger and remembers its sequence number, so
    /// [`Inventory::ledger_seq`] says where to resume. Batches at or below that number are skipped.
    ///
    /// # Errors
    /// As [`Inventory::apply`].
    pub fn apply_recorded(&mut self, recorded: &RecordedBatch) -> Result<Applied> {
        if recorded.seq <= self.seq {
            return Ok(Applied { duplicate: true, feed: Vec::new() });
        }
        let applied = self.apply(&recorded.batch)?;
        self.seq = recorded.seq;
        Ok(applied)
    }

    /// Resolves a public batch into `scratch.raw`.
    ///
    /// Skus are looked up for the whole batch at once (`SkuIndex::find_many`), and every
    /// position's slot is touched before the check reads it: with the batch's loads issued
    /// together, random positions cost about one memory latency per pass, not one per miss.
    fn resolve(&self, batch: &Batch, key_hash: u64, scratch: &mut Scratch) -> Result<()> {
        let Scratch { raw, hashes, found, .. } = scratch;
        raw.reset(batch.key(), key_hash, batch.at(), self.slots.len());
        let key = batch.key();
        let agg = &self.agg;
        self.index.find_many(batch.movements().iter().map(|m| &m.sku), hashes, found, |s| agg.touch(s) as u64);
        let mut last_node: Option<(&NodeId, u32)> = None;
        for (m, &sku) in batch.movements().iter().zip(found.iter()) {
            let n = match last_node {
                Some((id, n)) if id.as_str() == m.node.as_str() => n,
                _ => {
                    let n = self
                        .node_of(&m.node)
                        .ok_or_else(|| Error::UnknownNode { node: m.node.clone(), key: Some(key.clone()) })?
                        as u32;
                    last_node = Some((&m.node, n));
                    n
                }
            };
            let slot = match sku.and_then(|f| self.index.slot_of_found(f, n)) {
                Some(slot) => slot,
                None => self.new_position(sku.map(|f| f.sku), &m.sku, n, raw),
            };
            let claim = match &m.reservation {
                None => Claim::None,
                Some(id) => match raw.new_reservations.iter().position(|n| n.id.as_ref() == Some(id)) {
                    Some(i) => Claim::New(i as u32),
                    None => match (self.res.entry_hashed(self.res.hash(id), id), &m.reason) {
                        (Some(Entry::Open(r)), _) => Claim::Open(*r),
                        (_, Reason::Reserve { channel, .. }) => {
                            let c = self.net.channel_index(channel).ok_or_else(|| Error::UnknownChannel {
                                channel: channel.clone(),
                                key: Some(key.clone()),
                            })?;
                            raw.new_reservations.push(NewReservation {
                                id: Some(id.clone()),
                                channel: c,
                                hash: self.res.hash(id),
                                opened: None,
                            });
                            Claim::New((raw.new_reservations.len() - 1) as u32)
                        }
                        _ => {
                            return Err(Error::InvalidBatch {
                                key: key.clone(),
                                problem: format!("{} names reservation {id}, which is not open", m.reason.kind()),
                            });
                        }
                    },
                },
            };
            raw.movements.push(RawMovement { slot, claim, reason: m.reason.clone() });
        }
        for e in batch.expected() {
            let existing =
                self.sku_of(&e.position.sku).zip(self.node_of(&e.position.node)).and_then(|(s, n)| self.slot_of(s, n));
            match existing {
                Some(slot) => raw.expected.push((slot, e.version)),
                None if e.version.matches(Version::ZERO) => {}
                None => {
                    return Err(Error::Conflict {
                        sku: e.position.sku.clone(),
                        node: e.position.node.clone(),
                        expected: e.version,
                        actual: Version::ZERO,
                    });
                }
            }
        }
        Ok(())
    }

    /// The slot of `sku` at `node`, or a virtual slot the batch will create.
    pub(crate) fn resolve_position(
        &self,
        sku: &Sku,
        node: &NodeId,
        key: &IdempotencyKey,
        raw: &mut RawBatch,
    ) -> Result<u32> {
        let n =
            self.node_of(node).ok_or_else(|| Error::UnknownNode { node: node.clone(), key: Some(key.clone()) })? as u32;
        let s = self.sku_of(sku);
        match s.and_then(|s| self.index.slot(s, n)) {
            Some(slot) => Ok(slot),
            None => Ok(self.new_position(s, sku, n, raw)),
        }
    }

    /// The virtual slot of a position the batch creates: `slots.len() + i` for the i-th one.
    /// `known` is the sku's index when the engine already has it.
    fn new_position(&self, known: Option<u32>, sku: &Sku, n: u32, raw: &mut RawBatch) -> u32 {
        let sku_ref = match known {
            Some(s) => s,
            None => {
                let next = raw.new_skus.len() as u32;
                let j = *raw.new_sku_ix.entry(sku.clone()).or_insert(next);
                if j == next {
                    raw.new_skus.push(sku.clone());
                }
                self.index.len() as u32 + j
            }
        };
        let next = raw.new_positions.len() as u32;
        let i = *raw.new_position_ix.entry((sku_ref, n)).or_insert(next);
        if i == next {
            raw.new_positions.push((sku_ref, n));
        }
        self.slots.len() as u32 + i
    }

    /// Sku and node names of a (possibly virtual) slot.
    pub(crate) fn names(&self, raw: &RawBatch, slot: u32) -> (Sku, NodeId) {
        let (sku, node) = match self.slot(slot) {
            Some(s) => (s.sku, s.node),
            None => raw.new_positions.get(slot as usize - self.slots.len()).copied().unwrap_or((u32::MAX, u32::MAX)),
        };
        let sku = self
            .sku_name(sku)
            .or_else(|| raw.new_skus.get((sku as usize).wrapping_sub(self.index.len())))
            .cloned()
            .unwrap_or_else(unnamed_sku);
        let node = self.net.node_id(node as usize).cloned().unwrap_or_else(unnamed_node);
        (sku, node)
    }

    pub(crate) fn reservation_name(&self, raw: &RawBatch, claim: Claim) -> Option<ReservationId> {
        match claim {
            Claim::None => None,
            Claim::Open(r) => self.res.id_of(r).cloned(),
            Claim::New(i) => raw.new_reservations.get(i as usize).and_then(|n| match (&n.id, n.opened) {
                (Some(id), _) => Some(id.clone()),
                (None, Some(r)) => self.res.id_of(r).cloned(),
                (None, None) => None,
            }),
        }
    }

    /// Checks every movement of `raw` against an overlay; changes nothing.
    pub(crate) fn check(&self, scratch: &mut Scratch, key: &IdempotencyKey) -> Result<()> {
        let Scratch { raw, positions, holds, inbound, .. } = scratch;
        let key = || key.clone();
        for &(slot, expected) in &raw.expected {
            let actual = Version::new(self.slot(slot).map_or(0, |s| u64::from(s.version)));
            if !expected.matches(actual) {
                let (sku, node) = self.names(raw, slot);
                return Err(Error::Conflict { sku, node, expected, actual });
            }
        }
        positions.clear();
        holds.clear();
        inbound.clear();
        // Touch every position first (see `resolve`): their misses overlap.
        // A slot may straddle two cache lines: read its first and last fields.
        let touched =
            raw.movements.iter().fold(0u32, |t, m| t ^ self.slot(m.slot).map_or(0, |s| s.pos.on_hand() ^ s.node));
        std::hint::black_box(touched);
        for m in &raw.movements {
            let base = self.slot(m.slot).map_or_else(Position::default, |s| s.pos);
            let position = positions.entry(m.slot, || base);
            if let Err(problem) = position.apply(&m.reason) {
                let (sku, node) = self.names(raw, m.slot);
                return Err(Error::Position { sku, node, problem, key: key() });
            }
            if touches_supply(&m.reason) {
                let lines = inbound.entry(m.slot, || self.inbound.get(&m.slot).cloned().unwrap_or_default());
                if let Err(problem) = InboundSupply::apply(lines, &m.reason) {
                    let (sku, node) = self.names(raw, m.slot);
                    return Err(Error::Position { sku, node, problem, key: key() });
                }
            }
            let invalid = |problem: String| Error::InvalidBatch { key: key(), problem };
            match (m.claim, m.reason.is_claim()) {
                (Claim::None, false) => continue,
                (Claim::None, true) => return Err(invalid(format!("{} names no reservation", m.reason.kind()))),
                (_, false) => return Err(invalid(format!("{} cannot belong to a reservation", m.reason.kind()))),
                (claim, true) => {
                    let record = match claim {
                        Claim::Open(r) => {
                            Some(self.res.record(r).ok_or_else(|| invalid("reservation not open".into()))?)
                        }
                        _ => None,
                    };
                    if let (Some(record), Reason::Reserve { channel, .. }) = (record, &m.reason) {
                        if self.net.channel(record.channel).map(|c| &c.id) != Some(channel) {
                            return Err(invalid(format!("reservation {} sells through another channel", record.id)));
                        }
                    }
                    let base = record.map_or((0, 0), |r| {
                        let h = r.hold(m.slot);
                        (i64::from(h.held), i64::from(h.allocated))
                    });
                    let hold = holds.entry((claim, m.slot), || base);
                    match m.reason {
                        Reason::Reserve { quantity, .. } => hold.0 += i64::from(quantity),
                        Reason::Release { quantity, .. } => hold.0 -= i64::from(quantity),
                        Reason::Allocate { quantity } => hold.1 += i64::from(quantity),
                        Reason::Deallocate { quantity, .. } | Reason::Ship { quantity } => {
                            hold.1 -= i64::from(quantity);
                        }
                        _ => {}
                    }
                    if hold.0 < 0 || hold.1 < 0 {
                        let (sku, node) = self.names(raw, m.slot);
                        let id = self.reservation_name(raw, claim).map_or_else(String::new, |r| r.to_string());
                        return Err(invalid(format!(
                            "{} takes more units of sku {sku} at node {node} than reservation {id} has there",
                            m.reason.kind()
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// Commits a checked batch: cannot fail. `scratch.positions` holds the folded value of
    /// every position the batch moves (the check or the decision built it).
    pub(crate) fn commit(&mut self, scratch: &mut Scratch, key: &IdempotencyKey) {
        let Scratch { raw, positions, dirty, records, feed, .. } = scratch;
        dirty.clear();
        records.clear();
        for sku in &raw.new_skus {
            self.index.insert(sku.clone());
            self.agg.add_sku(&self.net);
        }
        for &(sku, node) in &raw.new_positions {
            let slot = self.slots.len() as u32;
            self.slots.push(Slot { pos: Position::default(), version: 0, sku, node });
            self.index.add_position(sku, node, slot);
        }
        // Each moved position takes its folded value and one more version; the running sums
        // take the change in its free stock.
        for &(slot, pos) in positions.items() {
            let Some(s) = self.slots.get_mut(slot as usize) else { continue };
            let free_delta = i64::from(pos.free()) - i64::from(s.pos.free());
            let backorder_delta = i32::from(pos.backorder_allowed()) - i32::from(s.pos.backorder_allowed());
            s.pos = pos;
            s.version = s.version.saturating_add(1);
            if free_delta != 0 || backorder_delta != 0 {
                let class = self.net.class_of(s.node as usize);
                self.agg.add(s.sku, class, free_delta, backorder_delta);
                dirty.push(u64::from(s.sku) << 32 | class as u64);
            }
        }
        for m in &raw.movements {
            if touches_supply(&m.reason) {
                let lines = self.inbound.entry(m.slot).or_default();
                let _ = InboundSupply::apply(lines, &m.reason);
                if lines.is_empty() {
                    self.inbound.remove(&m.slot);
                }
            }
            let record = match m.claim {
                Claim::None => continue,
                Claim::Open(r) => r,
                Claim::New(i) => {
                    let Some(new) = raw.new_reservations.get_mut(i as usize) else { continue };
                    match (new.opened, new.id.take(), &m.reason) {
                        (Some(r), _, _) => r,
                        (None, Some(id), Reason::Reserve { expires_at, channel: channel_id, .. }) => {
                            let r = self.res.open((id, new.hash), (new.channel, channel_id), *expires_at, key);
                            new.opened = Some(r);
                            r
                        }
                        (None, id, _) => {
                            new.id = id;
                            continue;
                        }
                    }
                }
            };
            if let Some(rec) = self.res.record_mut(record) {
                let hold = rec.hold_mut(m.slot);
                match m.reason {
                    Reason::Reserve { quantity, pinned, .. } => {
                        hold.held = hold.held.saturating_add(quantity);
                        hold.pinned |= pinned;
                    }
                    Reason::Release { quantity, .. } => {
                        hold.held = hold.held.saturating_sub(quantity);
                        hold.pinned &= hold.held > 0;
                    }
                    Reason::Allocate { quantity } => hold.allocated = hold.allocated.saturating_add(quantity),
                    Reason::Deallocate { quantity, .. } | Reason::Ship { quantity } => {
                        hold.allocated = hold.allocated.saturating_sub(quantity);
                    }
                    _ => {}
                }
                // The last movement of each reservation says how an emptied one ended.
                let how = settlement(&m.reason);
                match records.iter_mut().find(|(r, _)| *r == record) {
                    Some(last) => last.1 = how,
                    None => records.push((record, how)),
                }
            }
        }
        for &(record, how) in records.iter() {
            if self.res.record(record).is_some_and(|r| r.is_empty()) {
                self.res.settle(record, how, key);
            }
        }
        self.keys.insert_hashed(raw.key_hash, key);
        raw.committed = true;
        // Sku index order: the order the ledger introduced the skus, the same in every engine
        // that folded the same ledger. Entries are (sku, class) in one integer.
        if !dirty.is_sorted() {
            dirty.sort_unstable();
        }
        // The feed is rewritten in place: an event whose sku and channel are the same as the one
        // at its place in the previous batch's feed keeps their ids (a release after a reserve
        // of the same sku touches no reference count).
        let mut written = 0;
        let mut i = 0;
        while let Some(&first) = dirty.get(i) {
            let sku = (first >> 32) as u32;
            let mut channels = 0u64;
            while let Some(&d) = dirty.get(i).filter(|&&d| d >> 32 == u64::from(sku)) {
                channels |= self.net.affects.get(d as u32 as usize).copied().unwrap_or(u64::MAX);
                i += 1;
            }
            let Some(name) = self.index.name(sku) else { continue };
            let net = &self.net;
            self.agg.refresh(sku, channels, net, |c, before, after| {
                let Some(channel) = net.channel(c) else { return };
                match feed.get_mut(written) {
                    Some(event) => {
                        if !same_allocation(event.sku.as_str(), name.as_str()) {
                            event.sku = name.clone();
                        }
                        if !same_allocation(event.channel.as_str(), channel.id.as_str()) {
                            event.channel = channel.id.clone();
                        }
                        (event.before, event.after) = (before, after);
                    }
                    None => {
                        feed.push(AvailabilityChanged { sku: name.clone(), channel: channel.id.clone(), before, after })
                    }
                }
                written += 1;
            });
        }
        feed.truncate(written);
    }

    /// Every position a decision read, with the version it read: the positions it moves and
    /// the ones in `raw.reads`. Derived when the batch is asked for rather than recorded while
    /// deciding; the engine has not changed since but for the decision's own commit, which
    /// moved each of its positions exactly one version on.
    fn read_set(&self, raw: &RawBatch) -> Vec<(u32, ExpectedVersion)> {
        let mut moved: Vec<u32> = raw.movements.iter().map(|m| m.slot).collect();
        moved.sort_unstable();
        moved.dedup();
        let mut slots = moved.clone();
        for &(sku, channel) in &raw.reads {
            let reads = self.net.plans.get(channel).map_or(&[][..], |p| p.reads.as_slice());
            for &(node, slot) in self.nodes_of(sku) {
                let read = reads.get(self.net.class_of(node as usize)).copied().unwrap_or(false);
                if read && slot < raw.base_slots {
                    slots.push(slot);
                }
            }
        }
        slots.sort_unstable();
        slots.dedup();
        slots
            .into_iter()
            .map(|slot| {
                let version = match self.slot(slot).filter(|_| slot < raw.base_slots) {
                    None => ExpectedVersion::NoStream,
                    Some(s) => {
                        let undo = u32::from(raw.committed && moved.binary_search(&slot).is_ok());
                        ExpectedVersion::Exactly(Version::new(u64::from(s.version.saturating_sub(undo))))
                    }
                };
                (slot, version)
            })
            .collect()
    }

    /// The public form of `raw`.
    /// The key of a decided batch, from its text (see `RawBatch::key_text`).
    pub(crate) fn batch_key(raw: &RawBatch) -> Option<IdempotencyKey> {
        IdempotencyKey::new(&raw.key_text).ok()
    }

    pub(crate) fn to_batch(&self, raw: &RawBatch, key: &IdempotencyKey) -> Batch {
        let movements = raw
            .movements
            .iter()
            .map(|m| {
                let (sku, node) = self.names(raw, m.slot);
                Movement { sku, node, reservation: self.reservation_name(raw, m.claim), reason: m.reason.clone() }
            })
            .collect();
        let mut expected: Vec<Expected> = self
            .read_set(raw)
            .into_iter()
            .map(|(slot, version)| {
                let (sku, node) = self.names(raw, slot);
                Expected { position: PositionKey { sku, node }, version }
            })
            .collect();
        expected.sort_by(|a, b| a.position.cmp(&b.position));
        Batch::from_parts(key.clone(), raw.at.unwrap_or_default(), movements, expected)
    }
}

// Names for indices that cannot occur (every index the engine hands out resolves); they keep
// error construction total without panicking.
fn unnamed_sku() -> Sku {
    Sku::new("?").unwrap_or_else(|_| unnamed_sku())
}
fn unnamed_node() -> NodeId {
    NodeId::new("?").unwrap_or_else(|_| unnamed_node())
}
