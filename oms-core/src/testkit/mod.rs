//! Test kit (feature `testkit`): what adapters and hosts need to test against the core.
//!
//! - [`order_store`]: the [`OrderStore`](crate::OrderStore) conformance suite, one function per
//!   behaviour, and [`order_store_conformance!`](crate::order_store_conformance) to run them all
//!   as named tests against an adapter.
//! - [`OrderTest`]: given events / when command / then events, for the order aggregate.
//! - [`fixtures`]: small valid drafts to build on.
//!
//! Test kit code asserts by panicking, like any test code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod fixtures;
mod harness;
pub mod order_store;

pub use harness::{OrderTest, Then};
