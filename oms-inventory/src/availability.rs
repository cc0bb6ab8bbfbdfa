//! What a channel shows, and the feed of changes to it.

use oms_core::{ChannelId, Sku};
use serde::{Deserialize, Serialize};

use crate::DisplayRules;

/// How a channel labels an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockStatus {
    /// Available, at or above the low-stock threshold.
    InStock,
    /// Available, below the low-stock threshold.
    LowStock,
    /// Nothing shown, and no node takes backorders.
    OutOfStock,
    /// Nothing shown, but a node takes backorders.
    Backorder,
}

/// The figure a channel shows for an item: what storefronts and marketplace feeds display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shown {
    /// Units advertised (after thresholds and cap).
    pub quantity: u32,
    /// The label.
    pub status: StockStatus,
}

impl Shown {
    /// What a channel with no stock and no backorders shows.
    pub const NOTHING: Shown = Shown { quantity: 0, status: StockStatus::OutOfStock };

    /// What `rules` show for `atp` units available to the channel.
    pub fn of(atp: i64, backorderable: bool, rules: &DisplayRules) -> Shown {
        let available = atp.clamp(0, i64::from(u32::MAX)) as u32;
        if available == 0 || available < rules.out_of_stock_below {
            let status = if backorderable { StockStatus::Backorder } else { StockStatus::OutOfStock };
            return Shown { quantity: 0, status };
        }
        let quantity = rules.cap.map_or(available, |cap| available.min(cap));
        let status = if available < rules.low_stock_below { StockStatus::LowStock } else { StockStatus::InStock };
        Shown { quantity, status }
    }
}

/// A change in what a channel shows for a sku. Emitted only when [`Shown`] changes, once per
/// (sku, channel) per applied batch, ordered by sku (in the order the ledger introduced them,
/// the same in every engine folding the same ledger) then channel (in configuration order).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AvailabilityChanged {
    /// The item.
    pub sku: Sku,
    /// The channel.
    pub channel: ChannelId,
    /// What it showed.
    pub before: Shown,
    /// What it shows now.
    pub after: Shown,
}

/// A channel's availability of a sku, read in constant time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelAvailability {
    /// Units the channel may reserve now: its nodes' free stock, less the channel's safety stock
    /// and stock protected for other channels. Negative when those buffers exceed the stock.
    pub atp: i64,
    /// Whether a node the channel sells from takes backorders for the sku.
    pub backorderable: bool,
    /// What the channel shows.
    pub shown: Shown,
}
