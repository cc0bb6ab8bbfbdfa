//! Gathering an order's candidates from the stock view: every node holding one of its skus,
//! admitted or removed once, with the units it may promise of each sku.
//!
//! Skus are walked one at a time. A per-node slot table remembers, for this order, whether a
//! node was admitted (and as which candidate) or removed; each entry carries the order's stamp,
//! so nothing needs resetting between orders.

use oms_core::Sku;

use crate::admission::Gate;
use crate::candidates::Candidates;
use crate::explain::Removal;
use crate::{NodeIndex, StockView};

const REMOVED: u32 = u32::MAX - 1;
const EXCLUDED: u32 = u32::MAX - 2;

/// The per-node slot table, reused across orders.
#[derive(Debug, Default, Clone)]
pub(crate) struct Slots {
    /// Per node: `(stamp, slot)`; the slot (candidate index, REMOVED or EXCLUDED) holds only
    /// when the stamp is the current order's.
    table: Vec<(u32, u32)>,
    stamp: u32,
}

impl Slots {
    /// Starts a new order over `nodes` nodes: every slot is unseen.
    pub fn begin(&mut self, nodes: usize) {
        if self.table.len() != nodes || self.stamp == u32::MAX {
            self.table = vec![(0, 0); nodes];
            self.stamp = 0;
        }
        self.stamp += 1;
    }

    /// Marks a node excluded by an earlier rejection.
    pub fn exclude(&mut self, node: NodeIndex) {
        if let Some(entry) = self.table.get_mut(node.get()) {
            *entry = (self.stamp, EXCLUDED);
        }
    }
}

/// The state one holder report touches, borrowed for the whole walk so it stays in registers.
struct Visit<'v, 'g, 'a> {
    gate: &'v Gate<'g, 'a>,
    table: &'v mut [(u32, u32)],
    stamp: u32,
    cands: &'v mut Candidates,
    removed: &'v mut Vec<(NodeIndex, Removal)>,
    holders: &'v mut Vec<u32>,
    has_safety: bool,
}

impl Visit<'_, '_, '_> {
    /// [`Visit::visit`] when every node may take the short admission and no stock is kept
    /// back (the common ship order): a loop of its own, with the full admission out of line,
    /// keeps the per-holder work in registers.
    #[inline(always)]
    fn visit_short(&mut self, group: usize, node: NodeIndex, units: u32) -> u64 {
        let stamp = self.stamp;
        let Some(entry) = self.table.get_mut(node.get()) else { return 0 };
        match if entry.0 == stamp { entry.1 } else { u32::MAX } {
            REMOVED => {}
            u32::MAX => match self.gate.admit_shipping(node, self.cands, group, units) {
                // The node's first sku is stocked in its new row.
                Some(Ok(())) => {
                    let c = (self.cands.len() - 1) as u32;
                    *entry = (stamp, c);
                    if units > 0 {
                        self.holders.push(c);
                    }
                }
                Some(Err(removal)) => {
                    self.removed.push((node, removal));
                    *entry = (stamp, REMOVED);
                }
                None => return self.visit_slow(group, node, units),
            },
            EXCLUDED => return self.visit_slow(group, node, units),
            c => self.stock(c, group, node, units),
        }
        u64::from(units)
    }

    #[inline(never)]
    fn visit_slow(&mut self, group: usize, node: NodeIndex, units: u32) -> u64 {
        self.visit(group, node, units)
    }

    /// One report of `units` of group `group` at `node`; the units it counts as held (0 for a
    /// node outside the network).
    #[inline(always)]
    fn visit(&mut self, group: usize, node: NodeIndex, units: u32) -> u64 {
        let stamp = self.stamp;
        let Some(entry) = self.table.get_mut(node.get()) else { return 0 };
        let slot = if entry.0 == stamp { entry.1 } else { u32::MAX };
        let c = match slot {
            REMOVED => return u64::from(units),
            u32::MAX | EXCLUDED => {
                let admitted = self.gate.admit(node, slot == EXCLUDED, self.cands);
                if let Err(removal) = admitted {
                    self.removed.push((node, removal));
                    *entry = (stamp, REMOVED);
                    return u64::from(units);
                }
                let c = (self.cands.len() - 1) as u32;
                *entry = (stamp, c);
                c
            }
            c => c,
        };
        self.stock(c, group, node, units);
        u64::from(units)
    }

    /// Adds `units` of group `group` to candidate `c` (at `node`)'s stock.
    #[inline(always)]
    fn stock(&mut self, c: u32, group: usize, node: NodeIndex, units: u32) {
        let usable = if self.has_safety { units.saturating_sub(self.gate.admission.safety(node)) } else { units };
        if self.cands.add_stock(c as usize, group, usable) {
            self.holders.push(c);
        }
    }
}

