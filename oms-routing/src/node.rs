//! Fulfillment nodes: what each can do, where it is, what it costs.

use std::collections::BTreeSet;

pub use oms_core::NodeKind;
use oms_core::{ChannelId, GeoPoint, NodeId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A way a node takes part in fulfillment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// Ships to a customer's address.
    Ship,
    /// Is a pickup point: customers collect orders there.
    Pickup,
    /// Sends stock to a pickup point over lanes.
    Transfer,
}

impl Method {
    fn bit(self) -> u8 {
        match self {
            Method::Ship => 1,
            Method::Pickup => 2,
            Method::Transfer => 4,
        }
    }

    /// The method's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Ship => "ship",
            Method::Pickup => "pickup",
            Method::Transfer => "transfer",
        }
    }
}

/// A node's fixed description. Build with [`Node::new`] and the `with_*` methods; a
/// [`Network`](crate::Network) validates a set of them.
///
/// ```
/// use oms_routing::{Method, Node, NodeKind};
/// use rust_decimal_macros::dec;
/// let store = Node::new("STORE-CHI".parse()?, NodeKind::Store, oms_core::GeoPoint::new(41.88, -87.63)?)
///     .with_costs(dec!(4.50), dec!(0.0030), dec!(1.20))
///     .with_capacity_units(40)
///     .with_tag("flagship");
/// assert!(store.supports(Method::Pickup));
/// assert_eq!(store.capacity_units(), Some(40));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    id: NodeId,
    kind: NodeKind,
    location: GeoPoint,
    methods: BTreeSet<Method>,
    #[serde(with = "oms_core::decimal_str", default)]
    shipment_cost: Decimal,
    #[serde(with = "oms_core::decimal_str", default)]
    cost_per_km: Decimal,
    #[serde(with = "oms_core::decimal_str", default)]
    unit_cost: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    capacity_units: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    capacity_orders: Option<u32>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    priority: u32,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    channels: BTreeSet<ChannelId>,
}

fn yes() -> bool {
    true
}

impl Node {
    /// A node with its kind's usual methods (warehouse and third party: ship and transfer; store:
    /// ship, pickup and transfer; vendor: ship; locker: pickup), zero costs, unlimited capacity, enabled,
    /// priority 0, no tags, serving every channel.
    pub fn new(id: NodeId, kind: NodeKind, location: GeoPoint) -> Node {
        let methods = match kind {
            NodeKind::Store => vec![Method::Ship, Method::Pickup, Method::Transfer],
            NodeKind::Vendor => vec![Method::Ship],
            NodeKind::Locker => vec![Method::Pickup],
            _ => vec![Method::Ship, Method::Transfer],
        };
        Node {
            id,
            kind,
            location,
            methods: methods.into_iter().collect(),
            shipment_cost: Decimal::ZERO,
            cost_per_km: Decimal::ZERO,
            unit_cost: Decimal::ZERO,
            capacity_units: None,
            capacity_orders: None,
            enabled: true,
            priority: 0,
            tags: BTreeSet::new(),
            channels: BTreeSet::new(),
        }
    }

    /// Replaces the methods the node supports.
    pub fn with_methods(mut self, methods: impl IntoIterator<Item = Method>) -> Node {
        self.methods = methods.into_iter().collect();
        self
    }

    /// Sets the cost of one shipment to a customer, the cost per km of that shipment, and the
    /// handling cost per unit picked here.
    pub fn with_costs(mut self, shipment_cost: Decimal, cost_per_km: Decimal, unit_cost: Decimal) -> Node {
        self.shipment_cost = shipment_cost;
        self.cost_per_km = cost_per_km;
        self.unit_cost = unit_cost;
        self
    }

    /// Limits the units the node may pick per day.
    pub fn with_capacity_units(mut self, units: u32) -> Node {
        self.capacity_units = Some(units);
        self
    }

    /// Limits the orders (shipments) the node may take per day.
    pub fn with_capacity_orders(mut self, orders: u32) -> Node {
        self.capacity_orders = Some(orders);
        self
    }

    /// Enables or disables the node; a disabled node is never a source.
    pub fn with_enabled(mut self, enabled: bool) -> Node {
        self.enabled = enabled;
        self
    }

    /// Sets the node's priority for the priority ranker (lower is preferred).
    pub fn with_priority(mut self, priority: u32) -> Node {
        self.priority = priority;
        self
    }

    /// Adds a tag (for tag filters: "flagship", "hazmat-ok", ...).
    pub fn with_tag(mut self, tag: impl Into<String>) -> Node {
        self.tags.insert(tag.into());
        self
    }

    /// Restricts the node to orders from these channels (empty: every channel).
    pub fn with_channels(mut self, channels: impl IntoIterator<Item = ChannelId>) -> Node {
        self.channels = channels.into_iter().collect();
        self
    }

    /// The node's id.
    pub fn id(&self) -> &NodeId {
        &self.id
    }

    /// The node's kind.
    pub fn kind(&self) -> NodeKind {
        self.kind
    }

    /// Where it is.
    pub fn location(&self) -> GeoPoint {
        self.location
    }

    /// True when the node supports `method`.
    pub fn supports(&self, method: Method) -> bool {
        self.methods.contains(&method)
    }

    /// Cost of one shipment leaving the node to a customer.
    pub fn shipment_cost(&self) -> Decimal {
        self.shipment_cost
    }

    /// Cost per great-circle km of one shipment to a customer.
    pub fn cost_per_km(&self) -> Decimal {
        self.cost_per_km
    }

    /// Handling cost per unit picked here.
    pub fn unit_cost(&self) -> Decimal {
        self.unit_cost
    }

    /// Units the node may pick per day (`None`: unlimited).
    pub fn capacity_units(&self) -> Option<u32> {
        self.capacity_units
    }

    /// Orders the node may take per day (`None`: unlimited).
    pub fn capacity_orders(&self) -> Option<u32> {
        self.capacity_orders
    }

    /// False when the node must not be used.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The node's priority (lower is preferred by the priority ranker).
    pub fn priority(&self) -> u32 {
        self.priority
    }

    /// True when the node carries `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.contains(tag)
    }

    /// The node's tags.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(String::as_str)
    }

    /// True when the node serves orders from `channel` (`None`: an order without a channel,
    /// served only by nodes open to every channel).
    pub fn serves(&self, channel: Option<&ChannelId>) -> bool {
        self.channels.is_empty() || channel.is_some_and(|c| self.channels.contains(c))
    }

    pub(crate) fn method_bits(&self) -> u8 {
        self.methods.iter().fold(0, |bits, m| bits | m.bit())
    }
}
