//! What is asked of routing: one order's lines, where they go, and what to avoid.

use std::collections::{BTreeMap, BTreeSet};

use oms_core::{ChannelId, GeoPoint, LineId, Money, NodeId, OrderId, Sku};
use serde::{Deserialize, Serialize};

use crate::{Error, Method, Network, Result};

/// Where the order goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Destination {
    /// Ship to the customer at this point.
    Ship {
        /// The delivery location.
        to: GeoPoint,
    },
    /// The customer collects at this node; other nodes transfer to it over lanes.
    Pickup {
        /// The pickup point.
        at: NodeId,
    },
}

/// One line to route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestLine {
    /// The order line.
    pub id: LineId,
    /// The item.
    pub sku: Sku,
    /// Units to route (at least 1).
    pub quantity: u32,
    /// What one unit is worth, for the minimum-value-per-shipment rule (absent: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_value: Option<Money>,
}

/// A routing request: one order, or what is left of it after a node rejected its part.
///
/// ```
/// use oms_routing::Request;
/// let request = Request::ship("O-1".parse()?, oms_core::GeoPoint::new(41.85, -87.65)?)
///     .line("1".parse()?, "TEE-M".parse()?, 2)
///     .line("2".parse()?, "CAP".parse()?, 1)
///     .channel("web-us".parse()?)
///     .attribute("tier", "gold")
///     .exclude("STORE-9".parse()?); // rejected this order earlier
/// assert_eq!(request.units(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    order: OrderId,
    destination: Destination,
    lines: Vec<RequestLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    excluded: BTreeSet<NodeId>,
}

impl Request {
    /// A request to ship to `to`, with no lines yet.
    pub fn ship(order: OrderId, to: GeoPoint) -> Request {
        Request::new(order, Destination::Ship { to })
    }

    /// A request to collect at the node `at`, with no lines yet.
    pub fn pickup(order: OrderId, at: NodeId) -> Request {
        Request::new(order, Destination::Pickup { at })
    }

    /// A request with a destination, no lines yet.
    pub fn new(order: OrderId, destination: Destination) -> Request {
        Request {
            order,
            destination,
            lines: Vec::new(),
            channel: None,
            attributes: BTreeMap::new(),
            excluded: BTreeSet::new(),
        }
    }

    /// Adds a line.
    pub fn line(mut self, id: LineId, sku: Sku, quantity: u32) -> Request {
        self.lines.push(RequestLine { id, sku, quantity, unit_value: None });
        self
    }

    /// Adds a line with the value of one unit (for the minimum-value-per-shipment rule).
    pub fn valued_line(mut self, id: LineId, sku: Sku, quantity: u32, unit_value: Money) -> Request {
        self.lines.push(RequestLine { id, sku, quantity, unit_value: Some(unit_value) });
        self
    }

    /// Sets the sales channel.
    pub fn channel(mut self, channel: ChannelId) -> Request {
        self.channel = Some(channel);
        self
    }

    /// Sets an order attribute that conditions may test.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// Excludes a node (it rejected this order earlier). Unknown nodes are ignored at routing.
    pub fn exclude(mut self, node: NodeId) -> Request {
        self.excluded.insert(node);
        self
    }

    /// The order.
    pub fn order(&self) -> &OrderId {
        &self.order
    }

    /// Where it goes.
    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// Ship or pickup.
    pub fn method(&self) -> Method {
        match self.destination {
            Destination::Ship { .. } => Method::Ship,
            Destination::Pickup { .. } => Method::Pickup,
        }
    }

    /// The lines.
    pub fn lines(&self) -> &[RequestLine] {
        &self.lines
    }

    /// Total units asked for.
    pub fn units(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.quantity)).sum()
    }

    /// The channel, if given.
    pub fn sales_channel(&self) -> Option<&ChannelId> {
        self.channel.as_ref()
    }

    /// An attribute's value.
    pub fn attribute_value(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }

    /// Nodes excluded by earlier rejections.
    pub fn excluded(&self) -> &BTreeSet<NodeId> {
        &self.excluded
    }

    /// Checks the request against the network.
    pub(crate) fn validate(&self, network: &Network) -> Result<()> {
        let invalid = |problem: String| Error::InvalidRequest { order: self.order.clone(), problem };
        if self.lines.is_empty() {
            return Err(invalid("has no lines".into()));
        }
        for (i, line) in self.lines.iter().enumerate() {
            let bad = |problem| Error::InvalidLine { order: self.order.clone(), line: line.id.clone(), problem };
            if line.quantity == 0 {
                return Err(bad("quantity must be at least 1"));
            }
            if self.lines.iter().take(i).any(|l| l.id == line.id) {
                return Err(bad("line id appears twice"));
            }
        }
        if self.units() > u64::from(u32::MAX) {
            return Err(invalid("asks for more than 4294967295 units".into()));
        }
        if let Destination::Pickup { at } = &self.destination {
            let node = network.node_by_id(at).ok_or_else(|| invalid(format!("pickup node {at} is unknown")))?;
            if !node.supports(Method::Pickup) {
                return Err(invalid(format!("node {at} is not a pickup point (it does not list pickup)")));
            }
        }
        Ok(())
    }
}
