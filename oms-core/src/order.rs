//! The order aggregate: state rebuilt from events.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Address, Adjustment, ChannelRef, Charge, Currency, CustomerId, FulfillmentIntent, FulfillmentOrder,
    FulfillmentOrderId, Hold, LineId, LineStatus, Money, NodeId, OrderCaptured, OrderError, OrderEvent, OrderId,
    OrderLine, OrderTotals, PendingModification, Sku, Version,
};

/// An order: what was captured and where every unit stands.
///
/// Built only from events ([`Order::replay`], [`Order::apply`]); changed only by applying the
/// events that [`Order::decide`] returns. Fields are private so no code can move a unit
/// without an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    id: OrderId,
    version: Version,
    channel: ChannelRef,
    customer_id: CustomerId,
    currency: Currency,
    placed_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ship_to: Option<Arc<Address>>,
    lines: Vec<OrderLine>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    discounts: Vec<Adjustment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shipping: Vec<Charge>,
    totals: OrderTotals,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) holds: Vec<Hold>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) fulfillment_orders: Vec<FulfillmentOrder>,
    /// Shipments recorded so far (numbers the next one).
    #[serde(default)]
    pub(crate) shipment_count: u32,
    /// Modifications started so far (numbers the next one).
    #[serde(default)]
    pub(crate) modification_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pending_modification: Option<PendingModification>,
    /// Charged for units and lines added by modifications.
    pub(crate) charged: Money,
    /// Refunded so far.
    pub(crate) refunded: Money,
    /// Shipping was refunded (it is refunded at most once).
    #[serde(default)]
    pub(crate) shipping_refunded: bool,
    /// Some line shipped to an address at capture (so shipping paid for shipping).
    #[serde(default)]
    pub(crate) had_ship_lines: bool,
}

/// Where an order stands as a whole, derived from its lines' buckets (never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderStatus {
    /// Some units are still open (captured, not reserved) or parked after a store rejected them.
    Open,
    /// A hold stops units that are not yet at a node.
    OnHold,
    /// Nothing open; some units wait for stock.
    Backordered,
    /// Everything active is reserved or further along, some units only reserved.
    Reserved,
    /// Everything active is allocated or further along, some units only allocated.
    Allocated,
    /// Everything active is released to nodes or further along.
    Released,
    /// Every active unit not yet collected waits at a pickup store.
    ReadyForPickup,
    /// Some active units have shipped or wait at a pickup store, others not yet.
    PartiallyShipped,
    /// Every active unit has shipped; some not yet delivered.
    Shipped,
    /// Every active unit was delivered (some may be in a return).
    Delivered,
    /// Every active unit came back.
    Returned,
    /// Every unit was cancelled.
    Cancelled,
}

impl Order {
    /// The order as captured, at version 1, all units open.
    pub fn from_captured(captured: &OrderCaptured) -> Order {
        Order {
            id: captured.order_id.clone(),
            version: Version::new(1),
            channel: captured.channel.clone(),
            customer_id: captured.customer_id.clone(),
            currency: captured.currency,
            placed_at: captured.placed_at,
            ship_to: captured.ship_to.clone(),
            lines: captured
                .lines
                .iter()
                .map(|l| OrderLine::new(l.id.clone(), l.sku.clone(), l.quantity, l.fulfillment.clone(), l.pricing))
                .collect(),
            discounts: captured.discounts.clone(),
            shipping: captured.shipping.clone(),
            totals: captured.totals,
            attributes: captured.attributes.clone(),
            holds: captured
                .holds
                .iter()
                .map(|kind| Hold { kind: kind.clone(), lines: Vec::new(), note: None })
                .collect(),
            fulfillment_orders: Vec::new(),
            shipment_count: 0,
            modification_count: 0,
            pending_modification: None,
            charged: Money::zero(captured.currency),
            refunded: Money::zero(captured.currency),
            shipping_refunded: false,
            had_ship_lines: captured.lines.iter().any(|l| matches!(l.fulfillment, FulfillmentIntent::Ship { .. })),
        }
    }

