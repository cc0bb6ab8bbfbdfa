//! Deciding reservation commands: reserve (with placement), release, convert to allocations,
//! reallocate, ship and expire.

use chrono::{DateTime, Utc};
use oms_core::{IdempotencyKey, NodeId, Sku};

use crate::decide::Draft;
use crate::placement::{Placement, pick, picked, units};
use crate::raw::{Claim, NewReservation, OutcomeKind};
use crate::reservation::{Entry, Record};
use crate::{Allocation, Error, Inventory, Policy, Reason, ReleaseCause, ReservationId, Reserve, Result};

impl Inventory {
    /// The open record of a reservation, or the error for a settled or unknown one.
    fn open_record(&self, id: &ReservationId, key: &IdempotencyKey) -> Result<(u32, &Record)> {
        self.open_in(self.res.entry(id), id, key)
    }

    /// The open record an index entry points to, or the error for a settled or unknown one.
    fn open_in(&self, entry: Option<&Entry>, id: &ReservationId, key: &IdempotencyKey) -> Result<(u32, &Record)> {
        match entry {
            Some(Entry::Open(slot)) => self
                .res
                .record(*slot)
                .map(|r| (*slot, r))
                .ok_or_else(|| Error::UnknownReservation { reservation: id.clone(), key: key.clone() }),
            Some(Entry::Settled(t)) => {
                Err(Error::ReservationSettled { reservation: id.clone(), settled: t.how, key: key.clone() })
            }
            None => Err(Error::UnknownReservation { reservation: id.clone(), key: key.clone() }),
        }
    }

    fn free_at(&self, slot: u32, picks: &[(u32, u32)]) -> u32 {
        self.slot(slot).map_or(0, |s| s.pos.free()).saturating_sub(picked(picks, slot))
    }

