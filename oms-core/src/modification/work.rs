//! Working a modification out, change by change, on a scratch copy of the order.

use std::sync::Arc;

use super::{AddedPrice, FulfillmentChange};
use crate::{
    Address, CancelCause, CapturedLine, FulfillmentIntent, FulfillmentOrderId, LineId, LinePricing, LineQuantity,
    LineStatus, MAX_LINES, ModificationId, Money, Order, OrderError, OrderEvent, Sku,
};

/// A modification being worked out: the scratch order and what it produced so far.
pub(super) struct Work {
    pub(super) order: Order,
    pub(super) events: Vec<OrderEvent>,
    pub(super) awaiting: Vec<FulfillmentOrderId>,
}

impl Work {
    pub(super) fn emit(&mut self, event: OrderEvent) -> Result<(), OrderError> {
        self.order.apply(&event)?;
        self.events.push(event);
        Ok(())
    }

    fn address(&self, line: Option<&LineId>, address: &Address) -> Result<Arc<Address>, OrderError> {
        address.validate().map_err(|e| self.order.invalid(line, &format!("address {}: {}", e.field, e.problem)))?;
        Ok(Arc::new(address.clone()))
    }

    /// Sends allocated units of `line` back to routing, and finds the fulfillment orders
    /// holding its released units: returned (when agreed) or added to `awaiting`.
    fn unroute(
        &mut self,
        line: &LineId,
        reason: &str,
        agreed: &[FulfillmentOrderId],
    ) -> Result<Vec<(FulfillmentOrderId, u32)>, OrderError> {
        let mut deallocate = Vec::new();
        let mut at_node = Vec::new();
        for f in self.order.fulfillment_orders() {
            let allocated = f.units(line, LineStatus::Allocated);
            if allocated > 0 {
                deallocate.push((f.id().clone(), f.node().clone(), allocated));
            }
            let released = f.units(line, LineStatus::Released) + f.units(line, LineStatus::CancelRequested);
            if released > 0 {
                if agreed.contains(f.id()) {
                    at_node.push((f.id().clone(), f.units(line, LineStatus::Released)));
                } else {
                    self.awaiting.push(f.id().clone());
                }
            }
        }
        for (fo, node, quantity) in deallocate {
            self.emit(OrderEvent::LineDeallocated {
                line: line.clone(),
                quantity,
                fulfillment_order: fo,
                node,
                reason: reason.to_owned(),
            })?;
        }
        Ok(at_node)
    }

    pub(super) fn ship_to(
        &mut self,
        line: Option<&LineId>,
        address: &Address,
        agreed: &[FulfillmentOrderId],
    ) -> Result<(), OrderError> {
        let address = self.address(line, address)?;
        let lines: Vec<LineId> = match line {
            Some(id) => {
                let target = self.order.known_line(id)?;
                if !matches!(target.fulfillment(), FulfillmentIntent::Ship { .. }) {
                    return Err(self.order.invalid(Some(id), "the line is collected at a store; switch it to ship"));
                }
                vec![id.clone()]
            }
            None => {
                let default = self.order.ship_to().cloned();
                self.order
                    .lines()
                    .iter()
                    .filter(|l| match l.fulfillment() {
                        FulfillmentIntent::Ship { address } => default.as_ref().is_none_or(|d| **address == *d),
                        FulfillmentIntent::Pickup { .. } => false,
                    })
                    .map(|l| l.id().clone())
                    .collect()
            }
        };
        let mut redirect: Vec<FulfillmentOrderId> = Vec::new();
        for id in &lines {
            for (fo, _) in self.unroute(id, "the ship-to address changed", agreed)? {
                if !redirect.contains(&fo) {
                    redirect.push(fo);
                }
            }
        }
        for fo in redirect {
            let f = self.order.known_fulfillment_order(&fo)?;
            let others = f.lines().iter().any(|l| {
                !lines.contains(&l.line)
                    && (l.buckets.get(LineStatus::Released) + l.buckets.get(LineStatus::CancelRequested)) > 0
            });
            if others {
                return Err(self.order.invalid(
                    None,
                    &format!("fulfillment order {fo} also ships lines that keep their address; change those too"),
                ));
            }
            let node = f.node().clone();
            self.emit(OrderEvent::FulfillmentRedirected { fulfillment_order: fo, node, address: address.clone() })?;
        }
        self.emit(OrderEvent::ShipToChanged { line: line.cloned(), lines, address })
    }

    pub(super) fn quantity(
        &mut self,
        line: &LineId,
        quantity: u32,
        price: Option<&AddedPrice>,
        id: &ModificationId,
        reason: &str,
    ) -> Result<(), OrderError> {
        let active = self.order.known_line(line)?.active_quantity();
        if quantity == active {
            return Err(self.order.invalid(Some(line), &format!("the quantity is already {quantity}")));
        }
        if quantity < active {
            return self.cancel(line, active - quantity, id, reason);
        }
        let price =
            price.ok_or_else(|| self.order.invalid(Some(line), "raising a quantity needs the added units' price"))?;
        let pricing = self.price(line, price, quantity - active)?;
        self.emit(OrderEvent::LineQuantityIncreased { line: line.clone(), pricing })
    }

