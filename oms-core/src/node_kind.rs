//! What kind of place a fulfillment node is: one vocabulary for inventory, routing and the
//! documents that configure both.

use serde::{Deserialize, Serialize};

/// What kind of place a node is.
///
/// ```
/// use oms_core::NodeKind;
/// let kind: NodeKind = serde_json::from_str("\"vendor\"").unwrap();
/// assert_eq!(kind, NodeKind::Vendor);
/// assert_eq!(kind.to_string(), "vendor");
/// // The inventory's earlier name for a vendor is still read.
/// assert_eq!(serde_json::from_str::<NodeKind>("\"drop_ship\"").unwrap(), NodeKind::Vendor);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NodeKind {
    /// A distribution centre or warehouse.
    Warehouse,
    /// A shop: may ship to customers (ship-from-store) and be a pickup point.
    Store,
    /// A drop-ship vendor: ships the merchant's orders from its own stock.
    #[serde(alias = "drop_ship")]
    Vendor,
    /// A pickup locker or point: receives transfers, holds little or no stock.
    Locker,
    /// A third-party logistics provider's site.
    ThirdParty,
}

impl NodeKind {
    /// The kind's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Warehouse => "warehouse",
            NodeKind::Store => "store",
            NodeKind::Vendor => "vendor",
            NodeKind::Locker => "locker",
            NodeKind::ThirdParty => "third_party",
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