    pub(crate) fn reserve(&self, draft: &mut Draft<'_>, placement: &mut Placement, request: &Reserve) -> Result<()> {
        let key = draft.key();
        let id = &request.reservation;
        let c = self
            .net
            .channel_index(&request.channel)
            .ok_or_else(|| Error::UnknownChannel { channel: request.channel.clone(), key: Some(key.clone()) })?;
        // An open reservation for the same channel grows; for another channel it is refused.
        let mut extending = None;
        let id_hash = self.res.hash(id);
        match self.res.entry_hashed(id_hash, id) {
            Some(Entry::Open(slot)) => {
                let record = self.res.record(*slot);
                if record.is_some_and(|r| r.key.as_ref() == Some(key)) {
                    draft.raw.outcome = OutcomeKind::Duplicate;
                    return Ok(());
                }
                if record.is_none_or(|r| r.channel != c) {
                    return Err(Error::ReservationExists { reservation: id.clone(), key: key.clone() });
                }
                extending = Some(*slot);
            }
            Some(Entry::Settled(t)) if t.reserve_key == *key || t.settle_key == *key => {
                draft.raw.outcome = OutcomeKind::Duplicate;
                return Ok(());
            }
            _ => {}
        }
        if request.lines.is_empty() {
            return Err(Error::NoLines { reservation: id.clone(), key: key.clone() });
        }
        // Validate every line and sum them per sku before looking at stock.
        for line in &request.lines {
            let s = self.sku(&line.sku, key)?;
            if line.quantity == 0 {
                return Err(Error::ZeroQuantity { sku: line.sku.clone(), node: line.node.clone(), key: key.clone() });
            }
            if let Some(node) = &line.node {
                let n = self.node(node, key)?;
                if !self.net.in_pool(c, n) {
                    return Err(Error::NodeNotEligible {
                        channel: request.channel.clone(),
                        node: node.clone(),
                        sku: line.sku.clone(),
                        key: key.clone(),
                    });
                }
            }
            draft.raw.line_skus.push(s);
            match draft.raw.lines.iter_mut().find(|l| l.0 == s) {
                Some(l) => l.1 += u64::from(line.quantity),
                None => draft.raw.lines.push((s, u64::from(line.quantity), 0)),
            }
        }
        let mut pinned: Vec<u32> = Vec::new();
        // Taken out of the batch while the lines are worked on, and put back (keeping its
        // capacity) when they are.
        let line_skus = std::mem::take(&mut draft.raw.line_skus);
        for i in 0..draft.raw.lines.len() {
            let Some(&(s, requested, _)) = draft.raw.lines.get(i) else { continue };
            let mut budget = self.agg.atp(s, c).max(0) as u64;
            let mut got = 0u64;
            let mut network = 0u64;
            let lines_of_sku = || request.lines.iter().zip(&line_skus).filter(|&(_, &ls)| ls == s).map(|(l, _)| l);
            for line in lines_of_sku() {
                let Some(node) = &line.node else {
                    network += u64::from(line.quantity);
                    continue;
                };
                let want = u64::from(line.quantity);
                let Some(slot) = self.node_of(node).and_then(|n| self.slot_of(s, n)) else { continue };
                let mut take = want.min(u64::from(self.free_at(slot, &placement.picks))).min(budget);
                budget -= take;
                if take < want && self.slot(slot).is_some_and(|p| p.pos.backorder_allowed()) {
                    take = want;
                }
                if take > 0 {
                    pick(&mut placement.picks, slot, units(take));
                    pinned.push(slot);
                }
                got += take;
            }
            if network > 0 {
                let placed = self.place(placement, s, c, network.min(budget));
                got += placed;
                if placed < network {
                    if let Some(slot) = self.backorder_node(s, c) {
                        pick(&mut placement.picks, slot, units(network - placed));
                        got += network - placed;
                    }
                }
            }
            if let Some(line) = draft.raw.lines.get_mut(i) {
                line.2 = got;
            }
            let line_sku = lines_of_sku().next().map(|l| &l.sku);
            if let (Policy::AllOrNothing, true, Some(sku)) = (request.policy, got < requested, line_sku) {
                return Err(Error::NotEnoughStock {
                    sku: sku.clone(),
                    node: None,
                    channel: Some(request.channel.clone()),
                    requested,
                    available: got,
                    key: key.clone(),
                });
            }
        }
        draft.raw.line_skus = line_skus;
        draft.raw.outcome = OutcomeKind::Reserved;
        if placement.picks.is_empty() {
            return Ok(());
        }
        let claim = match extending {
            Some(record) => Claim::Open(record),
            None => {
                draft.raw.new_reservations.push(NewReservation {
                    id: Some(id.clone()),
                    channel: c,
                    hash: id_hash,
                    opened: None,
                });
                Claim::New(0)
            }
        };
        for &(slot, quantity) in placement.picks.iter() {
            let reason = Reason::Reserve {
                quantity,
                channel: request.channel.clone(),
                expires_at: request.expires_at,
                pinned: pinned.contains(&slot),
            };
            draft.push(slot, claim, reason).map_err(|problem| draft.refused(slot, problem))?;
        }
        // The decision read every position behind the channel's figure: the batch expects
        // them all (see `Inventory::read_set`), so a concurrent change anywhere in the pool (or
        // a protected pool) is a conflict.
        for i in 0..draft.raw.lines.len() {
            let Some(&(s, _, _)) = draft.raw.lines.get(i) else { continue };
            draft.raw.reads.push((s, c));
        }
        Ok(())
    }

    pub(crate) fn release(&self, draft: &mut Draft<'_>, id: &ReservationId) -> Result<()> {
        let key = draft.key();
        let entry = self.res.entry(id);
        if let Some(Entry::Settled(t)) = entry {
            if t.settle_key == *key {
                draft.raw.outcome = OutcomeKind::Duplicate;
                return Ok(());
            }
        }
        let (r, record) = self.open_in(entry, id, key)?;
        for h in &record.holds {
            if h.held > 0 {
                let reason = Reason::Release { quantity: h.held, cause: ReleaseCause::Cancelled };
                draft.push(h.slot, Claim::Open(r), reason).map_err(|p| draft.refused(h.slot, p))?;
            }
            if h.allocated > 0 {
                let reason = Reason::Deallocate { quantity: h.allocated, cause: ReleaseCause::Cancelled };
                draft.push(h.slot, Claim::Open(r), reason).map_err(|p| draft.refused(h.slot, p))?;
            }
        }
        Ok(())
    }

