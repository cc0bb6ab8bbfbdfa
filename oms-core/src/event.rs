//! Order events and the envelope they are stored in.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Address, AgentId, Cancellation, ChannelId, ChannelRef, Currency, CustomerId, Destination, FulfillmentIntent,
    FulfillmentMethod, FulfillmentOrderId, Hold, HoldKind, IdempotencyKey, LineId, LinePricing, LineQuantity,
    LineStatus, Modification, ModificationId, ModificationOutcome, Money, NodeId, OrderId, OrderTotals, Refund,
    Shipment, ShipmentId, Sku, Version,
};

/// Something that happened to an order. Serialized with a `"type"` tag in snake_case.
///
/// Events are facts: [`Order::apply`](crate::Order::apply) folds them, checking only that
/// they fit the [transition tables](crate::transitions). Events that concern stock name the
/// line, the node and the quantity, so a host can turn them into inventory movements; events
/// that concern money carry the exact amounts due.
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
        /// The status the units came from (open, or reserved when a reservation was lost).
        from: LineStatus,
        /// How many.
        quantity: u32,
        /// When they were backordered; backorders expire counted from here.
        at: DateTime<Utc>,
        /// When stock is expected, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected_at: Option<DateTime<Utc>>,
    },
    /// A hold was placed: its lines may not be allocated or released until it is resolved.
    HoldPlaced {
        /// The hold.
        hold: Hold,
    },
    /// A hold was cleared.
    HoldReleased {
        /// Which.
        hold: HoldKind,
    },
    /// A hold failed; the [`OrderEvent::Cancelled`] and [`OrderEvent::CancelRequested`]
    /// events that follow cancel what it held.
    HoldRejected {
        /// Which.
        hold: HoldKind,
        /// Why, in words.
        reason: String,
    },
    /// A fulfillment order was opened for a node, method and destination.
    FulfillmentOrderCreated {
        /// Its id.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// Ship, pickup or transfer.
        method: FulfillmentMethod,
        /// Where the units go.
        destination: Destination,
    },
    /// Units were assigned to a node inside a fulfillment order.
    LineAllocated {
        /// The line.
        line: LineId,
        /// The status they came from: `reserved` (network stock to convert), `open` or
        /// `backordered` (nothing held yet).
        from: LineStatus,
        /// How many.
        quantity: u32,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node whose stock they take.
        node: NodeId,
    },
    /// Allocated units went back to open before release (to route again); their stock at
    /// `node` is free.
    LineDeallocated {
        /// The line.
        line: LineId,
        /// How many.
        quantity: u32,
        /// The fulfillment order they left.
        fulfillment_order: FulfillmentOrderId,
        /// The node whose stock is free again.
        node: NodeId,
        /// Why, in words.
        reason: String,
    },
    /// A fulfillment order was sent to its node with all its allocated units.
    FulfillmentOrderReleased {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The units released.
        lines: Vec<LineQuantity>,
    },
    /// The node accepted a fulfillment order.
    FulfillmentOrderAccepted {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
    },
    /// The node picked a fulfillment order.
    FulfillmentOrderPicked {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
    },
    /// The node rejected or short-picked units: they went back to open (to route again without
    /// this node) or, for a pickup under a parking policy, to `rejected` for a person.
    FulfillmentRejected {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node, now excluded for these lines.
        node: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
        /// Why, in words.
        reason: String,
        /// True for a short pick (found missing while picking) rather than a rejection.
        #[serde(default)]
        short_pick: bool,
        /// True when the units were parked rather than sent back to routing.
        #[serde(default)]
        parked: bool,
    },
    /// A person sent parked units back to routing.
    ParkedRerouted {
        /// The line.
        line: LineId,
        /// How many.
        quantity: u32,
    },
    /// Released units should be cancelled: the node is asked to confirm.
    CancelRequested {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node asked.
        node: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
        /// Why, in words.
        reason: String,
    },
    /// The node refused to cancel (it may have shipped): the units are released again.
    CancelDenied {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
        /// Why, in words.
        reason: String,
    },
    /// Units were cancelled, with the stock to release and the refund due.
    Cancelled(Box<Cancellation>),
    /// A shipment left a node.
    Shipped {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The shipment.
        shipment: Shipment,
    },
    /// The carrier delivered a shipment.
    ShipmentDelivered {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The shipment.
        shipment: ShipmentId,
        /// What it held.
        lines: Vec<LineQuantity>,
    },
    /// Units wait at the pickup store.
    ReadyForPickup {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The store.
        store: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
        /// Since when; uncollected pickups expire counted from here.
        at: DateTime<Utc>,
    },
    /// The customer collected units at the store.
    Collected {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The store.
        store: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
    },
    /// Shipping was refunded because nothing of the order will ship any more.
    ShippingRefunded {
        /// The amounts.
        refund: Refund,
    },
    /// A modification touches units already at a node: it waits for those nodes' answers.
    ModificationRequested {
        /// The modification.
        modification: ModificationId,
        /// What it changes.
        request: Box<Modification>,
        /// The fulfillment orders whose nodes must agree.
        awaiting: Vec<FulfillmentOrderId>,
    },
    /// A node answered a modification request.
    ModificationAnswered {
        /// The modification.
        modification: ModificationId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// Whether the node agreed.
        accepted: bool,
        /// Why, in words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A modification took effect; the events that carry it out follow.
    ModificationApplied {
        /// The modification.
        modification: ModificationId,
        /// Why, in words.
        reason: String,
        /// Money newly due from the customer (added units and lines).
        charge: Money,
        /// Money newly due to the customer (lowered quantities, removed lines).
        refund: Money,
    },
    /// A pending modification ended without taking effect.
    ModificationClosed {
        /// The modification.
        modification: ModificationId,
        /// How it ended.
        outcome: ModificationOutcome,
        /// Why, in words.
        reason: String,
    },
    /// Lines ship to a new address (`line` absent: the order's default address changed too).
    ShipToChanged {
        /// The one line changed, or none for an order-wide change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<LineId>,
        /// Every line now shipping there.
        lines: Vec<LineId>,
        /// The new address.
        address: Arc<Address>,
    },
    /// A line's quantity went up: new open units, priced on their own.
    LineQuantityIncreased {
        /// The line.
        line: LineId,
        /// What the new units cost; `pricing.quantity` is how many.
        pricing: LinePricing,
    },
    /// A line was added to the order; all its units are open.
    LineAdded(Box<CapturedLine>),
    /// A line switched between ship and pickup (or to another store or address).
    FulfillmentChanged {
        /// The line.
        line: LineId,
        /// How it reaches the customer now.
        fulfillment: FulfillmentIntent,
    },
    /// The node agreed to ship a released fulfillment order to a new address.
    FulfillmentRedirected {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The new address.
        address: Arc<Address>,
    },
    /// The node gave released units back for a modification: they are open again and the
    /// node's stock for them is free.
    UnitsWithdrawn {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The node.
        node: NodeId,
        /// The units.
        lines: Vec<LineQuantity>,
    },
    /// A step of a return, mirrored from the returns flow onto the line's buckets.
    ReturnRecorded {
        /// The line.
        line: LineId,
        /// Which step.
        step: ReturnStep,
        /// How many units.
        quantity: u32,
    },
}

