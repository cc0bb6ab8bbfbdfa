//! **oms**: an order-management system as a Rust library.
//!
//! [`Oms`] wires the four crates into one service: orders ([`oms_core`]), stock
//! ([`oms_inventory`]), routing ([`oms_routing`]) and returns ([`oms_returns`]), over stores
//! you choose (in memory, SQLite with feature `sqlite`, or your own adapters of the ports) and
//! a clock.
//!
//! ```
//! use oms::core::{Actor, GeoPoint, Metadata, testkit::fixtures};
//! use oms::Setup;
//!
//! // A DC and a store, a web channel selling from both, stock, and routing rules.
//! let oms = Setup::from_json(r#"{
//!   "now": "2026-11-27T09:00:00Z",
//!   "nodes": [
//!     {"id": "DC", "kind": "warehouse", "location": {"lat": 40.73, "lon": -74.17}, "methods": ["ship"],
//!      "shipment_cost": "6.00", "cost_per_km": "0.006", "unit_cost": "0.40"},
//!     {"id": "STORE-CHI", "kind": "store", "location": {"lat": 41.88, "lon": -87.63}, "methods": ["ship"],
//!      "shipment_cost": "4.50", "cost_per_km": "0.003", "unit_cost": "1.20"}
//!   ],
//!   "channels": [{"id": "web", "nodes": {"kinds": ["warehouse", "store"]}}],
//!   "stock": [{"node": "DC", "sku": "TEE-M", "quantity": 50}, {"node": "STORE-CHI", "sku": "TEE-M", "quantity": 2}],
//!   "rules": {"strategies": [{"name": "cheapest", "partial": "backorder"}]}
//! }"#)?.build()?;
//!
//! // Capture an order to Chicago and route it: stock is allocated at the node routing chose.
//! let mut draft = fixtures::draft("O-1", "#1001", "C-42", &[("1", "TEE-M", 2)]);
//! draft.ship_to.as_mut().unwrap().geo = Some(GeoPoint::new(41.85, -87.65)?);
//! oms.capture(&draft, Metadata::by(Actor::System))?;
//! oms.route(&"O-1".parse()?, Metadata::by(Actor::System))?;
//! let order = oms.order(&"O-1".parse()?)?;
//! assert_eq!(order.fulfillment_orders()[0].node().as_str(), "STORE-CHI");
//! let (recorded, held) = oms.footprints(order.id())?;
//! assert_eq!(recorded, held); // what the order records is what the inventory holds
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The README walks through the rest: the JSON command API, the examples, and the write order
//! that keeps orders and stock consistent across a crash.
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
mod stable_id;
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
