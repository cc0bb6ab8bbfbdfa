//! The order aggregate: state rebuilt from events.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::line::Shortfall;
use crate::{
    Address, Adjustment, ChannelRef, Charge, Currency, CustomerId, LineId, LineStatus, OrderCaptured, OrderError,
    OrderEvent, OrderId, OrderLine, OrderTotals, Version,
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
}

/// Where an order stands as a whole, derived from its lines' buckets (never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderStatus {
    /// Some units are still open (captured, not reserved).
    Open,
    /// Nothing open; some units wait for stock.
    Backordered,
    /// Everything active is reserved or further along, some units only reserved.
    Reserved,
    /// Everything active is allocated or further along, some units only allocated.
    Allocated,
    /// Everything active is released to nodes or further along.
    Released,
    /// Some active units have shipped, others not yet.
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

    /// Folds one event into the order and advances its version.
    ///
    /// Events returned by [`Order::decide`] always apply. An event that does not fit (a unit
    /// moved out of a status that holds fewer) is refused and leaves the order unchanged.
    ///
    /// # Errors
    /// [`OrderError::InvalidHistory`] naming the event's version and the problem.
    pub fn apply(&mut self, event: &OrderEvent) -> Result<(), OrderError> {
        let version = self.version.next();
        let result = match event {
            OrderEvent::Captured(_) => Err("a second captured event".to_owned()),
            OrderEvent::LineReserved { line, from, quantity } => {
                self.move_units(line, *from, LineStatus::Reserved, *quantity)
            }
            OrderEvent::LineBackordered { line, from, quantity, .. } => {
                self.move_units(line, *from, LineStatus::Backordered, *quantity)
            }
            OrderEvent::LineCancelled { line, from, quantity, .. } => {
                self.move_units(line, *from, LineStatus::Cancelled, *quantity)
            }
        };
        result.map_err(|problem| OrderError::InvalidHistory { order: Some(self.id.clone()), version, problem })?;
        self.version = version;
        Ok(())
    }

    fn move_units(&mut self, line: &LineId, from: LineStatus, to: LineStatus, quantity: u32) -> Result<(), String> {
        let target = self.lines.iter_mut().find(|l| l.id() == line).ok_or_else(|| format!("unknown line {line}"))?;
        target.buckets_mut().move_units(from, to, quantity).map_err(|Shortfall { status, available }| {
            format!("line {line} moves {quantity} out of {status}, which holds {available}")
        })
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

    /// The order's status, derived from its lines.
    pub fn status(&self) -> OrderStatus {
        use LineStatus as S;
        let ordered: u64 = self.lines.iter().map(|l| u64::from(l.quantity())).sum();
        let active = ordered - self.units_in(S::Cancelled);
        let delivered = self.units_in(S::Delivered) + self.units_in(S::ReturnRequested) + self.units_in(S::Returned);
        let shipped = delivered + self.units_in(S::Shipped);
        if active == 0 {
            OrderStatus::Cancelled
        } else if self.units_in(S::Returned) == active {
            OrderStatus::Returned
        } else if delivered == active {
            OrderStatus::Delivered
        } else if shipped == active {
            OrderStatus::Shipped
        } else if shipped > 0 {
            OrderStatus::PartiallyShipped
        } else if self.units_in(S::Open) > 0 {
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
}
