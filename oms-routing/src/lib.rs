//! Fulfillment routing for the oms order-management library: rules that choose the nodes an
//! order ships from, greedy and optimal engines, explanations, and the routing scenario format.
//!
//! ```
//! use oms_routing::*;
//! use oms_core::GeoPoint;
//! use rust_decimal_macros::dec;
//!
//! let at = |lat, lon| GeoPoint::new(lat, lon).unwrap();
//! // A network: a DC, a store that ships and takes pickups, a drop-ship vendor.
//! let network = Network::new(
//!     vec![
//!         Node::new("DC-EAST".parse()?, NodeKind::Warehouse, at(40.74, -74.17)).with_costs(dec!(6), dec!(0.006), dec!(0.40)),
//!         Node::new("STORE-CHI".parse()?, NodeKind::Store, at(41.88, -87.63)).with_costs(dec!(4.5), dec!(0.003), dec!(1.20)),
//!         Node::new("VENDOR".parse()?, NodeKind::Vendor, at(39.74, -104.99)).with_costs(dec!(9), dec!(0), dec!(0)),
//!     ],
//!     vec![],
//! )?;
//! // Rules as data: gold customers get the cheapest plan found by the exact engine, with at
//! // most two shipments; everyone else the greedy engine, backordering what cannot be filled.
//! let rules = RuleSet::from_json(r#"{"strategies": [
//!   {"name": "gold", "when": {"attribute": {"key": "tier", "value": "gold"}},
//!    "split": {"max_shipments": 2}, "engine": "optimal", "partial": "fallback"},
//!   {"name": "standard", "filters": [{"exclude_kinds": ["vendor"]}], "partial": "backorder"}
//! ]}"#)?;
//! let router = Router::new(network, rules);
//!
//! // Stock is an input (any `StockView`); capacity used today is a `Usage`.
//! let mut stock = Stock::new(router.network());
//! stock.set(&"DC-EAST".parse()?, "TEE-M".parse()?, 50)?;
//! stock.set(&"STORE-CHI".parse()?, "TEE-M".parse()?, 2)?;
//! stock.set(&"VENDOR".parse()?, "CAP".parse()?, 100)?;
//! let mut usage = Usage::new(router.network());
//!
//! let request = Request::ship("A-1".parse()?, at(41.85, -87.65))
//!     .line("1".parse()?, "TEE-M".parse()?, 2)
//!     .line("2".parse()?, "CAP".parse()?, 1);
//! let plan = router.route(&request, &stock, &usage)?;
//! assert_eq!(plan.status(), PlanStatus::Partial); // standard customers: no vendor, CAP backordered
//! assert_eq!(plan.backordered()[0].sku.as_str(), "CAP");
//! assert!(plan.reasons()[0].contains("locations the routing rules exclude"), "{:?}", plan.reasons());
//!
//! let gold = request.clone().attribute("tier", "gold");
//! let plan = router.route(&gold, &stock, &usage)?;
//! assert_eq!(plan.status(), PlanStatus::Routed);
//! assert_eq!(plan.shipments().len(), 2); // the store's tees, the vendor's cap (drop-ship)
//! assert_eq!(plan.shipments()[1].kind(), ShipmentKind::DropShip);
//! stock.take(&plan)?;
//! usage.record(&plan)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//! - [`Network`] (validated [`Node`]s and [`Lane`]s; cheapest multi-hop transfer costs),
//!   [`StockView`] (input; [`Stock`] is a value implementation), [`Usage`] (capacity used).
//! - Rules: a [`RuleSet`] of [`Strategy`]s — a [`Condition`] (or a closure), [`Filter`]s (or
//!   closures), a [`Ranking`] of [`Ranker`]s (or closures), a [`SplitPolicy`], a
//!   [`PartialPolicy`], an [`Engine`].
//! - [`Router::route`] turns a [`Request`] into a [`Plan`]: shipments, backorders, [`Cost`],
//!   and an [`Explanation`]. The optimal engine proves its plan best within a [`Budget`] (search
//!   nodes, or a deadline from your clock) and says so: [`Plan::optimality`] is an
//!   [`Optimality`].
//! - [`scenario`]: the routing scenario format (read, validate, route a batch, write).
//! - Feature `proptest`: `strategies` for property tests and a seeded scenario generator.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Lets unit tests include test support written against the public API (`oms_routing::...`).
#[cfg(test)]
extern crate self as oms_routing;

mod admission;
mod candidates;
mod cost;
mod engine;
mod error;
mod explain;
mod gather;
mod lanes;
mod network;
mod node;
mod plan;
mod problem;
mod request;
mod router;
mod rules;
pub mod scenario;
mod score;
mod stock;
mod usage;

#[cfg(feature = "proptest")]
pub mod strategies;

pub use cost::{Cost, MAX_COST_PARAMETER};
pub use engine::optimal::{Budget, Optimality};
pub use error::{Error, Result};
pub use explain::{Attempt, CandidateNote, Explanation, Outcome, Removal, Shortfall, ShortfallReason, Verdict};
pub use network::{Lane, Network, NodeIndex};
pub use node::{Method, Node, NodeKind};
pub use plan::{LineQuantity, Plan, PlanStatus, Shipment, ShipmentKind};
pub use problem::Scratch;
pub use request::{Destination, Request, RequestLine};
pub use router::Router;
pub use rules::condition::{Condition, RequestCondition};
pub use rules::filter::{Filter, NodeFilter};
pub use rules::policy::{Engine, PartialPolicy, SplitMode, SplitPolicy};
pub use rules::ranker::{MAX_LEVELS, NodeRanker, Ranker, Ranking};
pub use rules::strategy::{RuleSet, Strategy};
pub use stock::{Stock, StockView};
pub use usage::Usage;
