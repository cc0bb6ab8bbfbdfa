//! Configuration: nodes, channels and how supply counts. Plain data a host can load from JSON.

pub use oms_core::NodeKind;
use oms_core::{ChannelId, NodeId};
use serde::{Deserialize, Serialize};

use crate::Share;

/// A node that holds stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeConfig {
    /// The node.
    pub id: NodeId,
    /// What kind of place it is.
    pub kind: NodeKind,
    /// Free-form tags channels can select on ("eu", "outlet", ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl NodeConfig {
    /// A node without tags.
    pub fn new(id: NodeId, kind: NodeKind) -> NodeConfig {
        NodeConfig { id, kind, tags: Vec::new() }
    }

    /// The same node with one more tag.
    pub fn tagged(mut self, tag: impl Into<String>) -> NodeConfig {
        self.tags.push(tag.into());
        self
    }
}

/// Which nodes a channel may sell from: a node matches when its kind, one of its tags or its id
/// is listed, and it is not in `except`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSelector {
    /// Node kinds selected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<NodeKind>,
    /// Tags selected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Nodes selected by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeId>,
    /// Nodes never selected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<NodeId>,
}

impl NodeSelector {
    /// Every node of every kind.
    pub fn all() -> NodeSelector {
        NodeSelector::kinds([
            NodeKind::Warehouse,
            NodeKind::Store,
            NodeKind::Vendor,
            NodeKind::Locker,
            NodeKind::ThirdParty,
        ])
    }

    /// Nodes of these kinds.
    pub fn kinds(kinds: impl IntoIterator<Item = NodeKind>) -> NodeSelector {
        NodeSelector { kinds: kinds.into_iter().collect(), ..NodeSelector::default() }
    }

    /// Nodes with any of these tags.
    pub fn tags<T: Into<String>>(tags: impl IntoIterator<Item = T>) -> NodeSelector {
        NodeSelector { tags: tags.into_iter().map(Into::into).collect(), ..NodeSelector::default() }
    }

    /// These nodes.
    pub fn nodes(nodes: impl IntoIterator<Item = NodeId>) -> NodeSelector {
        NodeSelector { nodes: nodes.into_iter().collect(), ..NodeSelector::default() }
    }

    /// The same selection without these nodes.
    pub fn except(mut self, nodes: impl IntoIterator<Item = NodeId>) -> NodeSelector {
        self.except.extend(nodes);
        self
    }

    /// True when the selector picks `node`.
    pub fn matches(&self, node: &NodeConfig) -> bool {
        let picked = self.kinds.contains(&node.kind)
            || node.tags.iter().any(|t| self.tags.contains(t))
            || self.nodes.contains(&node.id);
        picked && !self.except.contains(&node.id)
    }
}

/// Stock ring-fenced for a channel: other channels selling from the same nodes may not take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// Keep this many units (or all there is, when fewer).
    Units(u32),
    /// Keep this share of the channel's own supply.
    Share(Share),
}

/// How a channel shows availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayRules {
    /// Below this many units the channel shows the item as out of stock (0 shown).
    #[serde(default = "one")]
    pub out_of_stock_below: u32,
    /// Below this many units the channel flags the item as low on stock.
    #[serde(default)]
    pub low_stock_below: u32,
    /// At most this many units are advertised (a marketplace feed cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
}

fn one() -> u32 {
    1
}

impl Default for DisplayRules {
    fn default() -> DisplayRules {
        DisplayRules { out_of_stock_below: 1, low_stock_below: 0, cap: None }
    }
}

/// A sales channel's view of inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelConfig {
    /// The channel.
    pub id: ChannelId,
    /// The nodes it may sell from.
    pub nodes: NodeSelector,
    /// Units per sku kept back from this channel's availability, on top of node safety stock.
    #[serde(default)]
    pub safety_stock: u32,
    /// Stock other channels may not take from this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection: Option<Protection>,
    /// Thresholds and cap for what the channel shows.
    #[serde(default)]
    pub display: DisplayRules,
}

impl ChannelConfig {
    /// A channel selling from `nodes`, with no safety stock, protection or cap.
    pub fn new(id: ChannelId, nodes: NodeSelector) -> ChannelConfig {
        ChannelConfig { id, nodes, safety_stock: 0, protection: None, display: DisplayRules::default() }
    }
}

/// How inbound supply counts towards availability by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyRules {
    /// Share of a purchase order counted.
    pub purchase_order: Share,
    /// Share of a planned transfer counted.
    pub transfer: Share,
    /// Share of supply in transit counted.
    pub in_transit: Share,
    /// Supply expected later than this many days after the query is ignored.
    pub horizon_days: u32,
}

impl Default for SupplyRules {
    /// Purchase orders at 70 %, planned transfers at 90 %, in transit at 100 %, 60 days ahead.
    fn default() -> SupplyRules {
        SupplyRules {
            purchase_order: Share::percent(70).unwrap_or(Share::ALL),
            transfer: Share::percent(90).unwrap_or(Share::ALL),
            in_transit: Share::ALL,
            horizon_days: 60,
        }
    }
}

impl SupplyRules {
    /// The share counted for a kind of supply.
    pub fn share(&self, kind: crate::SupplyKind) -> Share {
        match kind {
            crate::SupplyKind::PurchaseOrder => self.purchase_order,
            crate::SupplyKind::Transfer => self.transfer,
            crate::SupplyKind::InTransit => self.in_transit,
        }
    }
}

/// Everything an [`Inventory`](crate::Inventory) needs besides its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryConfig {
    /// The nodes that hold stock.
    pub nodes: Vec<NodeConfig>,
    /// The sales channels (at most [`MAX_CHANNELS`](crate::MAX_CHANNELS)).
    pub channels: Vec<ChannelConfig>,
    /// How inbound supply counts.
    #[serde(default)]
    pub supply: SupplyRules,
    /// How many recent idempotency keys the engine remembers (the store remembers all).
    #[serde(default = "default_remembered_keys")]
    pub remembered_keys: usize,
}

fn default_remembered_keys() -> usize {
    100_000
}

impl InventoryConfig {
    /// A configuration with these nodes and channels and default supply rules.
    pub fn new(nodes: Vec<NodeConfig>, channels: Vec<ChannelConfig>) -> InventoryConfig {
        InventoryConfig { nodes, channels, supply: SupplyRules::default(), remembered_keys: default_remembered_keys() }
    }
}
