//! SQLite adapters for the ports (feature `sqlite`), on rusqlite with its bundled SQLite.
//!
//! They pass the same conformance suites as the in-memory stores. Each adapter holds one
//! connection behind a mutex; correctness does not rest on the mutex but on the database:
//! writes run in `BEGIN IMMEDIATE` transactions and primary keys make a lost race fail, so
//! several processes sharing one database file stay consistent too.

mod inventory_store;
mod order_store;

pub use inventory_store::SqliteInventoryStore;
pub use order_store::SqliteOrderStore;

use oms_core::StoreError;

/// A SQLite or JSON failure as the port's backend error.
fn backend(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend { source: Box::new(error) }
}
