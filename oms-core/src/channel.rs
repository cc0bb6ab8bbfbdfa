//! Sales channels an order can come from.

use serde::{Deserialize, Serialize};

use crate::{ChannelId, ExternalOrderId};

/// The kind of sales channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChannelKind {
    /// The merchant's own web or app storefront.
    Web,
    /// A marketplace (Amazon, eBay, Zalando, ...).
    Marketplace,
    /// A point-of-sale terminal in a store.
    Pos,
    /// Orders keyed in by a call-centre agent.
    CallCenter,
    /// Business-to-business: EDI, punch-out, sales reps.
    B2b,
}

/// Where an order came from: the channel and the channel's own order number.
///
/// `(id, external_order_id)` is unique across the OMS; capture is idempotent on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelRef {
    /// Kind of channel.
    pub kind: ChannelKind,
    /// The channel.
    pub id: ChannelId,
    /// The channel's order number.
    pub external_order_id: ExternalOrderId,
}
