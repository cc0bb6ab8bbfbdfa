//! The in-memory order store runs the same conformance suite every adapter runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod in_memory {
    oms_core::order_store_conformance!(oms_core::InMemoryOrderStore::new());
}

mod in_memory_behind_an_arc {
    oms_core::order_store_conformance!(std::sync::Arc::new(oms_core::InMemoryOrderStore::new()));
}
