//! **oms**: an order-management system as a Rust library.
//!
//! This facade re-exports the four crates; wiring them into one service comes with the facade
//! issue. See the README for the crate map.
//!
//! ```
//! use oms::core::{Currency, Money};
//! assert_eq!(Money::from_minor(1999, Currency::USD).to_string(), "19.99 USD");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use oms_core as core;
pub use oms_inventory as inventory;
pub use oms_returns as returns;
pub use oms_routing as routing;

mod system_clock;
pub use system_clock::SystemClock;

#[cfg(feature = "sqlite")]
pub mod sqlite;

/// The README's code blocks, compiled and run as doctests so they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
