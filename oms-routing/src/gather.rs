//! Gathering an order's candidates from the stock view: every node holding one of its skus,
//! visited once, admitted or removed, with the units it may promise of each sku.
//!
//! A view that lends its holders as slices sorted by node ([`StockView::holders_in`], as
//! [`Stock`](crate::Stock) does) is merged: nodes come out in network order with all their
//! skus at once, so each node is admitted once without a per-node table and each sku's
//! holders come out in candidate order. Any other view is walked sku by sku through a slot
//! table indexed by node.

use crate::admission::Gate;
use crate::candidates::Candidates;
use crate::explain::Removal;
use oms_core::Sku;

use crate::{NodeIndex, Request, StockView};

/// Most skus in an order merged at once (more take the general walk).
const MAX_MERGE: usize = 4;

pub(crate) const UNSEEN: u32 = u32::MAX;
const REMOVED: u32 = u32::MAX - 1;
pub(crate) const EXCLUDED: u32 = u32::MAX - 2;

/// Where gathering writes, all lent by the problem.
pub(crate) struct Gather<'g, 'a> {
    pub gate: Gate<'g, 'a>,
    /// Per node: its candidate index, or UNSEEN / REMOVED / EXCLUDED (all UNSEEN between
    /// orders except while gathering).
    pub slot: &'g mut Vec<u32>,
    /// Nodes whose slot was set, to reset them after.
    pub touched: &'g mut Vec<u32>,
    pub any_excluded: bool,
    pub cands: &'g mut Candidates,
    pub supply: &'g mut Vec<u32>,
    pub removed: &'g mut Vec<(NodeIndex, Removal)>,
    pub held: &'g mut Vec<u64>,
    pub holders: &'g mut Vec<u32>,
    /// Per sku group: its holders are `holders[start..end]`.
    pub spans: &'g mut Vec<(u32, u32)>,
}

/// One sku's holder list being merged: where it stands and its current node.
#[derive(Clone, Copy)]
struct Cursor<'l> {
    list: &'l [(NodeIndex, u32)],
    at: usize,
    /// The node at `at` (`usize::MAX` once the list is done) and its units.
    node: usize,
    units: u32,
}

impl<'l> Cursor<'l> {
    fn new(list: &'l [(NodeIndex, u32)]) -> Cursor<'l> {
        let mut c = Cursor { list, at: 0, node: usize::MAX, units: 0 };
        if let Some(&(n, u)) = list.first() {
            (c.node, c.units) = (n.get(), u);
        }
        c
    }

    /// Moves past the current node; false when the next is not strictly after it.
    #[inline(always)]
    fn advance(&mut self) -> bool {
        let here = self.node;
        self.at += 1;
        match self.list.get(self.at) {
            Some(&(n, u)) => {
                (self.node, self.units) = (n.get(), u);
                n.get() > here
            }
            None => {
                self.node = usize::MAX;
                true
            }
        }
    }
}

impl Gather<'_, '_> {
    /// Gathers the holders of each sku group (`firsts[g]`: the group's first line).
    pub fn run(&mut self, stock: &dyn StockView, request: &Request, firsts: &[usize]) {
        let network = self.gate.network;
        let sku = |g: usize| firsts.get(g).and_then(|&l| request.lines().get(l)).map(|l| &l.sku);
        let mut lists: [&[(NodeIndex, u32)]; MAX_MERGE] = [&[]; MAX_MERGE];
        let groups = firsts.len();
        let lent = groups <= MAX_MERGE
            && lists.iter_mut().take(groups).enumerate().all(|(g, list)| {
                match sku(g).and_then(|s| stock.holders_in(network, s)) {
                    Some(l) => {
                        *list = l;
                        true
                    }
                    None => false,
                }
            });
        let merged = lent
            && match groups {
                1 => self.merge([lists[0]]),
                2 => self.merge([lists[0], lists[1]]),
                3 => self.merge([lists[0], lists[1], lists[2]]),
                4 => self.merge([lists[0], lists[1], lists[2], lists[3]]),
                _ => false,
            };
        if !merged {
            self.clear();
            let skus: Vec<&Sku> = (0..groups).filter_map(sku).collect();
            self.walk(stock, &skus);
        }
    }

    fn clear(&mut self) {
        self.cands.truncate(0);
        self.supply.clear();
        self.removed.clear();
        self.held.iter_mut().for_each(|h| *h = 0);
        self.holders.clear();
        self.spans.clear();
    }

