//! **oms**: an order-management system as a Rust library.
//!
//! [`Oms`] wires the four crates into one service: orders ([`oms_core`]), stock
//! ([`oms_inventory`]), routing ([`oms_routing`]) and returns ([`oms_returns`]), over stores
//! you choose (in memory, SQLite with feature `sqlite`, or your own adapters of the ports) and
//! a clock.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use oms_core as core;
pub use oms_inventory as inventory;
pub use oms_returns as returns;
pub use oms_routing as routing;

mod command;
mod error;
mod event;
mod flows;
mod fulfilment_plan;
mod integration;
mod oms;
mod orders;
mod outbox;
mod recovery;
mod returns_flow;
pub mod setup;
pub mod stock;
mod system_clock;

#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use command::{Command, ErrorReport, Request, Response};
pub use error::{Error, Result};
pub use event::{Event, RoutedPlan, RoutedShipment};
pub use oms::{InMemoryOms, Oms, Parts};
pub use outbox::{InMemoryOutbox, IntegrationEvent, Outbox, OutboxError, OutboxMessage};
pub use returns_flow::returnable_order;
pub use setup::{Setup, StockSetup};
pub use system_clock::SystemClock;

/// The README's code blocks, compiled and run as doctests so they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
