//! Test kit (feature `testkit`): what adapters and hosts need to test against inventory.
//!
//! - [`store`]: the [`InventoryStore`](crate::InventoryStore) conformance suite, one function per
//!   behaviour, and [`inventory_store_conformance!`](crate::inventory_store_conformance) to run
//!   them all as named tests against an adapter.
//! - [`fixtures`]: a small network (warehouses, stores, a vendor; web, marketplace and POS
//!   channels) and shorthands for ids and commands.
//!
//! Test kit code asserts by panicking, like any test code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod fixtures;
pub mod store;