/// A step of a return, as recorded on the order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStep {
    /// The customer asked to return delivered units.
    Requested,
    /// The units came back.
    Received,
    /// The return was withdrawn or refused; the units stay with the customer.
    Withdrawn,
}

impl OrderEvent {
    /// The event's `type` tag as it appears in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            OrderEvent::Captured(_) => "captured",
            OrderEvent::LineReserved { .. } => "line_reserved",
            OrderEvent::LineBackordered { .. } => "line_backordered",
            OrderEvent::HoldPlaced { .. } => "hold_placed",
            OrderEvent::HoldReleased { .. } => "hold_released",
            OrderEvent::HoldRejected { .. } => "hold_rejected",
            OrderEvent::FulfillmentOrderCreated { .. } => "fulfillment_order_created",
            OrderEvent::LineAllocated { .. } => "line_allocated",
            OrderEvent::LineDeallocated { .. } => "line_deallocated",
            OrderEvent::FulfillmentOrderReleased { .. } => "fulfillment_order_released",
            OrderEvent::FulfillmentOrderAccepted { .. } => "fulfillment_order_accepted",
            OrderEvent::FulfillmentOrderPicked { .. } => "fulfillment_order_picked",
            OrderEvent::FulfillmentRejected { .. } => "fulfillment_rejected",
            OrderEvent::ParkedRerouted { .. } => "parked_rerouted",
            OrderEvent::CancelRequested { .. } => "cancel_requested",
            OrderEvent::CancelDenied { .. } => "cancel_denied",
            OrderEvent::Cancelled(_) => "cancelled",
            OrderEvent::Shipped { .. } => "shipped",
            OrderEvent::ShipmentDelivered { .. } => "shipment_delivered",
            OrderEvent::ReadyForPickup { .. } => "ready_for_pickup",
            OrderEvent::Collected { .. } => "collected",
            OrderEvent::ShippingRefunded { .. } => "shipping_refunded",
            OrderEvent::ModificationRequested { .. } => "modification_requested",
            OrderEvent::ModificationAnswered { .. } => "modification_answered",
            OrderEvent::ModificationApplied { .. } => "modification_applied",
            OrderEvent::ModificationClosed { .. } => "modification_closed",
            OrderEvent::ShipToChanged { .. } => "ship_to_changed",
            OrderEvent::LineQuantityIncreased { .. } => "line_quantity_increased",
            OrderEvent::LineAdded(_) => "line_added",
            OrderEvent::FulfillmentChanged { .. } => "fulfillment_changed",
            OrderEvent::FulfillmentRedirected { .. } => "fulfillment_redirected",
            OrderEvent::UnitsWithdrawn { .. } => "units_withdrawn",
            OrderEvent::ReturnRecorded { .. } => "return_recorded",
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
    /// Holds placed at capture, each over the whole order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<HoldKind>,
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
