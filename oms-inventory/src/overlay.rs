//! A batch's working copy of what it changes: a small map that scans while small and indexes
//! once it grows.

use std::hash::{BuildHasher, Hash};

/// Entries scanned without an index; past this an open-addressing index takes over.
const SCAN_LIMIT: usize = 24;

/// Entries in insertion order, found by scanning while few and through an index once many.
/// The index is `index[..size]`: a power of two of `item + 1` (0: empty), at most half full,
/// probed linearly. It is rebuilt when the entries pass the scan limit and when it fills, and
/// its vector keeps its capacity between batches, so a batch allocates nothing once the
/// engine has seen one as large. Cheaper than a general hash map for what a batch needs:
/// insert and find.
#[derive(Debug, Clone)]
pub(crate) struct Overlay<K, V> {
    items: Vec<(K, V)>,
    index: Vec<u32>,
    size: usize,
    hasher: foldhash::fast::RandomState,
}

impl<K, V> Default for Overlay<K, V> {
    fn default() -> Self {
        Overlay { items: Vec::new(), index: Vec::new(), size: 0, hasher: foldhash::fast::RandomState::default() }
    }
}

impl<K: Copy + Eq + Hash, V> Overlay<K, V> {
    /// Forgets every entry (the index is rebuilt when the entries pass the scan limit again).
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Every entry, in insertion order.
    pub fn items(&self) -> &[(K, V)] {
        &self.items
    }

    fn indexed(&self) -> bool {
        self.items.len() > SCAN_LIMIT
    }

    /// The index position where `key` is, or the empty one where it would go.
    fn probe(&self, key: K) -> (usize, Option<usize>) {
        let mask = self.size.wrapping_sub(1);
        let mut at = self.hasher.hash_one(key) as usize & mask;
        loop {
            match self.index.get(at).copied() {
                None | Some(0) => return (at, None),
                Some(i) => {
                    let item = i as usize - 1;
                    if self.items.get(item).is_some_and(|(k, _)| *k == key) {
                        return (at, Some(item));
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }

    fn find(&self, key: K) -> Option<usize> {
        if self.indexed() { self.probe(key).1 } else { self.items.iter().position(|(k, _)| *k == key) }
    }

    pub fn get(&self, key: K) -> Option<&V> {
        self.find(key).and_then(|i| self.items.get(i)).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: K) -> Option<&mut V> {
        self.find(key).and_then(|i| self.items.get_mut(i)).map(|(_, v)| v)
    }

    /// Adds an entry for a key the overlay does not hold (found absent just before).
    pub fn insert_new(&mut self, key: K, value: V) {
        self.items.push((key, value));
        let i = self.items.len() - 1;
        if self.items.len() == SCAN_LIMIT + 1 || (self.indexed() && self.items.len() * 2 > self.size) {
            self.rebuild();
        } else if self.indexed() {
            let (at, _) = self.probe(key);
            if let Some(slot) = self.index.get_mut(at) {
                *slot = i as u32 + 1;
            }
        }
    }

    pub fn entry(&mut self, key: K, init: impl FnOnce() -> V) -> &mut V {
        let (at, found) =
            if self.indexed() { self.probe(key) } else { (usize::MAX, self.items.iter().position(|(k, _)| *k == key)) };
        let i = match found {
            Some(i) => i,
            None => {
                self.items.push((key, init()));
                let i = self.items.len() - 1;
                if self.items.len() == SCAN_LIMIT + 1 || (self.indexed() && self.items.len() * 2 > self.size) {
                    self.rebuild();
                } else if let Some(slot) = self.index.get_mut(at) {
                    // Where the probe for `key` ended: its place in the index.
                    *slot = i as u32 + 1;
                }
                i
            }
        };
        let last = self.items.len() - 1;
        // `i` indexes `items`: found or just pushed.
        &mut self.items[i.min(last)].1
    }

    fn put(&mut self, item: usize) {
        let Some(&(key, _)) = self.items.get(item) else { return };
        let (at, _) = self.probe(key);
        if let Some(slot) = self.index.get_mut(at) {
            *slot = item as u32 + 1;
        }
    }

    /// Sizes the index for four times the entries and indexes them all.
    fn rebuild(&mut self) {
        self.size = (self.items.len() * 4).next_power_of_two();
        if self.index.len() < self.size {
            self.index.resize(self.size, 0);
        }
        if let Some(used) = self.index.get_mut(..self.size) {
            used.fill(0);
        }
        for item in 0..self.items.len() {
            self.put(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn behaves_like_a_map(
            rounds in proptest::collection::vec(proptest::collection::vec((0u32..400, any::<bool>()), 0..200), 1..4),
        ) {
            // Given an overlay reused across rounds, when keys are counted (through `entry`, or
            // `get_mut` and `insert_new`), then
            // every round sees exactly the counts a plain map would, in first-seen order.
            let mut overlay: Overlay<u32, u32> = Overlay::default();
            for keys in rounds {
                overlay.clear();
                let mut model: Vec<(u32, u32)> = Vec::new();
                for (k, through_entry) in keys {
                    if through_entry {
                        *overlay.entry(k, || 0) += 1;
                    } else if let Some(n) = overlay.get_mut(k) {
                        *n += 1;
                    } else {
                        overlay.insert_new(k, 1);
                    }
                    match model.iter_mut().find(|(m, _)| *m == k) {
                        Some((_, n)) => *n += 1,
                        None => model.push((k, 1)),
                    }
                }
                prop_assert_eq!(overlay.items(), model.as_slice());
                for &(k, n) in &model {
                    prop_assert_eq!(overlay.get(k), Some(&n));
                }
                prop_assert_eq!(overlay.get(999), None);
            }
        }
    }
}