    pub(crate) fn release_units(
        &self,
        draft: &mut Draft<'_>,
        id: &ReservationId,
        sku: &Sku,
        quantity: u32,
    ) -> Result<()> {
        let key = draft.key();
        let (r, record) = self.open_record(id, key)?;
        let s = self.sku(sku, key)?;
        if quantity == 0 {
            return Err(Error::ZeroQuantity { sku: sku.clone(), node: None, key: key.clone() });
        }
        let of_sku = |h: &&crate::reservation::Hold| self.slot(h.slot).is_some_and(|p| p.sku == s);
        let held: u64 = record.holds.iter().filter(of_sku).map(|h| u64::from(h.held) + u64::from(h.allocated)).sum();
        if u64::from(quantity) > held {
            return Err(Error::MoreThanReserved {
                reservation: id.clone(),
                sku: sku.clone(),
                requested: u64::from(quantity),
                held,
                key: key.clone(),
            });
        }
        let mut left = quantity;
        for allocated in [false, true] {
            for h in record.holds.iter().filter(of_sku) {
                let there = if allocated { h.allocated } else { h.held };
                let take = there.min(left);
                if take == 0 {
                    continue;
                }
                left -= take;
                let reason = if allocated {
                    Reason::Deallocate { quantity: take, cause: ReleaseCause::Cancelled }
                } else {
                    Reason::Release { quantity: take, cause: ReleaseCause::Cancelled }
                };
                draft.push(h.slot, Claim::Open(r), reason).map_err(|p| draft.refused(h.slot, p))?;
            }
        }
        Ok(())
    }

    pub(crate) fn deallocate(
        &self,
        draft: &mut Draft<'_>,
        id: &ReservationId,
        sku: &Sku,
        node: &NodeId,
        quantity: u32,
    ) -> Result<()> {
        let key = draft.key();
        let (r, record) = self.open_record(id, key)?;
        let s = self.sku(sku, key)?;
        let n = self.node(node, key)?;
        if quantity == 0 {
            return Err(Error::ZeroQuantity { sku: sku.clone(), node: Some(node.clone()), key: key.clone() });
        }
        let slot = self.slot_of(s, n).ok_or_else(|| Error::UnknownPosition {
            sku: sku.clone(),
            node: node.clone(),
            key: key.clone(),
        })?;
        let allocated = record.hold(slot).allocated;
        if quantity > allocated {
            return Err(Error::NotAllocated {
                reservation: id.clone(),
                sku: sku.clone(),
                node: node.clone(),
                requested: quantity,
                allocated,
                key: key.clone(),
            });
        }
        let reason = Reason::Deallocate { quantity, cause: ReleaseCause::Cancelled };
        draft.push(slot, Claim::Open(r), reason).map_err(|p| draft.refused(slot, p))
    }

