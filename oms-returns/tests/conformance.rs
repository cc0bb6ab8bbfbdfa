//! The in-memory return store runs the same conformance suite every adapter runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod in_memory {
    oms_returns::return_store_conformance!(oms_returns::InMemoryReturnStore::new());
}

mod in_memory_behind_an_arc {
    oms_returns::return_store_conformance!(std::sync::Arc::new(oms_returns::InMemoryReturnStore::new()));
}
