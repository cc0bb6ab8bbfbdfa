//! Returns for the oms order-management library: return policy, RMA lifecycle, exact refunds,
//! exchanges and restock dispositions.
//!
//! This crate is a skeleton until its issue lands; it depends on `oms-core` only.
//!
//! ```
//! // Refunds are exact: they come from the core's money allocation.
//! use oms_core::{Currency, Money};
//! let paid = Money::from_minor(1000, Currency::USD);
//! let parts = paid.allocate(&[1.into(), 1.into(), 1.into()]).unwrap();
//! assert_eq!(parts.iter().map(|m| m.to_minor().unwrap()).sum::<i128>(), 1000);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