/// Where gathering writes, all lent by the problem.
pub(crate) struct Gather<'g, 'a> {
    pub gate: Gate<'g, 'a>,
    pub slots: &'g mut Slots,
    pub cands: &'g mut Candidates,
    pub removed: &'g mut Vec<(NodeIndex, Removal)>,
    pub held: &'g mut Vec<u64>,
    pub holders: &'g mut Vec<u32>,
    /// Per sku group: its holders are `holders[start..end]`.
    pub spans: &'g mut Vec<(u32, u32)>,
}

impl Gather<'_, '_> {
    /// Gathers the holders of each of `groups` sku groups (`sku(g)`).
    pub fn run<'s>(&mut self, stock: &dyn StockView, groups: usize, sku: impl Fn(usize) -> Option<&'s Sku>) {
        let network = self.gate.network;
        let has_safety = self.gate.admission.has_safety();
        self.holders.clear();
        self.spans.clear();
        let mut visit = Visit {
            gate: &self.gate,
            table: &mut self.slots.table,
            stamp: self.slots.stamp,
            cands: self.cands,
            removed: self.removed,
            holders: self.holders,
            has_safety,
        };
        let short = self.gate.ships_by_cost() && !has_safety;
        for (group, sku) in (0..groups).filter_map(|g| sku(g).map(|s| (g, s))) {
            let start = visit.holders.len() as u32;
            let mut held = 0u64;
            match stock.holders_in(network, sku) {
                Some(holders) if short => {
                    for &(node, units) in holders {
                        if units > 0 {
                            held += visit.visit_short(group, node, units);
                        }
                    }
                }
                Some(holders) => {
                    for &(node, units) in holders {
                        if units > 0 {
                            held += visit.visit(group, node, units);
                        }
                    }
                }
                None if short => stock.for_each_holder_indexed(network, sku, &mut |node, units| {
                    held += visit.visit_short(group, node, units);
                }),
                None => stock.for_each_holder_indexed(network, sku, &mut |node, units| {
                    held += visit.visit(group, node, units);
                }),
            }
            if let Some(h) = self.held.get_mut(group) {
                *h = held;
            }
            self.spans.push((start, visit.holders.len() as u32));
        }
        if has_safety {
            self.drop_idle();
        }
    }

    /// Removes the candidates whose stock is all safety stock: they offer nothing.
    fn drop_idle(&mut self) {
        let idle = |cands: &Candidates, c: usize| cands.supply_row(c).iter().all(|&u| u == 0);
        if !(0..self.cands.len()).any(|c| idle(self.cands, c)) {
            return;
        }
        let mut renumber = vec![u32::MAX; self.cands.len()];
        let mut kept = 0;
        for (c, new) in renumber.iter_mut().enumerate() {
            if idle(self.cands, c) {
                self.removed.push((self.cands.node(c), Removal::SafetyStock));
            } else {
                self.cands.copy(c, kept);
                *new = kept as u32;
                kept += 1;
            }
        }
        self.cands.truncate(kept);
        // Idle candidates were never listed as holders; the others move to their new index.
        for h in self.holders.iter_mut() {
            *h = renumber.get(*h as usize).copied().unwrap_or(u32::MAX);
        }
    }
}
