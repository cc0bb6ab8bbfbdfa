//! Order events and the envelope they are stored in.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Address, AgentId, ChannelId, ChannelRef, Currency, CustomerId, FulfillmentIntent, IdempotencyKey, LineId,
    LinePricing, LineStatus, Money, NodeId, OrderId, OrderTotals, Sku, Version,
};

/// Something that happened to an order. Serialized with a `"type"` tag in snake_case.
///
/// Events are facts: [`Order::apply`](crate::Order::apply) folds them without judging them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderEvent {
    /// The order was captured, validated and priced. Always the first event of an order.
    Captured(Box<OrderCaptured>),
    /// Units were held against network stock.
    LineReserved {
        /// The line.
        line: LineId,
        /// The status the units came from.
        from: LineStatus,
        /// How many.
        quantity: u32,
    },
    /// Units wait for stock.
    LineBackordered {
        /// The line.
        line: LineId,
        /// The status the units came from.
        from: LineStatus,
        /// How many.
        quantity: u32,
        /// When stock is expected, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected_at: Option<DateTime<Utc>>,
    },
    /// Units will not be fulfilled.
    LineCancelled {
        /// The line.
        line: LineId,
        /// The status the units came from.
        from: LineStatus,
        /// How many.
        quantity: u32,
        /// Why, in words.
        reason: String,
    },
}

impl OrderEvent {
    /// The event's `type` tag as it appears in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            OrderEvent::Captured(_) => "captured",
            OrderEvent::LineReserved { .. } => "line_reserved",
            OrderEvent::LineBackordered { .. } => "line_backordered",
            OrderEvent::LineCancelled { .. } => "line_cancelled",
        }
    }
}

/// The validated, priced order as captured: the payload of [`OrderEvent::Captured`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderCaptured {
    /// The order's id.
    pub order_id: OrderId,
    /// Where it came from.
    pub channel: ChannelRef,
    /// Who placed it.
    pub customer_id: CustomerId,
    /// Currency of every amount.
    pub currency: Currency,
    /// When the customer placed it.
    pub placed_at: DateTime<Utc>,
    /// Default ship-to address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Arc<Address>>,
    /// Lines with their prices.
    pub lines: Vec<CapturedLine>,
    /// Order-level discounts (already spread into the lines' pricing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<Adjustment>,
    /// Shipping charges (already spread into the lines' pricing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipping: Vec<Charge>,
    /// Order totals.
    pub totals: OrderTotals,
    /// Free-form attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// A captured line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapturedLine {
    /// Line id.
    pub id: LineId,
    /// The item.
    pub sku: Sku,
    /// Units ordered.
    pub quantity: u32,
    /// Ship or pickup.
    pub fulfillment: FulfillmentIntent,
    /// What was paid.
    pub pricing: LinePricing,
}

/// A discount with its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Promotion code or reason.
    pub code: String,
    /// Amount off.
    pub amount: Money,
}

/// A charge with its code and tax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// What was charged for.
    pub code: String,
    /// Amount before tax.
    pub amount: Money,
    /// Tax on it.
    pub tax: Money,
}

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Actor {
    /// The OMS itself or a scheduled job.
    System,
    /// The customer, through a storefront or app.
    Customer(CustomerId),
    /// A customer-service agent or store associate.
    Agent(AgentId),
    /// A sales channel's integration.
    Channel(ChannelId),
    /// A fulfillment node's system (WMS, store app).
    Node(NodeId),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::System => f.write_str("the system"),
            Actor::Customer(id) => write!(f, "customer {id}"),
            Actor::Agent(id) => write!(f, "agent {id}"),
            Actor::Channel(id) => write!(f, "channel {id}"),
            Actor::Node(id) => write!(f, "node {id}"),
        }
    }
}

/// Who asked for a change and how to recognise a retry of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Who.
    pub actor: Actor,
    /// A command carrying a key already recorded on the order is not applied again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// The message or request that caused this one, for tracing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation: Option<String>,
}

impl Metadata {
    /// Metadata for an actor, with no key or causation.
    pub fn by(actor: Actor) -> Metadata {
        Metadata { actor, idempotency_key: None, causation: None }
    }

    /// The same metadata with an idempotency key.
    pub fn with_key(mut self, key: IdempotencyKey) -> Metadata {
        self.idempotency_key = Some(key);
        self
    }
}

/// An event as stored: with its version in the stream, time and metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<E> {
    /// Position in the stream, from 1.
    pub version: Version,
    /// When it was recorded (from the [`Clock`](crate::Clock)).
    pub recorded_at: DateTime<Utc>,
    /// Who and why.
    pub metadata: Metadata,
    /// The event.
    pub event: E,
}
