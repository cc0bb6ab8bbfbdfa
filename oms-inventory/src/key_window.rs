//! The idempotency keys the engine remembers: the most recent ones, in two generations.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use oms_core::IdempotencyKey;

/// One generation: the keys' text end to end, and a table of (offset, length) into it.
#[derive(Debug, Clone, Default)]
struct Generation {
    text: String,
    keys: HashTable<(u32, u32)>,
}

impl Generation {
    fn get(&self, (at, len): (u32, u32)) -> &str {
        self.text.get(at as usize..at as usize + len as usize).unwrap_or("")
    }

    fn contains(&self, hash: u64, key: &str) -> bool {
        self.keys.find(hash, |&k| self.get(k) == key).is_some()
    }
}

/// The most recent idempotency keys, in two generations of up to `capacity / 2` keys: when
/// the current one is full, the previous one is forgotten and the current one takes its
/// place. The window therefore remembers between half and all of `capacity` keys, and a key
/// is hashed once per batch: the caller keeps the hash from [`KeyWindow::hash`] between the
/// lookup and the insert.
///
/// The window copies a key's text rather than holding the caller's reference-counted id: a
/// caller drops its keys, and the window would then hold the last reference of each, to be
/// freed, cold, when its generation is forgotten (a reference count and a deallocation per
/// key, each a likely cache miss). Forgetting a generation here clears a string and a table.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyWindow {
    capacity: usize,
    hasher: foldhash::fast::RandomState,
    current: Generation,
    previous: Generation,
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
        self.current.contains(hash, key.as_str()) || self.previous.contains(hash, key.as_str())
    }

    /// Remembers a key the window does not hold; `hash` is [`KeyWindow::hash`] of `key`.
    pub fn insert_hashed(&mut self, hash: u64, key: &IdempotencyKey) {
        let text = key.as_str();
        let (Ok(at), Ok(len)) = (u32::try_from(self.current.text.len()), u32::try_from(text.len())) else { return };
        if self.capacity == 0 {
            return;
        }
        if self.current.keys.len() >= self.capacity.div_ceil(2) || at.checked_add(len).is_none() {
            // Clearing keeps the table's buckets and the string's capacity: the next
            // generation fills them again.
            self.previous.keys.clear();
            self.previous.text.clear();
            std::mem::swap(&mut self.current, &mut self.previous);
        }
        let Generation { text: all, keys } = &mut self.current;
        let at = all.len() as u32;
        all.push_str(text);
        let hasher = &self.hasher;
        let all = &*all;
        keys.insert_unique(hash, (at, len), |&(a, l)| {
            hasher.hash_one(all.get(a as usize..a as usize + l as usize).unwrap_or(""))
        });
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