    pub(crate) fn convert(
        &self,
        draft: &mut Draft<'_>,
        targets: &mut Vec<(u32, u32)>,
        id: &ReservationId,
        allocations: &[Allocation],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let key = draft.key();
        let (r, record) = self.open_record(id, key)?;
        if let Some(expired_at) = record.expires_at.filter(|at| *at <= now) {
            return Err(Error::ReservationExpired { reservation: id.clone(), expired_at, key: key.clone() });
        }
        if allocations.is_empty() {
            return Err(Error::NoLines { reservation: id.clone(), key: key.clone() });
        }
        for a in allocations {
            let s = self.sku(&a.sku, key)?;
            let n = self.node(&a.node, key)?;
            if a.quantity == 0 {
                return Err(Error::ZeroQuantity { sku: a.sku.clone(), node: Some(a.node.clone()), key: key.clone() });
            }
            if !self.net.in_pool(record.channel, n) {
                return Err(Error::NodeNotEligible {
                    channel: record.channel_id.clone(),
                    node: a.node.clone(),
                    sku: a.sku.clone(),
                    key: key.clone(),
                });
            }
            let slot = self.slot_of(s, n).ok_or_else(|| Error::UnknownPosition {
                sku: a.sku.clone(),
                node: a.node.clone(),
                key: key.clone(),
            })?;
            pick(targets, slot, a.quantity);
        }
        // Per sku: no more than the reservation holds.
        for a in allocations {
            let s = self.sku(&a.sku, key)?;
            let of_sku = |slot: u32| self.slot(slot).is_some_and(|p| p.sku == s);
            let requested: u64 = targets.iter().filter(|t| of_sku(t.0)).map(|t| u64::from(t.1)).sum();
            let held: u64 = record.holds.iter().filter(|h| of_sku(h.slot)).map(|h| u64::from(h.held)).sum();
            if requested > held {
                return Err(Error::MoreThanReserved {
                    reservation: id.clone(),
                    sku: a.sku.clone(),
                    requested,
                    held,
                    key: key.clone(),
                });
            }
        }
        let mut own: Vec<(u32, u32)> = record.holds.iter().filter(|h| h.held > 0).map(|h| (h.slot, h.held)).collect();
        // Units held at a routed node become allocations there without touching its free stock.
        for t in targets.iter_mut() {
            let Some(o) = own.iter_mut().find(|o| o.0 == t.0) else { continue };
            let here = t.1.min(o.1);
            if here == 0 {
                continue;
            }
            o.1 -= here;
            t.1 -= here;
            let release = Reason::Release { quantity: here, cause: ReleaseCause::Converted };
            draft.push(t.0, Claim::Open(r), release).map_err(|p| draft.refused(t.0, p))?;
            draft.push(t.0, Claim::Open(r), Reason::Allocate { quantity: here }).map_err(|p| draft.refused(t.0, p))?;
        }
        // The rest: let go of holds elsewhere, then take the routed node's own stock.
        for t in targets.iter() {
            if t.1 == 0 {
                continue;
            }
            let Some(sku) = self.slot(t.0).map(|p| p.sku) else { continue };
            let mut left = t.1;
            for o in own.iter_mut().filter(|o| self.slot(o.0).is_some_and(|p| p.sku == sku)) {
                let take = o.1.min(left);
                if take == 0 {
                    continue;
                }
                o.1 -= take;
                left -= take;
                let release = Reason::Release { quantity: take, cause: ReleaseCause::Converted };
                draft.push(o.0, Claim::Open(r), release).map_err(|p| draft.refused(o.0, p))?;
            }
            if draft.pos(t.0).free() < t.1 {
                self.relocate(draft, r, t.0, t.1 - draft.pos(t.0).free());
            }
            let free = draft.pos(t.0).free();
            if draft.push(t.0, Claim::Open(r), Reason::Allocate { quantity: t.1 }).is_err() {
                let (sku, node) = self.names(draft.raw, t.0);
                return Err(Error::NotEnoughStock {
                    sku,
                    node: Some(node),
                    channel: None,
                    requested: u64::from(t.1),
                    available: u64::from(free),
                    key: key.clone(),
                });
            }
        }
        Ok(())
    }

    /// Moves other reservations' holds off `slot` (to other nodes of their own channels) until
    /// `short` units are free there, or nothing more can move. Their holds are network stock:
    /// which node they sit on is bookkeeping, and it must not block a routed allocation.
    fn relocate(&self, draft: &mut Draft<'_>, owner: u32, slot: u32, mut short: u32) {
        let Some(sku) = self.slot(slot).map(|p| p.sku) else { return };
        let others: Vec<(u32, usize, u32)> = self
            .res
            .open_records()
            .filter(|&(r, _)| r != owner)
            .filter_map(|(r, rec)| {
                let hold = rec.hold(slot);
                (hold.held > 0 && !hold.pinned).then_some((r, rec.channel, hold.held))
            })
            .collect();
        for (r, channel, held) in others {
            let Some(record) = self.res.record(r) else { continue };
            let channel_id = record.channel_id.clone();
            let mut movable = held.min(short);
            let destinations: Vec<u32> = self
                .nodes_of(sku)
                .iter()
                .filter(|&&(node, other)| other != slot && self.net.in_pool(channel, node as usize))
                .map(|&(_, other)| other)
                .collect();
            for to in destinations {
                let take = movable.min(draft.pos(to).free());
                if take == 0 {
                    continue;
                }
                let release = Reason::Release { quantity: take, cause: ReleaseCause::Relocated };
                let reserve = Reason::Reserve {
                    quantity: take,
                    channel: channel_id.clone(),
                    expires_at: record.expires_at,
                    pinned: false,
                };
                if draft.push(slot, Claim::Open(r), release).is_err()
                    || draft.push(to, Claim::Open(r), reserve).is_err()
                {
                    return;
                }
                movable -= take;
                short -= take;
                if movable == 0 {
                    break;
                }
            }
            if short == 0 {
                return;
            }
        }
    }

