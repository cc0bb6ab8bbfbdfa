//! The in-memory store runs the same conformance suite every adapter runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod in_memory {
    oms_inventory::inventory_store_conformance!(oms_inventory::InMemoryInventoryStore::new());
}

mod in_memory_behind_an_arc {
    oms_inventory::inventory_store_conformance!(std::sync::Arc::new(oms_inventory::InMemoryInventoryStore::new()));
}
