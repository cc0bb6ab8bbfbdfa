//! Fulfillment routing for the oms order-management library: rules that choose the nodes an
//! order ships from, greedy and optimal engines, explanations, and the routing scenario format.
//!
//! This crate is a skeleton until its issue lands; it depends on `oms-core` only.
//!
//! ```
//! // Routing measures distances with the core's geo points.
//! let a = oms_core::GeoPoint::new(41.88, -87.63).unwrap();
//! assert_eq!(a.distance_km(&a), 0.0);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