    pub(super) fn cancel(
        &mut self,
        line: &LineId,
        quantity: u32,
        id: &ModificationId,
        reason: &str,
    ) -> Result<(), OrderError> {
        let mut plan = crate::cancellation::CancelPlan::default();
        self.order.plan_cancel(self.order.known_line(line)?, quantity, &mut plan)?;
        let cause = CancelCause::Modification { modification: id.clone() };
        for event in self.order.cancel_events(plan, cause, reason)? {
            self.emit(event)?;
        }
        Ok(())
    }

    pub(super) fn add_line(
        &mut self,
        line: &LineId,
        sku: &Sku,
        quantity: u32,
        price: &AddedPrice,
        fulfillment: &FulfillmentChange,
    ) -> Result<(), OrderError> {
        if self.order.line(line).is_some() {
            return Err(self.order.invalid(Some(line), "the order already has this line"));
        }
        if quantity == 0 {
            return Err(OrderError::ZeroQuantity { order: self.order.id().clone(), line: line.clone() });
        }
        if self.order.lines().len() >= MAX_LINES {
            return Err(self.order.invalid(Some(line), "the order has the most lines allowed"));
        }
        let fulfillment = self.intent(line, fulfillment)?;
        let pricing = self.price(line, price, quantity)?;
        self.emit(OrderEvent::LineAdded(Box::new(CapturedLine {
            id: line.clone(),
            sku: sku.clone(),
            quantity,
            fulfillment,
            pricing,
        })))
    }

    pub(super) fn switch(
        &mut self,
        line: &LineId,
        to: &FulfillmentChange,
        agreed: &[FulfillmentOrderId],
    ) -> Result<(), OrderError> {
        let target = self.order.known_line(line)?;
        let done = [
            LineStatus::Shipped,
            LineStatus::ReadyForPickup,
            LineStatus::Delivered,
            LineStatus::ReturnRequested,
            LineStatus::Returned,
        ];
        if target.buckets().sum_of(&done) > 0 {
            return Err(self.order.invalid(Some(line), "some units already shipped or wait at a store"));
        }
        let intent = self.intent(line, to)?;
        if &intent == target.fulfillment() {
            return Err(self.order.invalid(Some(line), "the line already reaches the customer this way"));
        }
        for (fo, released) in self.unroute(line, "the line switched between ship and pickup", agreed)? {
            if released > 0 {
                let node = self.order.known_fulfillment_order(&fo)?.node().clone();
                let lines = vec![LineQuantity::new(line.clone(), released)];
                self.emit(OrderEvent::UnitsWithdrawn { fulfillment_order: fo, node, lines })?;
            }
        }
        self.emit(OrderEvent::FulfillmentChanged { line: line.clone(), fulfillment: intent })
    }

    fn intent(&self, line: &LineId, change: &FulfillmentChange) -> Result<FulfillmentIntent, OrderError> {
        Ok(match change {
            FulfillmentChange::Ship { address: Some(address) } => {
                FulfillmentIntent::Ship { address: self.address(Some(line), address)? }
            }
            FulfillmentChange::Ship { address: None } => match self.order.ship_to() {
                Some(address) => FulfillmentIntent::Ship { address: Arc::new(address.clone()) },
                None => return Err(self.order.invalid(Some(line), "no address to ship to")),
            },
            FulfillmentChange::Pickup { node } => FulfillmentIntent::Pickup { node: node.clone() },
        })
    }

    /// Prices added units like capture prices a line: gross rounded once, minus the discount,
    /// plus tax; no order discount or shipping falls on them.
    fn price(&self, line: &LineId, price: &AddedPrice, quantity: u32) -> Result<LinePricing, OrderError> {
        let currency = self.order.currency();
        let zero = Money::zero(currency);
        let (discount, tax) = (price.discount.unwrap_or(zero), price.tax.unwrap_or(zero));
        for (name, m) in [("unit price", price.unit_price), ("discount", discount), ("tax", tax)] {
            if m.currency() != currency {
                return Err(self
                    .order
                    .invalid(Some(line), &format!("{name} is in {}, the order in {currency}", m.currency())));
            }
            if m.is_negative() {
                return Err(self.order.invalid(Some(line), &format!("{name} {m} is negative")));
            }
            if name != "unit price" && !m.is_in_minor_units() {
                return Err(self
                    .order
                    .invalid(Some(line), &format!("{name} {m} has more decimals than {currency} allows")));
            }
        }
        let money = |e| OrderError::Money { order: self.order.id().clone(), line: Some(line.clone()), source: e };
        let gross = price.unit_price.times(quantity).map_err(money)?.round();
        if discount.checked_cmp(&gross).map_err(money)? == std::cmp::Ordering::Greater {
            return Err(self.order.invalid(Some(line), &format!("discount {discount} exceeds the price {gross}")));
        }
        let total = gross.checked_sub(discount).and_then(|m| m.checked_add(tax)).map_err(money)?;
        Ok(LinePricing {
            quantity,
            unit_price: price.unit_price,
            gross,
            line_discount: discount,
            order_discount: zero,
            tax,
            shipping: zero,
            shipping_tax: zero,
            total,
        })
    }
}
