//! The core of the oms order-management library: typed ids, exact money, order capture,
//! the order aggregate with its events, and the order store port.
//!
//! Capture an order from any channel, then run commands on it:
//!
//! ```
//! use oms_core::*;
//! use rust_decimal_macros::dec;
//!
//! let clock = FixedClock("2026-11-27T10:00:00Z".parse().unwrap());
//! let orders = OrderService::new(InMemoryOrderStore::new(), clock);
//!
//! let address = Address {
//!     name: Some("Ada Lovelace".into()),
//!     lines: vec!["12 St James's Square".into()],
//!     city: "London".into(),
//!     region: None,
//!     postal_code: Some("SW1Y 4JH".into()),
//!     country: "GB".into(),
//!     geo: Some(GeoPoint::new(51.5074, -0.1349).unwrap()),
//! };
//! let gbp = |amount| MoneyInput::new(amount, "GBP");
//! let draft = OrderDraft {
//!     order_id: "O-1001".into(),
//!     channel: ChannelDraft { kind: ChannelKind::Web, id: "uk-web".into(), external_order_id: "#1001".into() },
//!     customer_id: "C-42".into(),
//!     currency: "GBP".into(),
//!     placed_at: clock.0,
//!     ship_to: Some(address),
//!     lines: vec![
//!         LineDraft::new("1", "TEE-M", 3, gbp(dec!(10.00))),
//!         LineDraft::new("2", "CAP", 1, gbp(dec!(15.00))),
//!     ],
//!     discounts: vec![DiscountDraft { code: "WELCOME10".into(), amount: gbp(dec!(10.00)) }],
//!     shipping: vec![ChargeDraft { code: "standard".into(), amount: gbp(dec!(4.99)), tax: None }],
//!     attributes: Default::default(),
//!     holds: vec![],
//! };
//!
//! let outcome = orders.capture(&draft, Metadata::by(Actor::System))?;
//! let CaptureOutcome::Captured { order, .. } = outcome else { unreachable!() };
//! // The order discount and shipping are spread over the lines to the penny.
//! assert_eq!(order.totals().total.amount(), dec!(39.99));
//! let tee = order.line(&"1".parse()?).unwrap();
//! assert_eq!(tee.pricing().order_discount.amount(), dec!(6.67));
//! assert_eq!(tee.pricing().shipping.amount(), dec!(3.33));
//! assert_eq!(tee.pricing().total.amount(), dec!(26.66)); // 30.00 - 6.67 + 3.33
//!
//! // Cancel one cap; the refused command (too many units) writes nothing.
//! let cancel = OrderCommand::Cancel { line: "2".parse()?, quantity: 1, reason: "customer changed mind".into() };
//! let done = orders.execute(order.id(), &cancel, Metadata::by(Actor::Customer("C-42".parse()?)))?;
//! assert_eq!(done.order.line(&"2".parse()?).unwrap().buckets().get(LineStatus::Cancelled), 1);
//! assert!(orders.execute(order.id(), &cancel, Metadata::by(Actor::System)).is_err());
//! assert_eq!(orders.order(order.id())?.version(), Version::new(2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The lifecycle
//! A routing plan becomes fulfillment orders; nodes report back; every unit is accounted for:
//!
//! ```
//! use oms_core::*;
//! use oms_core::testkit::fixtures;
//!
//! let mut order = Order::from_captured(&capture(&fixtures::draft("O-7", "E-7", "C-1", &[("1", "TEE", 3)]))?);
//! let fo: FulfillmentOrderId = "FO-1".parse()?;
//! let plan = AllocationPlan { allocations: vec![PlannedAllocation {
//!     line: "1".parse()?, node: "WH-1".parse()?, quantity: 3, method: FulfillmentMethod::Ship,
//! }] };
//! for command in [
//!     OrderCommand::Reserve { line: "1".parse()?, quantity: 3 },
//!     OrderCommand::Allocate { plan },
//!     OrderCommand::Release { fulfillment_order: None },
//!     OrderCommand::Accept { fulfillment_order: fo.clone() },
//!     OrderCommand::Ship { fulfillment_order: fo, carrier: "UPS".into(), tracking: "1Z1".into(),
//!         lines: vec![LineQuantity::new("1".parse()?, 2)] },
//! ] {
//!     for event in order.decide(&command)? {
//!         order.apply(&event)?;
//!     }
//! }
//! let tee = order.line(&"1".parse()?).unwrap();
//! assert_eq!((tee.buckets().get(LineStatus::Shipped), tee.buckets().get(LineStatus::Released)), (2, 1));
//! assert_eq!(order.customer_status().to_string(), "2 of 3 items shipped");
//!
//! // Shipped units cannot be cancelled; the one still at the node becomes a cancel request.
//! let cancel = OrderCommand::Cancel { line: "1".parse()?, quantity: 3, reason: "late".into() };
//! assert!(matches!(order.decide(&cancel), Err(OrderError::NotEnoughUnits { available: 1, .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//! - Values: [`Money`] and [`Currency`] (exact, allocation by largest remainder), typed ids
//!   ([`OrderId`], [`Sku`], ...), [`Address`], [`GeoPoint`].
//! - Capture: an [`OrderDraft`] from any channel → [`capture()`] validates and prices it into
//!   [`OrderCaptured`], every refusal naming the field and line ([`CaptureError`]).
//! - The aggregate: [`Order`] is rebuilt from [`OrderEvent`]s; [`Order::decide`] turns an
//!   [`OrderCommand`] into events or an [`OrderError`]; each line's quantity is partitioned
//!   into [`Buckets`] by [`LineStatus`].
//! - The lifecycle: [`transitions`] holds the two tables (line quantities, fulfillment orders)
//!   and their graphs; [`Hold`]s; [`AllocationPlan`] → [`FulfillmentOrder`]s; node responses;
//!   [`Cancellation`] with stock to release and exact [`Refund`]; [`Modification`] with
//!   [`Order::preview`]; [`LifecyclePolicy`] and [`Order::expire`].
//! - Visibility: [`timeline()`], [`Order::customer_status`], [`Order::breakdown`],
//!   [`Order::routing_needs`].
//! - Ports: [`OrderStore`] (with [`InMemoryOrderStore`]) and [`Clock`]; [`OrderService`]
//!   runs capture and commands over them with optimistic concurrency and idempotency keys.
//! - Feature `testkit`: the store conformance suite and a given/when/then harness;
//!   feature `proptest`: strategies for drafts, orders and commands.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod address;
mod allocation;
mod append;
mod apply;
mod cancellation;
mod capture;
mod channel;
mod clock;
mod command;
mod currency;
pub mod decimal_str;
mod draft;
mod error;
mod event;
mod expiry;
mod fulfillment;
mod geo;
mod hold;
#[doc(hidden)]
pub mod id;
mod line;
mod memory;
mod modification;
mod money;
mod node;
mod node_kind;
mod order;
mod pricing;
mod service;
mod store;
mod timeline;
pub mod transitions;
mod version;
mod visibility;

