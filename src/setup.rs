//! A setup document: network, channels, stock, rules and policies for an in-memory OMS.
//!
//! The `replay` example and the tests build an [`InMemoryOms`] from one:
//!
//! ```json
//! {
//!   "now": "2026-11-27T09:00:00Z",
//!   "nodes": [{"id": "DC", "kind": "warehouse", "location": {"lat": 40.7, "lon": -74.2},
//!              "methods": ["ship", "transfer"], "shipment_cost": "6.00", "cost_per_km": "0.006", "unit_cost": "0.40"}],
//!   "lanes": [],
//!   "channels": [{"id": "web", "nodes": {"kinds": ["warehouse", "store", "vendor"]}}],
//!   "stock": [{"node": "DC", "sku": "TEE-M", "quantity": 50}],
//!   "rules": {"strategies": [{"name": "default"}]}
//! }
//! ```
//! Nodes are routing nodes (`oms_routing::Node`); the inventory sees them with the matching
//! kind (a vendor is a drop-ship node) and their tags. Channels are inventory channels
//! (`oms_inventory::ChannelConfig`). `lifecycle` and `returns` policies default to
//! `LifecyclePolicy::default()` and `ReturnPolicy::standard()`.

use chrono::{DateTime, Utc};
use oms_core::{FixedClock, IdempotencyKey, LifecyclePolicy, NodeId, Sku};
use oms_inventory::{ChannelConfig, InventoryConfig, NodeConfig};
use oms_returns::ReturnPolicy;
use oms_routing::{Lane, Network, Node, Router, RuleSet, Strategy};
use serde::{Deserialize, Serialize};

use crate::{Error, InMemoryOms, Result};

/// Units on hand at a node to start with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSetup {
    /// The node.
    pub node: NodeId,
    /// The item.
    pub sku: Sku,
    /// Units received.
    pub quantity: u32,
}

/// Everything an in-memory OMS starts from. See the [module docs](self).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Setup {
    /// The time the OMS's clock shows (now-ish when absent: 2026-01-01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<DateTime<Utc>>,
    /// The fulfillment network.
    pub nodes: Vec<Node>,
    /// Transfer lanes.
    #[serde(default)]
    pub lanes: Vec<Lane>,
    /// Sales channels and the nodes they sell from.
    pub channels: Vec<ChannelConfig>,
    /// Stock on hand.
    #[serde(default)]
    pub stock: Vec<StockSetup>,
    /// Routing rules (`RuleSet` JSON); one default strategy when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<serde_json::Value>,
    /// Backorder and pickup expiry, rejected pickups.
    #[serde(default)]
    pub lifecycle: LifecyclePolicy,
    /// Returns.
    #[serde(default = "ReturnPolicy::standard")]
    pub returns: ReturnPolicy,
}

impl Setup {
    /// Reads a setup document.
    ///
    /// # Errors
    /// [`Error::Setup`] naming what does not parse.
    pub fn from_json(json: &str) -> Result<Setup> {
        serde_json::from_str(json).map_err(|e| Error::Setup { field: "document".into(), problem: e.to_string() })
    }

    /// The inventory's view of the nodes and channels.
    pub fn inventory_config(&self) -> InventoryConfig {
        let nodes = self
            .nodes
            .iter()
            .map(|node| node.tags().fold(NodeConfig::new(node.id().clone(), node.kind()), |c, t| c.tagged(t)))
            .collect();
        InventoryConfig::new(nodes, self.channels.clone())
    }

    /// The router for the network and rules.
    ///
    /// # Errors
    /// [`Error::Routing`] for an invalid network or rules.
    pub fn router(&self) -> Result<Router> {
        let network = Network::new(self.nodes.clone(), self.lanes.clone())?;
        let rules = match &self.rules {
            Some(rules) => RuleSet::from_json(&rules.to_string())?,
            None => RuleSet::single(Strategy::new("default"))?,
        };
        Ok(Router::new(network, rules))
    }

    /// An in-memory OMS on a clock stopped at `now`, with the stock received.
    ///
    /// # Errors
    /// [`Error::Setup`], [`Error::Routing`], [`Error::Inventory`] or [`Error::Returns`] naming
    /// what is invalid.
    pub fn build(&self) -> Result<InMemoryOms<FixedClock>> {
        let now = self.now.unwrap_or(DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(20_454));
        let oms = InMemoryOms::in_memory(
            self.router()?,
            self.inventory_config(),
            self.lifecycle,
            self.returns.clone(),
            FixedClock(now),
        )?;
        for (i, stock) in self.stock.iter().enumerate() {
            let key = IdempotencyKey::new(format!("setup:{i}"))
                .map_err(|e| Error::Setup { field: format!("stock[{i}]"), problem: e.to_string() })?;
            let receive = oms_inventory::Command::Receive {
                sku: stock.sku.clone(),
                node: stock.node.clone(),
                quantity: stock.quantity,
                supply: None,
            };
            oms.stock_command(&key, &receive)
                .map_err(|e| Error::Setup { field: format!("stock[{i}]"), problem: e.to_string() })?;
        }
        Ok(oms)
    }
}
