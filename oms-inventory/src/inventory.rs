//! The inventory engine: positions in dense vectors, reservation records, running per-channel
//! figures, and the idempotency window. Commands are decided into batches of movements
//! ([`Inventory::decide`], `decide.rs`), batches are folded in ([`Inventory::apply`], `apply.rs`).

use oms_core::{ChannelId, IdempotencyKey, NodeId, Sku, Version};

use crate::aggregate::Aggregates;
use crate::apply::Scratch;
use crate::key_window::KeyWindow;
use crate::network::{Map, Network};
use crate::reservation::{Entry, Reservations};
use crate::sku_index::SkuIndex;
use crate::{
    ChannelAvailability, ConfigError, Error, HeldUnits, InboundSupply, InventoryConfig, Position, ReservationId,
    ReservationState, ReservationView, Result,
};

/// One position in the engine's vector: 40 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub pos: Position,
    /// Batches that moved the position; 4 billion per position is beyond any ledger's life.
    pub version: u32,
    pub sku: u32,
    pub node: u32,
}

/// Inventory across every node and channel: the engine a host embeds.
///
/// It holds positions (sku × node), open reservations and each channel's figures, all derived
/// from the ledger of movements it was given ([`Inventory::apply`] / [`Inventory::replay`]).
/// Commands are decided on this state ([`Inventory::decide`]) into a [`Batch`](crate::Batch)
/// that a store writes atomically; [`Inventory::execute`] decides and applies in one step
/// when the engine itself is the system of record.
///
/// Skus, nodes and channels are interned to dense indices; positions live in one vector;
/// channel figures are kept per (sku, channel) and updated from per-(sku, node class) sums,
/// so a change costs O(channels) and a read O(1), whatever the number of nodes.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub(crate) net: Network,
    /// Skus, and per sku its (node, slot) pairs sorted by node.
    pub(crate) index: SkuIndex,
    pub(crate) slots: Vec<Slot>,
    pub(crate) inbound: Map<u32, Vec<InboundSupply>>,
    pub(crate) agg: Aggregates,
    pub(crate) res: Reservations,
    pub(crate) keys: KeyWindow,
    pub(crate) seq: u64,
    pub(crate) scratch: Option<Box<Scratch>>,
}