    /// Merges `K` holder lists sorted by node; false (with partial output) when one is not.
    fn merge<const K: usize>(&mut self, lists: [&[(NodeIndex, u32)]; K]) -> bool {
        let len = self.gate.network.len();
        let gate = &self.gate;
        let mut cursors = lists.map(Cursor::new);
        // Each group's holders get a span as long as its list; candidates come in node order,
        // so every span fills in candidate order.
        let mut ends = [0usize; K];
        let mut total = 0;
        for (end, list) in ends.iter_mut().zip(&lists) {
            *end = total;
            total += list.len();
        }
        let starts = ends;
        let holders = &mut *self.holders;
        holders.clear();
        holders.resize(total, 0);
        let (cands, supply, removed) = (&mut *self.cands, &mut *self.supply, &mut *self.removed);
        supply.reserve(total * K);
        let mut held = [0u64; K];
        let has_safety = gate.admission.has_safety();
        loop {
            let node = cursors.iter().fold(usize::MAX, |m, c| m.min(c.node));
            if node == usize::MAX {
                break;
            }
            let mut row = [0u32; K];
            for (cursor, units) in cursors.iter_mut().zip(row.iter_mut()) {
                if cursor.node == node {
                    *units = cursor.units;
                    if !cursor.advance() {
                        return false; // not sorted, or a node listed twice
                    }
                }
            }
            if node >= len || row.iter().all(|&u| u == 0) {
                continue; // not a node of this network, or not a holder
            }
            for (h, &units) in held.iter_mut().zip(&row) {
                *h += u64::from(units);
            }
            let index = NodeIndex::new(node);
            let excluded = self.any_excluded && self.slot.get(node) == Some(&EXCLUDED);
            if let Err(removal) = gate.admit(index, excluded, cands) {
                removed.push((index, removal));
                continue;
            }
            if has_safety {
                let safety = gate.admission.safety(index);
                row.iter_mut().for_each(|u| *u = u.saturating_sub(safety));
                if row.iter().all(|&u| u == 0) {
                    // Everything it holds is safety stock: removed, not ranked.
                    cands.pop();
                    removed.push((index, Removal::SafetyStock));
                    continue;
                }
            }
            supply.extend_from_slice(&row);
            let c = (cands.len() - 1) as u32;
            for (&units, end) in row.iter().zip(ends.iter_mut()) {
                if units > 0 {
                    if let Some(cell) = holders.get_mut(*end) {
                        *cell = c;
                    }
                    *end += 1;
                }
            }
        }
        self.held.clear();
        self.held.extend_from_slice(&held);
        self.spans.clear();
        self.spans.extend(starts.iter().zip(&ends).map(|(&a, &b)| (a as u32, b as u32)));
        true
    }

    /// The general walk: sku by sku, each node admitted on first sight through the slot table.
    fn walk(&mut self, stock: &dyn StockView, skus: &[&Sku]) {
        let network = self.gate.network;
        let groups = skus.len();
        for (group, sku) in skus.iter().enumerate() {
            let mut visit = |node: NodeIndex, units: u32| self.visit(group, groups, node, units);
            match stock.holders_in(network, sku) {
                Some(holders) => {
                    for &(node, units) in holders {
                        if units > 0 {
                            visit(node, units);
                        }
                    }
                }
                None => stock.for_each_holder_indexed(network, sku, &mut visit),
            }
        }
        // A node whose stock is all safety stock offers nothing: it is removed, not ranked.
        let idle = |supply: &[u32], c: usize| supply[c * groups..(c + 1) * groups].iter().all(|&u| u == 0);
        if (0..self.cands.len()).any(|c| idle(self.supply, c)) {
            let mut kept = 0;
            for c in 0..self.cands.len() {
                if idle(self.supply, c) {
                    self.removed.push((self.cands.node(c), Removal::SafetyStock));
                } else {
                    self.cands.copy(c, kept);
                    self.supply.copy_within(c * groups..(c + 1) * groups, kept * groups);
                    kept += 1;
                }
            }
            self.cands.truncate(kept);
            self.supply.truncate(kept * groups);
        }
        self.holders.clear();
        self.spans.clear();
        for g in 0..groups {
            let start = self.holders.len() as u32;
            let n = self.cands.len();
            self.holders.extend((0..n as u32).filter(|&c| self.supply[c as usize * groups + g] > 0));
            self.spans.push((start, self.holders.len() as u32));
        }
    }

    fn visit(&mut self, group: usize, groups: usize, node: NodeIndex, units: u32) {
        let Some(slot) = self.slot.get(node.get()).copied() else { return };
        if let Some(h) = self.held.get_mut(group) {
            *h += u64::from(units);
        }
        let slot = match slot {
            REMOVED => return,
            UNSEEN | EXCLUDED => {
                self.touched.push(node.get() as u32);
                match self.gate.admit(node, slot == EXCLUDED, self.cands) {
                    Ok(()) => {
                        let at = (self.cands.len() - 1) as u32;
                        self.supply.resize(self.supply.len() + groups, 0);
                        self.slot[node.get()] = at;
                        at
                    }
                    Err(removal) => {
                        self.removed.push((node, removal));
                        self.slot[node.get()] = REMOVED;
                        return;
                    }
                }
            }
            at => at,
        };
        let usable = units.saturating_sub(self.gate.admission.safety(node));
        if let Some(cell) = self.supply.get_mut(slot as usize * groups + group) {
            *cell = cell.saturating_add(usable);
        }
    }
}
