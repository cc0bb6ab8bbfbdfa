//! Returns for the oms order-management library: return policy, RMA lifecycle, exact refunds,
//! exchanges and restock dispositions.
//!
//! A delivered order comes in as a [`ReturnableOrder`], checked and priced once as a
//! [`PreparedOrder`]; commands on its [`OrderReturns`] become events; the events carry what the
//! host acts on: stock movements for the inventory, payment instructions for the payment
//! provider, replacement demand for new orders.
//!
//! ```
//! use oms_core::{capture, testkit::fixtures, DiscountDraft, MoneyInput};
//! use oms_returns::*;
//! use rust_decimal_macros::dec;
//!
//! // Three tees at 10.00 with 5.00 off the order: 25.00 paid, 8.34 + 8.33 + 8.33 per unit.
//! let mut draft = fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]);
//! draft.discounts.push(DiscountDraft { code: "WELCOME".into(), amount: MoneyInput::new(dec!(5), "USD") });
//! let order = ReturnableOrder::all_delivered(&capture(&draft)?, fixtures::t0()).prepare()?;
//! let policy = ReturnPolicy::standard();
//! let now = fixtures::t0() + chrono::Duration::days(10);
//!
//! let mut returns = OrderReturns::new(order.order().order_id.clone());
//! let rma: RmaId = "R-1".parse()?;
//! let tee = "1".parse()?;
//! let commands = [
//!     ReturnCommand::Request {
//!         rma: rma.clone(),
//!         method: ReturnMethod::Mail,
//!         lines: vec![ReturnLineRequest::new("1".parse()?, 2, ReturnReason::WrongSize)],
//!         exchange: None,
//!     },
//!     ReturnCommand::Receive {
//!         rma: rma.clone(),
//!         node: "DC-1".parse()?,
//!         items: vec![ReceivedUnits { line: "1".parse()?, quantity: 2 }],
//!         unexpected: vec![],
//!     },
//!     ReturnCommand::Inspect {
//!         rma: rma.clone(),
//!         inspections: vec![
//!             Inspection { line: "1".parse()?, quantity: 1, disposition: Disposition::Restock },
//!             Inspection { line: "1".parse()?, quantity: 1, disposition: Disposition::Damaged },
//!         ],
//!     },
//!     ReturnCommand::Refund { rma: rma.clone() },
//! ];
//! let mut events = Vec::new();
//! for command in &commands {
//!     for event in returns.decide(command, &order, &policy, now)? {
//!         returns.apply(&event)?;
//!         events.push(event);
//!     }
//! }
//! // Only the resellable unit goes back into sellable stock, at the node that received it.
//! let sellable: Vec<_> = events.iter().flat_map(|e| e.stock_movements()).filter(|m| m.is_sellable()).collect();
//! assert_eq!((sellable.len(), sellable[0].quantity, sellable[0].node.as_str()), (1, 1, "DC-1"));
//! // The two units paid 16.67; that is the refund instruction for the payment provider.
//! let refund = events.iter().find_map(|e| e.payment(&order.order().order_id)).unwrap();
//! assert_eq!((refund.direction, refund.amount.to_string().as_str()), (PaymentDirection::Refund, "16.67 USD"));
//! // Refunding twice is refused, and replaying the events rebuilds the same state.
//! assert!(matches!(
//!     returns.decide(&ReturnCommand::Refund { rma }, &order, &policy, now),
//!     Err(ReturnError::AlreadyRefunded { .. })
//! ));
//! assert_eq!(OrderReturns::replay(order.order().order_id.clone(), &events)?, returns);
//! assert_eq!(returns.ledger(&tee).unwrap().refunded().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//! - Input: [`ReturnableOrder`] — what the customer received and paid (the contract with the
//!   order lifecycle); [`ReturnableOrder::prepare`] checks it and prices its unit slots once,
//!   giving the [`PreparedOrder`] every decision reads.
//! - Policy as data: [`ReturnPolicy`] (windows per channel and sku group, non-returnable and
//!   final-sale skus, [`ReturnReason`]s with [`ReasonRule`]s, [`ReturnMethods`], fees, shipping
//!   refunds, exchanges); [`Eligibility`] answers what may come back and why not.
//! - The aggregate: [`OrderReturns`] holds an order's [`Rma`]s; [`OrderReturns::decide`] turns
//!   a [`ReturnCommand`] into [`ReturnEvent`]s, [`OrderReturns::expire`] expires late ones,
//!   [`OrderReturns::apply`] folds. [`RmaStatus::after`] is the one transition table.
//! - Money: [`Settlement`] with [`CreditLine`]s computed from unit slots ([`Units`]), then a
//!   [`PaymentInstruction`]; exchanges ([`ExchangeRequest`]) release [`ReplacementDemand`].
//! - Stock: [`Disposition`]s per inspected unit become [`StockMovement`]s.
//! - Port: [`ReturnStore`] with [`InMemoryReturnStore`]; [`ReturnService`] runs commands over
//!   it with optimistic concurrency and idempotency keys.
//! - Feature `testkit`: the store conformance suite, fixtures and a given/when/then harness;
//!   feature `proptest`: strategies for delivered orders, policies and commands.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod command;
mod decide;
mod disposition;
mod eligibility;
mod error;
mod event;
mod exchange;
mod id;
mod memory;
mod paid;
mod policy;
mod prepared;
mod refund;
mod returnable;
mod returns;
mod rma;
mod service;
mod store;
mod units;

#[cfg(feature = "proptest")]
pub mod strategies;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use command::{ReturnCommand, ReturnLineRequest};
pub use disposition::{Disposition, Inspection, StockMovement};
pub use eligibility::{Eligibility, LineEligibility};
pub use error::{Error, Refusal, Result, ReturnError};
pub use event::{ArrivalWatch, ReceivedUnits, ReturnEnvelope, ReturnEvent};
pub use exchange::{ExchangeItem, ExchangeKind, ExchangeRequest, ReplacementDemand, ReplacementLine};
pub use id::{RmaId, SkuGroup};
pub use memory::InMemoryReturnStore;
pub use policy::{
    ExchangeRule, InStoreReturns, MailReturns, Payer, ReasonRule, RestockingFee, ReturnMethod, ReturnMethods,
    ReturnPolicy, ReturnReason, ShippingRefundRule, SkuGroupRule,
};
pub use prepared::PreparedOrder;
pub use refund::{
    CreditLine, Payment, PaymentDirection, PaymentInstruction, PaymentReason, Settlement, ShippingCredit,
};
pub use returnable::{Delivery, ReturnableLine, ReturnableOrder};
pub use returns::{LineLedger, OrderReturns};
pub use rma::{RequestedLine, Rma, RmaEventKind, RmaLine, RmaStatus, UnexpectedItem};
pub use service::{Executed, ReturnService};
pub use store::{ArrivalDue, ReturnStore, ReturnStoreError, ReturnStoreExt};
pub use units::{UnitRange, Units};