impl Inventory {
    /// An empty inventory over these nodes and channels.
    ///
    /// # Errors
    /// [`ConfigError`] for duplicate ids, selectors naming unknown nodes, too many channels.
    pub fn new(config: InventoryConfig) -> Result<Inventory, ConfigError> {
        let keys = KeyWindow::new(config.remembered_keys);
        let net = Network::new(config)?;
        let agg = Aggregates::new(net.classes(), net.channels());
        Ok(Inventory {
            net,
            index: SkuIndex::default(),
            slots: Vec::new(),
            inbound: Map::default(),
            agg,
            res: Reservations::default(),
            keys,
            seq: 0,
            scratch: Some(Box::default()),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &InventoryConfig {
        &self.net.config
    }

    /// Number of positions.
    pub fn position_count(&self) -> usize {
        self.slots.len()
    }

    /// Skus with at least one position, in the order first seen.
    pub fn skus(&self) -> &[Sku] {
        self.index.names()
    }

    /// True when the engine still remembers a batch with this key.
    pub fn knows_key(&self, key: &IdempotencyKey) -> bool {
        self.keys.contains(key)
    }

    /// The ledger sequence number of the last recorded batch applied (see
    /// [`Inventory::apply_recorded`]); 0 when none was.
    pub fn ledger_seq(&self) -> u64 {
        self.seq
    }

    pub(crate) fn sku_of(&self, sku: &Sku) -> Option<u32> {
        self.index.find(sku)
    }

    pub(crate) fn node_of(&self, node: &NodeId) -> Option<usize> {
        self.net.node_ix.get(node).copied()
    }

    pub(crate) fn slot_of(&self, sku: u32, node: usize) -> Option<u32> {
        self.index.slot(sku, node as u32)
    }

    pub(crate) fn slot(&self, slot: u32) -> Option<&Slot> {
        self.slots.get(slot as usize)
    }

    pub(crate) fn sku_name(&self, sku: u32) -> Option<&Sku> {
        self.index.name(sku)
    }

    /// The sku's positions as (node, slot), sorted by node.
    pub(crate) fn nodes_of(&self, sku: u32) -> &[(u32, u32)] {
        self.index.nodes(sku)
    }

    fn lookup(&self, sku: &Sku, node: &NodeId) -> Option<&Slot> {
        let sku = self.sku_of(sku)?;
        let node = self.node_of(node)?;
        self.slot_of(sku, node).and_then(|s| self.slot(s))
    }

    /// The position of `sku` at `node`, if it was ever stocked.
    pub fn position(&self, sku: &Sku, node: &NodeId) -> Option<Position> {
        self.lookup(sku, node).map(|s| s.pos)
    }

    /// The position's version: how many batches moved it (0 when it does not exist).
    pub fn version(&self, sku: &Sku, node: &NodeId) -> Version {
        Version::new(self.lookup(sku, node).map_or(0, |s| u64::from(s.version)))
    }

    /// Supply expected at the position, soonest first.
    pub fn inbound(&self, sku: &Sku, node: &NodeId) -> &[InboundSupply] {
        let slot = self.sku_of(sku).zip(self.node_of(node)).and_then(|(s, n)| self.slot_of(s, n));
        slot.and_then(|s| self.inbound.get(&s)).map_or(&[], Vec::as_slice)
    }

    /// Every position of a sku with its node, sorted by node in configuration order: the nodes
    /// that hold (or held) the sku, for a routing adapter.
    pub fn positions_of<'a>(&'a self, sku: &Sku) -> impl Iterator<Item = (&'a NodeId, Position)> + 'a {
        let list = self.sku_of(sku).map_or(&[][..], |s| self.nodes_of(s));
        list.iter().filter_map(|&(node, slot)| Some((self.net.node_id(node as usize)?, self.slot(slot)?.pos)))
    }

    /// Every position, sorted by sku then node.
    pub fn positions(&self) -> Vec<(Sku, NodeId, Position)> {
        let mut all: Vec<(Sku, NodeId, Position)> = self
            .slots
            .iter()
            .filter_map(|s| Some((self.sku_name(s.sku)?.clone(), self.net.node_id(s.node as usize)?.clone(), s.pos)))
            .collect();
        all.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        all
    }

    fn channel_of(&self, channel: &ChannelId) -> Result<usize> {
        self.net.channel_index(channel).ok_or_else(|| Error::UnknownChannel { channel: channel.clone(), key: None })
    }

    /// The channel's availability of a sku: units it may reserve and what it shows. Constant
    /// time: a channel lookup, a sku lookup and a read of the running figure.
    ///
    /// # Errors
    /// [`Error::UnknownSku`], [`Error::UnknownChannel`].
    pub fn availability(&self, sku: &Sku, channel: &ChannelId) -> Result<ChannelAvailability> {
        let c = self.channel_of(channel)?;
        let s = self.sku_of(sku).ok_or_else(|| Error::UnknownSku { sku: sku.clone(), key: None })?;
        Ok(self.agg.availability(s, c))
    }

    /// Units of `sku` a reservation for `channel` could take at `node` now: the node's free
    /// stock when the channel may sell from it, else 0. Channel-wide buffers (channel safety
    /// stock, protection) are enforced when reserving, not here. For routing's stock view.
    pub fn available(&self, sku: &Sku, node: &NodeId, channel: &ChannelId) -> u32 {
        let Some(c) = self.net.channel_index(channel) else { return 0 };
        let Some(n) = self.node_of(node) else { return 0 };
        if !self.net.in_pool(c, n) {
            return 0;
        }
        self.lookup(sku, node).map_or(0, |s| s.pos.free())
    }

    /// What the engine knows about a reservation.
    pub fn reservation(&self, id: &ReservationId) -> Option<ReservationState> {
        match self.res.entry(id)? {
            Entry::Settled(t) => Some(ReservationState::Settled { how: t.how }),
            Entry::Open(slot) => self.res.record(*slot).and_then(|r| self.view(r)).map(ReservationState::Open),
        }
    }

    /// Open reservations, sorted by id.
    pub fn open_reservations(&self) -> Vec<ReservationView> {
        let mut all: Vec<ReservationView> = self.res.open_records().filter_map(|(_, r)| self.view(r)).collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// An estimate of the heap memory the engine's stock state holds, in bytes: positions, their
    /// indexes, sku ids, inbound supply and channel figures (not open reservations or the key
    /// window, which grow with traffic, not with positions). Container capacities times element
    /// sizes, hash tables at their bucket count plus control bytes, and 16 bytes of allocator
    /// overhead per allocation. The benches compare it with the process's resident memory.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        const OVERHEAD: usize = 16;
        let alloc = |bytes: usize| if bytes == 0 { 0 } else { bytes + OVERHEAD };
        let table = |capacity: usize, entry: usize| alloc((capacity * 8 / 7).next_power_of_two() * (entry + 1));
        let inbound: usize =
            self.inbound.values().map(|v| alloc(v.capacity() * size_of::<InboundSupply>())).sum::<usize>()
                + table(self.inbound.capacity(), size_of::<(u32, Vec<InboundSupply>)>());
        self.index.heap_bytes() + alloc(self.slots.capacity() * size_of::<Slot>()) + inbound + self.agg.heap_bytes()
    }

    /// Forgets how settled reservations ended, to bound memory. A late duplicate release of a
    /// forgotten reservation is then refused as unknown rather than as already settled.
    /// Returns how many were forgotten.
    pub fn forget_settled(&mut self) -> usize {
        self.res.forget_settled()
    }

    fn view(&self, r: &crate::reservation::Record) -> Option<ReservationView> {
        let mut units: Vec<HeldUnits> = r
            .holds
            .iter()
            .filter(|h| h.held > 0 || h.allocated > 0)
            .filter_map(|h| {
                let slot = self.slot(h.slot)?;
                Some(HeldUnits {
                    sku: self.sku_name(slot.sku)?.clone(),
                    node: self.net.node_id(slot.node as usize)?.clone(),
                    held: h.held,
                    allocated: h.allocated,
                })
            })
            .collect();
        units.sort_by(|a, b| (&a.sku, &a.node).cmp(&(&b.sku, &b.node)));
        Some(ReservationView {
            id: r.id.clone(),
            channel: r.channel_id.clone(),
            expires_at: r.expires_at,
            opened_by: r.key.clone()?,
            units,
        })
    }
}

/// Two inventories are equal when they hold the same positions, inbound supply, open
/// reservations, settled reservations and channel figures. Internal layout (slot order,
/// remembered keys) is not compared.
impl PartialEq for Inventory {
    fn eq(&self, other: &Inventory) -> bool {
        let inbound = |inv: &Inventory| {
            let mut all: Vec<(Sku, NodeId, Vec<InboundSupply>)> = inv
                .inbound
                .iter()
                .filter_map(|(&slot, lines)| {
                    let s = inv.slot(slot)?;
                    Some((inv.sku_name(s.sku)?.clone(), inv.net.node_id(s.node as usize)?.clone(), lines.clone()))
                })
                .collect();
            all.sort();
            all
        };
        let settled = |inv: &Inventory| {
            let mut all: Vec<(ReservationId, crate::reservation::Tombstone)> =
                inv.res.settled().map(|(id, t)| (id.clone(), t.clone())).collect();
            all.sort_by(|a, b| a.0.cmp(&b.0));
            all
        };
        let versions = |inv: &Inventory| {
            let mut all: Vec<(Sku, NodeId, u32)> = inv
                .slots
                .iter()
                .filter_map(|s| {
                    Some((inv.sku_name(s.sku)?.clone(), inv.net.node_id(s.node as usize)?.clone(), s.version))
                })
                .collect();
            all.sort();
            all
        };
        self.net.config == other.net.config
            && self.positions() == other.positions()
            && versions(self) == versions(other)
            && inbound(self) == inbound(other)
            && self.open_reservations() == other.open_reservations()
            && settled(self) == settled(other)
            && self.skus().iter().all(|sku| {
                self.net
                    .config
                    .channels
                    .iter()
                    .all(|c| self.availability(sku, &c.id).ok() == other.availability(sku, &c.id).ok())
            })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_slot_is_forty_bytes() {
        // The per-position budget (≤ 128 bytes with indexes and figures) starts here.
        assert_eq!(std::mem::size_of::<super::Slot>(), 40);
        assert_eq!(std::mem::size_of::<crate::Position>(), 28);
    }
}