    /// Rebuilds an order from its history, which must start with [`OrderEvent::Captured`].
    ///
    /// # Errors
    /// [`OrderError::InvalidHistory`] for an empty history, a history that does not start with
    /// a capture, or an event that does not fit the state (a corrupt or foreign stream).
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a OrderEvent>) -> Result<Order, OrderError> {
        let mut events = events.into_iter();
        let mut order = match events.next() {
            Some(OrderEvent::Captured(captured)) => Order::from_captured(captured),
            Some(other) => {
                return Err(OrderError::InvalidHistory {
                    order: None,
                    version: Version::new(1),
                    problem: format!("history starts with {} instead of captured", other.kind()),
                });
            }
            None => {
                return Err(OrderError::InvalidHistory {
                    order: None,
                    version: Version::ZERO,
                    problem: "history is empty".into(),
                });
            }
        };
        for event in events {
            order.apply(event)?;
        }
        Ok(order)
    }

    /// The order id.
    pub fn id(&self) -> &OrderId {
        &self.id
    }

    /// How many events the order has; the version to expect when appending the next ones.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The channel and its order number.
    pub fn channel(&self) -> &ChannelRef {
        &self.channel
    }

    /// The customer.
    pub fn customer_id(&self) -> &CustomerId {
        &self.customer_id
    }

    /// Currency of every amount.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// When the customer placed the order.
    pub fn placed_at(&self) -> DateTime<Utc> {
        self.placed_at
    }

    /// The order's default ship-to address.
    pub fn ship_to(&self) -> Option<&Address> {
        self.ship_to.as_deref()
    }

    /// The lines, in capture order.
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }

    /// A line by id.
    pub fn line(&self, id: &LineId) -> Option<&OrderLine> {
        self.lines.iter().find(|l| l.id() == id)
    }

    /// Order-level discounts.
    pub fn discounts(&self) -> &[Adjustment] {
        &self.discounts
    }

    /// Shipping charges.
    pub fn shipping(&self) -> &[Charge] {
        &self.shipping
    }

    /// Totals as captured.
    pub fn totals(&self) -> &OrderTotals {
        &self.totals
    }

    /// Free-form attributes.
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.attributes
    }

    /// Units of the whole order in `status`.
    pub fn units_in(&self, status: LineStatus) -> u64 {
        self.lines.iter().map(|l| u64::from(l.buckets().get(status))).sum()
    }

    /// The order's status, derived from its lines and holds.
    pub fn status(&self) -> OrderStatus {
        use LineStatus as S;
        let ordered: u64 = self.lines.iter().map(|l| u64::from(l.quantity())).sum();
        let active = ordered - self.units_in(S::Cancelled);
        let delivered = self.units_in(S::Delivered) + self.units_in(S::ReturnRequested) + self.units_in(S::Returned);
        let shipped = delivered + self.units_in(S::Shipped);
        let ready = self.units_in(S::ReadyForPickup);
        let before_node = [S::Open, S::Backordered, S::Rejected, S::Reserved, S::Allocated]
            .iter()
            .map(|&s| self.units_in(s))
            .sum::<u64>();
        if active == 0 {
            OrderStatus::Cancelled
        } else if self.units_in(S::Returned) == active {
            OrderStatus::Returned
        } else if delivered == active {
            OrderStatus::Delivered
        } else if shipped == active {
            OrderStatus::Shipped
        } else if ready > 0 && shipped + ready == active {
            OrderStatus::ReadyForPickup
        } else if shipped + ready > 0 {
            OrderStatus::PartiallyShipped
        } else if !self.holds.is_empty() && before_node > 0 {
            OrderStatus::OnHold
        } else if self.units_in(S::Open) + self.units_in(S::Rejected) > 0 {
            OrderStatus::Open
        } else if self.units_in(S::Backordered) > 0 {
            OrderStatus::Backordered
        } else if self.units_in(S::Reserved) > 0 {
            OrderStatus::Reserved
        } else if self.units_in(S::Allocated) > 0 {
            OrderStatus::Allocated
        } else {
            OrderStatus::Released
        }
    }

    /// Active holds.
    pub fn holds(&self) -> &[Hold] {
        &self.holds
    }

    /// The first active hold covering `line`.
    pub fn hold_on(&self, line: &LineId) -> Option<&Hold> {
        self.holds.iter().find(|h| h.covers(line))
    }

    /// Fulfillment orders, in the order they were created.
    pub fn fulfillment_orders(&self) -> &[FulfillmentOrder] {
        &self.fulfillment_orders
    }

    /// A fulfillment order by id.
    pub fn fulfillment_order(&self, id: &FulfillmentOrderId) -> Option<&FulfillmentOrder> {
        self.fulfillment_orders.iter().find(|f| f.id() == id)
    }

    /// The modification waiting for nodes' answers, if any (at most one at a time).
    pub fn pending_modification(&self) -> Option<&PendingModification> {
        self.pending_modification.as_ref()
    }

    /// What the customer paid: the captured total plus what modifications charged.
    pub fn paid(&self) -> Money {
        self.totals.total.checked_add(self.charged).unwrap_or(self.totals.total)
    }

    /// What modifications charged on top of the captured total.
    pub fn charged(&self) -> Money {
        self.charged
    }

    /// What was refunded so far (cancellations and shipping).
    pub fn refunded(&self) -> Money {
        self.refunded
    }

    /// True once shipping was refunded.
    pub fn shipping_refunded(&self) -> bool {
        self.shipping_refunded
    }

    /// Nodes excluded from routing `line` (they rejected or short-picked it), sorted; empty
    /// for an unknown line.
    pub fn excluded_nodes(&self, line: &LineId) -> &[NodeId] {
        self.line(line).map_or(&[], OrderLine::excluded_nodes)
    }

    /// What still needs routing: per line with open or reserved units, how many, how they
    /// reach the customer, and the nodes routing must avoid. Pass it to a router, then the
    /// router's plan to [`OrderCommand::Allocate`](crate::OrderCommand::Allocate).
    pub fn routing_needs(&self) -> Vec<RoutingNeed> {
        self.lines
            .iter()
            .filter_map(|l| {
                let quantity = l.buckets().get(LineStatus::Open) + l.buckets().get(LineStatus::Reserved);
                (quantity > 0).then(|| RoutingNeed {
                    line: l.id().clone(),
                    sku: l.sku().clone(),
                    quantity,
                    reserved: l.buckets().get(LineStatus::Reserved),
                    fulfillment: l.fulfillment().clone(),
                    excluded_nodes: l.excluded_nodes().to_vec(),
                    held: self.hold_on(l.id()).is_some(),
                })
            })
            .collect()
    }

    pub(crate) fn line_mut(&mut self, id: &LineId) -> Option<&mut OrderLine> {
        self.lines.iter_mut().find(|l| l.id() == id)
    }

    pub(crate) fn fulfillment_order_mut(&mut self, id: &FulfillmentOrderId) -> Option<&mut FulfillmentOrder> {
        self.fulfillment_orders.iter_mut().find(|f| f.id() == id)
    }

    pub(crate) fn set_version(&mut self, version: Version) {
        self.version = version;
    }

    pub(crate) fn set_ship_to(&mut self, address: Arc<Address>) {
        self.ship_to = Some(address);
    }

    pub(crate) fn push_line(&mut self, line: OrderLine) {
        self.lines.push(line);
    }
}

/// Units of a line waiting to be routed; see [`Order::routing_needs`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingNeed {
    /// The line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// Units to route (open and reserved).
    pub quantity: u32,
    /// Of those, units already reserved against network stock.
    pub reserved: u32,
    /// Ship to an address or pick up at a store.
    pub fulfillment: FulfillmentIntent,
    /// Nodes that must not get this line again.
    pub excluded_nodes: Vec<NodeId>,
    /// True when a hold stops the line from being allocated now.
    pub held: bool,
}
