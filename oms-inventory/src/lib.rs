//! Inventory for the oms order-management library.
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
mod ids;
mod inventory;
mod memory;
mod movement;
mod network;
mod position;
mod reservation;
mod share;
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
