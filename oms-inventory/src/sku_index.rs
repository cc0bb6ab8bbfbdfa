//! Interned skus and where their positions are: a flat table from sku text to a dense sku
//! index, and per sku its `(node, slot)` pairs sorted by node, kept in one arena.
//!
//! Movements at random positions of a large catalogue are bound by memory latency, not by
//! instructions: finding a position is a chain of cache misses (the table entry, the interned
//! text that confirms it, the sku's node list, the position itself). So a table entry keeps 32
//! bits of the sku's hash, its index and a copy of its node list's head (a probe reads one
//! 16-byte entry, text is compared only on a hash match, and the list is reached without
//! another lookup), node lists live in one arena (no per-sku allocation or vector header to
//! chase), and [`SkuIndex::find_many`] resolves a whole batch in passes whose loads do not
//! depend on each other, so the processor overlaps their misses instead of waiting for each in
//! turn.

use std::hash::BuildHasher;

use oms_core::Sku;

/// Where a sku's node list sits in the arena. Its block holds `capacity(len)` entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Head {
    off: u32,
    len: u32,
}

/// A table entry: the sku's 32-bit hash, its index + 1 (0 when the entry is empty), and a copy
/// of its node list's head, so a lookup reaches the list without another miss.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Entry {
    hash: u32,
    ix: u32,
    head: Head,
}

/// A sku found by [`SkuIndex::find_many`]: its index and where its node list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub sku: u32,
    head: Head,
}

/// Lists grow by doubling: a list of `len` entries sits in a block of the next power of two.
fn capacity(len: u32) -> u32 {
    if len == 0 { 0 } else { len.checked_next_power_of_two().unwrap_or(u32::MAX) }
}

/// The free-list class of a block of `capacity` entries (a power of two).
fn class(capacity: u32) -> usize {
    capacity.trailing_zeros() as usize
}

/// In `find_many`'s hashes: the sku is the one before it again (no sku hashes to it).
const REPEAT: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub(crate) struct SkuIndex {
    hasher: foldhash::fast::RandomState,
    names: Vec<Sku>,
    /// Open addressing with linear probing, a power of two long and at most half full, so a
    /// probe always ends at an empty entry. Growing re-places entries by their stored hash,
    /// without hashing text again.
    table: Vec<Entry>,
    /// Per sku, where its node list is (the table entries keep copies).
    heads: Vec<Head>,
    arena: Vec<(u32, u32)>,
    /// Per class (blocks of 2^k entries): offsets of blocks that lists outgrew, for reuse.
    free: Vec<Vec<u32>>,
}

