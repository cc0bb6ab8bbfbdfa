//! Inventory for the oms order-management library: positions per sku and node, a movement
//! ledger, reservations, available-to-promise per channel and an availability feed.
//!
//! This crate is a skeleton until its issue lands; it depends on `oms-core` only.
//!
//! ```
//! // Inventory shares the core's vocabulary.
//! let sku = oms_core::Sku::new("TEE-M").unwrap();
//! assert_eq!(sku.as_str(), "TEE-M");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