#[cfg(feature = "proptest")]
pub mod strategies;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use address::{Address, AddressError};
pub use append::{NewOrderIndex, check_append};
pub use cancellation::{CancelCause, Cancellation, CancelledUnits, LineRefund, Refund, StockLocation};
pub use capture::{CaptureError, CaptureProblem, MAX_LINES, capture};
pub use channel::{ChannelKind, ChannelRef};
pub use clock::{Clock, FixedClock, ManualClock};
pub use command::{OrderCommand, ParkedDecision};
pub use currency::Currency;
pub use draft::{ChannelDraft, ChargeDraft, DiscountDraft, FulfillmentDraft, LineDraft, MoneyInput, OrderDraft};
pub use error::{Error, OrderError, Result};
pub use event::{Actor, Adjustment, CapturedLine, Charge, Envelope, Metadata, OrderCaptured, OrderEvent, ReturnStep};
pub use expiry::{LifecyclePolicy, RejectedPickups};
pub use fulfillment::{
    AllocationPlan, Destination, FulfillmentLine, FulfillmentMethod, FulfillmentOrder, LineQuantity, PlannedAllocation,
    Shipment,
};
pub use geo::{EARTH_RADIUS_KM, GeoError, GeoPoint};
pub use hold::{Hold, HoldKind, HoldResolution};
pub use id::{
    AgentId, ChannelId, CustomerId, ExternalOrderId, FulfillmentOrderId, HoldName, IdError, IdempotencyKey, LineId,
    MAX_ID_LEN, ModificationId, NodeId, OrderId, ShipmentId, Sku,
};
pub use line::{BackorderBatch, Buckets, FulfillmentIntent, LineStatus, OrderLine};
pub use memory::InMemoryOrderStore;
pub use modification::{
    AddedPrice, Change, FulfillmentChange, Modification, ModificationOutcome, ModificationPreview, MoneyDelta,
    PendingModification,
};
pub use money::{Money, MoneyError};
pub use node_kind::NodeKind;
pub use order::{Order, OrderStatus, RoutingNeed};
pub use pricing::{LinePricing, OrderTotals, UnitAmounts};
pub use service::{CaptureOutcome, DraftDifference, Executed, OrderService};
pub use store::{OrderEnvelope, OrderStore, OrderStoreExt, OrderSummary, StoreError};
pub use timeline::{TimelineEntry, timeline};
pub use version::{ExpectedVersion, Version};
pub use visibility::{CustomerStatus, FulfillmentShare, LineBreakdown};

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