impl SkuIndex {
    /// Skus in the order they were interned.
    pub fn names(&self) -> &[Sku] {
        &self.names
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn name(&self, sku: u32) -> Option<&Sku> {
        self.names.get(sku as usize)
    }

    fn hash(&self, sku: &Sku) -> u32 {
        ((self.hasher.hash_one(sku.as_str()) >> 32) as u32).min(REPEAT - 1)
    }

    pub fn find(&self, sku: &Sku) -> Option<u32> {
        self.position(self.hash(sku), sku).and_then(|i| self.table.get(i)).map(|e| e.ix - 1)
    }

    /// Where `sku`'s entry is in the table.
    fn position(&self, hash: u32, sku: &Sku) -> Option<usize> {
        self.probe(hash, |e| self.names.get(e.ix as usize - 1).is_some_and(|n| n.as_str() == sku.as_str()))
    }

    /// The first entry of `hash`'s probe sequence whose hash matches (text unchecked).
    fn candidate(&self, hash: u32) -> Option<Found> {
        let entry = self.probe(hash, |_| true).and_then(|i| self.table.get(i))?;
        Some(Found { sku: entry.ix - 1, head: entry.head })
    }

    /// Walks `hash`'s probe sequence to the first entry with that hash that `accept`s.
    fn probe(&self, hash: u32, accept: impl Fn(&Entry) -> bool) -> Option<usize> {
        let mask = self.table.len().checked_sub(1)?;
        let mut i = hash as usize & mask;
        loop {
            let entry = self.table.get(i)?;
            if entry.ix == 0 {
                return None;
            }
            if entry.hash == hash && accept(entry) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Looks up every sku of `skus` into `out` (`None` for unknown ones). The work is split
    /// into passes whose memory accesses do not depend on each other across skus, so the
    /// processor keeps many misses in flight: hashes; table entries; then per candidate its
    /// interned text, its node list and whatever `also` reads for the caller; then the text
    /// comparisons. A sku equal to the one before it is looked up once. `hashes` is working
    /// memory.
    pub fn find_many<'a>(
        &self,
        skus: impl Iterator<Item = &'a Sku> + Clone,
        hashes: &mut Vec<u32>,
        out: &mut Vec<Option<Found>>,
        also: impl Fn(u32) -> u64,
    ) {
        hashes.clear();
        out.clear();
        let mut previous: Option<(u32, &Sku)> = None;
        for sku in skus.clone() {
            let hash = self.hash(sku);
            let repeat = previous.is_some_and(|(h, p)| h == hash && p.as_str() == sku.as_str());
            hashes.push(if repeat { REPEAT } else { hash });
            previous = Some((hash, sku));
        }
        let mask = self.table.len().wrapping_sub(1);
        // Touch passes: loads whose values only feed a checksum, so they are all in flight
        // at once and the passes after them find their lines in cache.
        let mut touched = 0u64;
        for &hash in hashes.iter().filter(|&&h| h != REPEAT) {
            touched ^= self.table.get(hash as usize & mask).map_or(0, |e| u64::from(e.ix));
        }
        out.extend(hashes.iter().map(|&hash| if hash == REPEAT { None } else { self.candidate(hash) }));
        // The interned id (its pointer), the node list and the caller's data; then, with the
        // pointers in cache, the id's text: one level of misses per pass.
        for found in out.iter().flatten() {
            let name = self.names.get(found.sku as usize).map_or(0, |n| n.as_str().len());
            let list = self.arena.get(found.head.off as usize).map_or(0, |e| e.0);
            touched ^= name as u64 ^ u64::from(list) ^ also(found.sku);
        }
        for found in out.iter().flatten() {
            let name = self.names.get(found.sku as usize);
            touched ^= u64::from(name.map_or(0, |n| n.as_str().as_bytes().first().copied().unwrap_or(0)));
        }
        std::hint::black_box(touched);
        let mut last = None;
        for ((found, &hash), sku) in out.iter_mut().zip(hashes.iter()).zip(skus) {
            if hash == REPEAT {
                *found = last;
                continue;
            }
            if let Some(f) = *found {
                if self.names.get(f.sku as usize).is_none_or(|n| n.as_str() != sku.as_str()) {
                    // A 32-bit hash collision: probe the whole sequence.
                    *found = self
                        .position(hash, sku)
                        .and_then(|i| self.table.get(i))
                        .map(|e| Found { sku: e.ix - 1, head: e.head });
                }
            }
            last = *found;
        }
    }

    /// Interns a sku the index does not hold yet; returns its index.
    pub fn insert(&mut self, sku: Sku) -> u32 {
        let ix = self.names.len() as u32;
        if (self.names.len() + 1) * 2 > self.table.len() {
            self.grow();
        }
        let hash = self.hash(&sku);
        self.place(Entry { hash, ix: ix.wrapping_add(1), head: Head::default() });
        self.names.push(sku);
        self.heads.push(Head::default());
        ix
    }

    fn place(&mut self, entry: Entry) {
        let mask = self.table.len().wrapping_sub(1);
        let mut i = entry.hash as usize & mask;
        while let Some(e) = self.table.get_mut(i) {
            if e.ix == 0 {
                *e = entry;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(16);
        let old = std::mem::replace(&mut self.table, vec![Entry::default(); size]);
        for entry in old.into_iter().filter(|e| e.ix != 0) {
            self.place(entry);
        }
    }

    /// The sku's positions as `(node, slot)`, sorted by node.
    pub fn nodes(&self, sku: u32) -> &[(u32, u32)] {
        let Some(head) = self.heads.get(sku as usize) else { return &[] };
        self.arena.get(head.off as usize..head.off as usize + head.len as usize).unwrap_or(&[])
    }

    /// The slot of the sku's position at `node`.
    pub fn slot(&self, sku: u32, node: u32) -> Option<u32> {
        self.heads.get(sku as usize).and_then(|&head| self.slot_in(head, node))
    }

    /// The slot of a found sku's position at `node`.
    pub fn slot_of_found(&self, found: Found, node: u32) -> Option<u32> {
        self.slot_in(found.head, node)
    }

    fn slot_in(&self, head: Head, node: u32) -> Option<u32> {
        let list = self.arena.get(head.off as usize..head.off as usize + head.len as usize).unwrap_or(&[]);
        list.binary_search_by_key(&node, |&(n, _)| n).ok().and_then(|i| list.get(i)).map(|&(_, slot)| slot)
    }

    /// Records the sku's position at `node` (which it does not have yet).
    pub fn add_position(&mut self, sku: u32, node: u32, slot: u32) {
        let Some(mut head) = self.heads.get(sku as usize).copied() else { return };
        let (start, len) = (head.off as usize, head.len as usize);
        let cap = capacity(head.len);
        if head.len == cap {
            let bigger = cap.saturating_mul(2).max(1);
            let off = self.alloc(bigger);
            self.arena.copy_within(start..start + len, off as usize);
            if cap > 0 {
                if let Some(list) = self.free.get_mut(class(cap)) {
                    list.push(head.off);
                }
            }
            head.off = off;
        }
        let start = head.off as usize;
        let Some(block) = self.arena.get_mut(start..start + len + 1) else { return };
        let at = block.get(..len).map_or(0, |l| l.partition_point(|&(n, _)| n < node));
        block.copy_within(at..len, at + 1);
        if let Some(e) = block.get_mut(at) {
            *e = (node, slot);
        }
        head.len += 1;
        if let Some(h) = self.heads.get_mut(sku as usize) {
            *h = head;
        }
        let position = self.names.get(sku as usize).and_then(|name| self.position(self.hash(name), name));
        if let Some(entry) = position.and_then(|i| self.table.get_mut(i)) {
            entry.head = head;
        }
    }

    fn alloc(&mut self, capacity: u32) -> u32 {
        let k = class(capacity);
        if self.free.len() <= k {
            self.free.resize_with(k + 1, Vec::new);
        }
        if let Some(off) = self.free.get_mut(k).and_then(Vec::pop) {
            return off;
        }
        let off = self.arena.len();
        self.arena.resize(off + capacity as usize, (u32::MAX, u32::MAX));
        off as u32
    }

    /// Heap bytes: vectors at capacity, each sku's text with its reference counts, and 16
    /// bytes of allocator overhead per allocation.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        const OVERHEAD: usize = 16;
        let alloc = |bytes: usize| if bytes == 0 { 0 } else { bytes + OVERHEAD };
        let texts: usize = self.names.iter().map(|s| alloc(16 + s.as_str().len())).sum();
        let free: usize = self.free.iter().map(|f| alloc(f.capacity() * size_of::<u32>())).sum();
        alloc(self.names.capacity() * size_of::<Sku>())
            + texts
            + alloc(self.table.capacity() * size_of::<Entry>())
            + alloc(self.heads.capacity() * size_of::<Head>())
            + alloc(self.arena.capacity() * size_of::<(u32, u32)>())
            + free
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn sku(i: u32) -> Sku {
        Sku::new(format!("S{i}")).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn finds_what_a_map_finds(ops in proptest::collection::vec((0u32..300, 0u32..12), 1..600)) {
            // Given positions added in any order, when looked up one by one and all at once,
            // then the index agrees with a plain map and keeps each sku's nodes sorted.
            let mut index = SkuIndex::default();
            let mut model: BTreeMap<u32, (u32, BTreeMap<u32, u32>)> = BTreeMap::new();
            for (slot, &(s, node)) in ops.iter().enumerate() {
                let ix = match index.find(&sku(s)) {
                    Some(ix) => ix,
                    None => index.insert(sku(s)),
                };
                let entry = model.entry(s).or_insert((ix, BTreeMap::new()));
                prop_assert_eq!(entry.0, ix);
                if let std::collections::btree_map::Entry::Vacant(v) = entry.1.entry(node) {
                    v.insert(slot as u32);
                    index.add_position(ix, node, slot as u32);
                }
            }
            let probes: Vec<Sku> = (0..320).map(sku).chain((0..40).map(|i| sku(i % 3))).collect();
            let (mut hashes, mut found) = (Vec::new(), Vec::new());
            index.find_many(probes.iter(), &mut hashes, &mut found, |_| 0);
            for (probe, got) in probes.iter().zip(&found) {
                let s: u32 = probe.as_str()[1..].parse().unwrap();
                prop_assert_eq!(got.map(|f| f.sku), model.get(&s).map(|e| e.0));
                if let (Some(f), Some((_, nodes))) = (got, model.get(&s)) {
                    for (&n, &slot) in nodes {
                        prop_assert_eq!(index.slot_of_found(*f, n), Some(slot));
                    }
                }
                prop_assert_eq!(index.find(probe), model.get(&s).map(|e| e.0));
            }
            for (ix, name) in index.names().iter().enumerate() {
                let s: u32 = name.as_str()[1..].parse().unwrap();
                let want: Vec<(u32, u32)> = model[&s].1.iter().map(|(&n, &slot)| (n, slot)).collect();
                prop_assert_eq!(index.nodes(ix as u32), want.as_slice());
                for &(n, slot) in &want {
                    prop_assert_eq!(index.slot(ix as u32, n), Some(slot));
                }
                prop_assert_eq!(index.slot(ix as u32, 99), None);
            }
        }
    }

    #[test]
    fn outgrown_node_lists_are_reused() {
        // Given two skus that each grow to 8 nodes, when the second grows through the sizes
        // the first left behind, then it reuses them: the arena grows only by its final block.
        let mut index = SkuIndex::default();
        let (a, b) = (index.insert(sku(1)), index.insert(sku(2)));
        for node in 0..8 {
            index.add_position(a, node, node);
        }
        for node in 0..8 {
            index.add_position(b, node, 10 + node);
        }
        assert_eq!(index.arena.len(), 1 + 2 + 4 + 8 + 8);
        assert_eq!(index.nodes(b).len(), 8);
        assert_eq!(index.slot(a, 7), Some(7));
    }
}
