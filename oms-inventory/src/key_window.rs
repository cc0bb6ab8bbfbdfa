//! The idempotency keys the engine remembers: the most recent ones, in two generations.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use oms_core::IdempotencyKey;

/// The most recent idempotency keys, in two generations of up to `capacity / 2` keys: when
/// the current one is full, the previous one is forgotten and the current one takes its
/// place. The window therefore remembers between half and all of `capacity` keys, forgets
/// without rehashing anything, and a key is hashed once per batch: the caller keeps the hash
/// from [`KeyWindow::hash`] between the lookup and the insert.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyWindow {
    capacity: usize,
    hasher: foldhash::fast::RandomState,
    current: HashTable<IdempotencyKey>,
    previous: HashTable<IdempotencyKey>,
}

impl KeyWindow {
    pub fn new(capacity: usize) -> KeyWindow {
        KeyWindow { capacity, ..KeyWindow::default() }
    }

    pub fn hash(&self, key: &IdempotencyKey) -> u64 {
        self.hasher.hash_one(key.as_str())
    }

    pub fn contains(&self, key: &IdempotencyKey) -> bool {
        self.contains_hashed(self.hash(key), key)
    }

    /// `hash` is [`KeyWindow::hash`] of `key`.
    pub fn contains_hashed(&self, hash: u64, key: &IdempotencyKey) -> bool {
        let same = |k: &IdempotencyKey| k.as_str() == key.as_str();
        self.current.find(hash, same).is_some() || self.previous.find(hash, same).is_some()
    }

    /// A remembered key with this hash that `is` picks out.
    pub fn find(&self, hash: u64, is: impl Fn(&IdempotencyKey) -> bool) -> Option<&IdempotencyKey> {
        self.current.find(hash, &is).or_else(|| self.previous.find(hash, &is))
    }

    /// Remembers a key the window does not hold; `hash` is [`KeyWindow::hash`] of `key`.
    /// False when the window remembers no keys.
    pub fn insert_hashed(&mut self, hash: u64, key: &IdempotencyKey) -> bool {
        if self.capacity == 0 {
            return false;
        }
        if self.current.len() >= self.capacity.div_ceil(2) {
            // Clearing keeps the table's buckets: the next generation fills them again.
            self.previous.clear();
            std::mem::swap(&mut self.current, &mut self.previous);
        }
        let hasher = &self.hasher;
        self.current.insert_unique(hash, key.clone(), |k| hasher.hash_one(k.as_str()));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_between_half_and_all_of_its_capacity() {
        let key = |i: usize| IdempotencyKey::new(format!("k{i}")).unwrap();
        let mut window = KeyWindow::new(4);
        for i in 0..9 {
            let k = key(i);
            window.insert_hashed(window.hash(&k), &k);
        }
        // Generations of 2 keys: {6, 7} closed, {8} open; {4, 5} were forgotten when 8 arrived.
        let remembered: Vec<usize> = (0..9).filter(|&i| window.contains(&key(i))).collect();
        assert_eq!(remembered, [6, 7, 8]);
        assert!(!KeyWindow::new(0).contains(&key(0)));
    }
}