    pub(crate) fn reallocate(
        &self,
        draft: &mut Draft<'_>,
        id: &ReservationId,
        sku: &Sku,
        from: &NodeId,
        to: &NodeId,
        quantity: u32,
    ) -> Result<()> {
        let key = draft.key();
        let (r, record) = self.open_record(id, key)?;
        let s = self.sku(sku, key)?;
        let (f, t) = (self.node(from, key)?, self.node(to, key)?);
        if quantity == 0 {
            return Err(Error::ZeroQuantity { sku: sku.clone(), node: Some(to.clone()), key: key.clone() });
        }
        if f == t {
            return Err(Error::SameNode {
                reservation: Some(id.clone()),
                sku: sku.clone(),
                node: to.clone(),
                key: key.clone(),
            });
        }
        let allocated = self.slot_of(s, f).map_or(0, |slot| record.hold(slot).allocated);
        let Some(from_slot) = self.slot_of(s, f).filter(|_| allocated >= quantity) else {
            return Err(Error::NotAllocated {
                reservation: id.clone(),
                sku: sku.clone(),
                node: from.clone(),
                requested: quantity,
                allocated,
                key: key.clone(),
            });
        };
        if !self.net.in_pool(record.channel, t) {
            return Err(Error::NodeNotEligible {
                channel: record.channel_id.clone(),
                node: to.clone(),
                sku: sku.clone(),
                key: key.clone(),
            });
        }
        let to_slot = self.slot_of(s, t).ok_or_else(|| Error::UnknownPosition {
            sku: sku.clone(),
            node: to.clone(),
            key: key.clone(),
        })?;
        let deallocate = Reason::Deallocate { quantity, cause: ReleaseCause::Reallocated };
        draft.push(from_slot, Claim::Open(r), deallocate).map_err(|p| draft.refused(from_slot, p))?;
        let free = draft.pos(to_slot).free();
        draft.push(to_slot, Claim::Open(r), Reason::Allocate { quantity }).map_err(|_| Error::NotEnoughStock {
            sku: sku.clone(),
            node: Some(to.clone()),
            channel: None,
            requested: u64::from(quantity),
            available: u64::from(free),
            key: key.clone(),
        })
    }

    pub(crate) fn ship(
        &self,
        draft: &mut Draft<'_>,
        id: &ReservationId,
        sku: &Sku,
        node: &NodeId,
        quantity: u32,
    ) -> Result<()> {
        let key = draft.key();
        let (r, record) = self.open_record(id, key)?;
        let s = self.sku(sku, key)?;
        let n = self.node(node, key)?;
        if quantity == 0 {
            return Err(Error::ZeroQuantity { sku: sku.clone(), node: Some(node.clone()), key: key.clone() });
        }
        let slot = self.slot_of(s, n);
        let allocated = slot.map_or(0, |slot| record.hold(slot).allocated);
        match slot.filter(|_| allocated >= quantity) {
            Some(slot) => {
                draft.push(slot, Claim::Open(r), Reason::Ship { quantity }).map_err(|p| draft.refused(slot, p))
            }
            None => Err(Error::NotAllocated {
                reservation: id.clone(),
                sku: sku.clone(),
                node: node.clone(),
                requested: quantity,
                allocated,
                key: key.clone(),
            }),
        }
    }

    pub(crate) fn expire(&self, draft: &mut Draft<'_>, now: DateTime<Utc>) -> Result<()> {
        draft.raw.outcome = OutcomeKind::Expired;
        for r in self.res.expired(now) {
            let Some(record) = self.res.record(r) else { continue };
            for h in record.holds.iter().filter(|h| h.held > 0) {
                let reason = Reason::Release { quantity: h.held, cause: ReleaseCause::Expired };
                draft.push(h.slot, Claim::Open(r), reason).map_err(|p| draft.refused(h.slot, p))?;
            }
            draft.raw.expired.push(record.id.clone());
        }
        Ok(())
    }
}
