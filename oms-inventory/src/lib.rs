//! Inventory for the oms order-management library: positions per sku and node, a ledger of
//! movements, reservations of network stock, available to promise per channel, an
//! availability feed, and a store port that never oversells.
//!
//! ```
//! use oms_inventory::*;
//! use oms_core::{ChannelId, IdempotencyKey, NodeId, Sku};
//!
//! let id = |s: &str| s.parse::<IdempotencyKey>().unwrap();
//! let (tee, web, pos): (Sku, ChannelId, ChannelId) = ("TEE".parse()?, "web".parse()?, "pos".parse()?);
//! let (wh, store): (NodeId, NodeId) = ("WH-1".parse()?, "STORE-1".parse()?);
//! let now = "2026-11-27T10:00:00Z".parse().unwrap();
//!
//! let config = InventoryConfig::new(
//!     vec![NodeConfig::new(wh.clone(), NodeKind::Warehouse), NodeConfig::new(store.clone(), NodeKind::Store)],
//!     vec![
//!         ChannelConfig::new(web.clone(), NodeSelector::all()),
//!         ChannelConfig::new(pos.clone(), NodeSelector::kinds([NodeKind::Store])),
//!     ],
//! );
//! let mut inventory = Inventory::new(config)?;
//! for (node, units) in [(&wh, 5), (&store, 2)] {
//!     let receive = Command::Receive { sku: tee.clone(), node: node.clone(), quantity: units, supply: None };
//!     inventory.execute(&id(&format!("asn-{node}")), &receive, now)?;
//! }
//! assert_eq!(inventory.availability(&tee, &web)?.atp, 7);
//! assert_eq!(inventory.availability(&tee, &pos)?.atp, 2);
//!
//! // Hold network stock for a web cart: a bundle asking 2 + 2 is checked as 4 units.
//! let cart = Reserve {
//!     reservation: "CART-9".parse()?,
//!     channel: web.clone(),
//!     lines: vec![ReserveLine::new(tee.clone(), 2), ReserveLine::new(tee.clone(), 2)],
//!     expires_at: None,
//!     policy: Policy::AllOrNothing,
//! };
//! let done = inventory.execute(&id("reserve-9"), &Command::Reserve(cart), now)?;
//! // The feed says what storefronts must show now.
//! assert_eq!(done.feed()[0].after, Shown { quantity: 3, status: StockStatus::InStock });
//!
//! // Routing chose the store for 2 units and the warehouse for 2: their stock is allocated.
//! let routed = Command::Convert {
//!     reservation: "CART-9".parse()?,
//!     allocations: vec![
//!         Allocation { sku: tee.clone(), node: store.clone(), quantity: 2 },
//!         Allocation { sku: tee.clone(), node: wh.clone(), quantity: 2 },
//!     ],
//! };
//! inventory.execute(&id("convert-9"), &routed, now)?;
//! assert_eq!(inventory.position(&tee, &store).unwrap().allocated(), 2);
//! assert_eq!(inventory.availability(&tee, &pos)?.atp, 0);
//!
//! // Bad input moves nothing and names what it refuses.
//! let err = inventory.execute(&id("ship-1"), &Command::Ship {
//!     reservation: "CART-9".parse()?, sku: tee.clone(), node: store.clone(), quantity: 3,
//! }, now).unwrap_err();
//! assert!(matches!(err, Error::NotAllocated { requested: 3, allocated: 2, .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The model
//! - A [`Position`] is one sku at one node: on hand, reserved, allocated, safety stock, damaged,
//!   quarantined, a backorder flag, and inbound supply ([`InboundSupply`]). Its available to
//!   promise is derived (see [`Position`]): `sellable − reserved − allocated − safety stock`,
//!   floored at zero unless the position allows backorders.
//! - Every change is a [`Movement`] with a [`Reason`], grouped in a [`Batch`] under one
//!   idempotency key. Positions, inbound supply, reservations and channel figures are a fold of
//!   the batches: [`Inventory::replay`] rebuilds them exactly.
//! - A reservation holds *network* stock for a channel. Its units sit as `reserved` at concrete
//!   nodes of the channel's pool, so holds can never add up to more than the nodes have, but
//!   where they sit is bookkeeping: [`Command::Convert`] allocates at the nodes routing chose
//!   (the routed node's stock is the stock allocated, checked there), lets go of the holds, and
//!   moves other reservations' unpinned holds out of the way when the routed node is short.
//!   Lines pinned to a node (pickup) stay there.
//! - A channel sells from the nodes its [`NodeSelector`] picks. Its figure per sku is its pool's
//!   free stock, less its own safety stock, less what protected channels keep in the nodes it
//!   shares with them ([`Protection`]); [`DisplayRules`] turn it into what it shows ([`Shown`]).
//!   Figures are kept incrementally per (sku, channel) and read in constant time;
//!   [`AvailabilityChanged`] events report every change in what a channel shows, per batch.
//! - [`InventoryStore`] is the port: batches applied atomically with the versions of every
//!   position their decision read. [`SyncedInventory`] runs the engine over a shared store.
//!
//! # Map
//! - Engine: [`Inventory`] ([`Inventory::decide`], [`Inventory::apply`], [`Inventory::execute`],
//!   reads), [`Command`], [`Outcome`], [`Error`].
//! - Values: [`Position`], [`Movement`], [`Reason`], [`Batch`], [`InboundSupply`], [`Share`],
//!   [`ReservationId`], [`SupplyId`], configuration ([`InventoryConfig`]).
//! - Ports: [`InventoryStore`], [`InMemoryInventoryStore`], [`SyncedInventory`].
//! - Feature `testkit`: the store conformance suite and fixtures; feature `proptest`:
//!   strategies for configurations, positions, movement streams and command streams.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod aggregate;
mod apply;
mod availability;
mod batch;
mod claims;
mod command;
mod config;
mod dated;
mod decide;
mod error;
mod fold_batch;
mod ids;
mod inventory;
mod key_window;
mod memory;
mod movement;
mod network;
mod overlay;
mod placement;
mod position;
mod raw;
mod reservation;
mod share;
mod sku_index;
mod store;
mod supply;
mod synced;

pub use apply::Applied;
pub use availability::{AvailabilityChanged, ChannelAvailability, Shown, StockStatus};
pub use batch::{Batch, Expected, RecordedBatch};
pub use command::{Allocation, Command, Outcome, Policy, Reserve, ReserveLine, ReservedLine};
pub use config::{
    ChannelConfig, DisplayRules, InventoryConfig, NodeConfig, NodeKind, NodeSelector, Protection, SupplyRules,
};
pub use dated::DatedAvailability;
pub use decide::{Decision, Executed};
pub use error::{ConfigError, Error, Result};
pub use fold_batch::fold_batch;
pub use ids::{ReservationId, SupplyId};
pub use inventory::Inventory;
pub use memory::InMemoryInventoryStore;
pub use movement::{Condition, Movement, PositionKey, Reason, ReleaseCause};
pub use network::MAX_CHANNELS;
pub use position::{Counter, Position, PositionProblem};
pub use reservation::{HeldUnits, ReservationState, ReservationView, Settlement};
pub use share::Share;
pub use store::{InventoryStore, StoreError, StoredPosition, Written};
pub use supply::{InboundSupply, SupplyKind};
pub use synced::{Synced, SyncedInventory};

#[cfg(feature = "proptest")]
pub mod strategies;
#[cfg(feature = "testkit")]
pub mod testkit;
