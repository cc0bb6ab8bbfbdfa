//! Test kit (feature `testkit`): what adapters and hosts need to test against returns.
//!
//! - [`return_store`]: the [`ReturnStore`](crate::ReturnStore) conformance suite, one function
//!   per behaviour, and [`return_store_conformance!`](crate::return_store_conformance) to run
//!   them all as named tests against an adapter.
//! - [`ReturnTest`]: given commands / when a command / then events or a refusal, checking
//!   replay at every step.
//! - [`fixtures`]: delivered orders and commands to build on.
//!
//! Test kit code asserts by panicking, like any test code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod fixtures;
mod harness;
pub mod return_store;

pub use harness::ReturnTest;
