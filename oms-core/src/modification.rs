//! Modifications: change addresses, quantities, lines, ship or pickup; preview, then apply.
//!
//! A modification is a list of [`Change`]s applied together or not at all. Before release it
//! takes effect at once. A change that touches units already released to a node (a new
//! address for them, a switch between ship and pickup) needs that node: the modification is
//! recorded as requested and waits, as the order's one open modification, until every node
//! concerned answers; if all agree it takes effect, if one declines (or ships meanwhile) it
//! closes without effect. Lowering a quantity never waits: like a cancellation, it cancels
//! what no node works on and asks the nodes about released units.
//!
//! [`Order::preview`] runs the same decision without recording anything and reports the money
//! it would move.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{
    Address, CancelCause, CapturedLine, FulfillmentIntent, FulfillmentOrderId, LineId, LinePricing, LineQuantity,
    LineStatus, MAX_LINES, ModificationId, Money, MoneyError, NodeId, Order, OrderError, OrderEvent, Refund, Sku,
};

/// Changes to an order, applied together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Modification {
    /// The changes, applied in order.
    pub changes: Vec<Change>,
    /// Why, in words.
    pub reason: String,
}

/// One change of a [`Modification`]. Serialized with a `"change"` tag in snake_case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// Ship one line (or, with `line` absent, the order and every line using its default
    /// address) to a new address. Allocated units go back to routing, since the best node
    /// depends on the destination; released units need their node.
    ShipTo {
        /// The line, or none for the order's default address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<LineId>,
        /// The new address.
        address: Address,
    },
    /// Set how many units of a line are wanted (not counting cancelled ones). Lowering cancels
    /// the least progressed units and leaves the rest where they are; raising adds open units
    /// priced by `price`.
    Quantity {
        /// The line.
        line: LineId,
        /// Units wanted.
        quantity: u32,
        /// What each added unit costs (required to raise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price: Option<AddedPrice>,
    },
    /// Add a line.
    AddLine {
        /// Its id, new in the order.
        line: LineId,
        /// The item.
        sku: Sku,
        /// Units.
        quantity: u32,
        /// What it costs.
        price: AddedPrice,
        /// Ship (to the order's address when none is given) or pickup.
        fulfillment: FulfillmentChange,
    },
    /// Cancel every unit of a line that has not shipped.
    RemoveLine {
        /// The line.
        line: LineId,
    },
    /// Switch a line between ship and pickup (or to another store). Allocated units go back to
    /// routing; released units need their node; refused once any unit shipped or was collected.
    Fulfillment {
        /// The line.
        line: LineId,
        /// How it reaches the customer from now on.
        to: FulfillmentChange,
    },
}

/// How a line should reach the customer after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum FulfillmentChange {
    /// Ship to `address`, or to the order's default address when absent.
    Ship {
        /// The address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<Address>,
    },
    /// Collect at a store.
    Pickup {
        /// The store.
        node: NodeId,
    },
}

/// The price of added units, as the host's pricing and tax engines computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedPrice {
    /// Price of one unit before discounts.
    pub unit_price: Money,
    /// Discount on all added units together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    /// Tax on all added units together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
}

/// How a pending modification ended without taking effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModificationOutcome {
    /// A node declined, or shipped before answering.
    Denied,
    /// Someone gave it up.
    Withdrawn,
    /// The order changed meanwhile so that it no longer applies.
    Failed,
}

/// The order's open modification, waiting for nodes' answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingModification {
    id: ModificationId,
    request: Modification,
    awaiting: Vec<FulfillmentOrderId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    accepted: Vec<FulfillmentOrderId>,
}

impl PendingModification {
    pub(crate) fn new(id: ModificationId, request: Modification, awaiting: Vec<FulfillmentOrderId>) -> Self {
        PendingModification { id, request, awaiting, accepted: Vec::new() }
    }

    /// The modification.
    pub fn id(&self) -> &ModificationId {
        &self.id
    }

    /// What it changes.
    pub fn request(&self) -> &Modification {
        &self.request
    }

    /// The fulfillment orders whose nodes must agree.
    pub fn awaiting(&self) -> &[FulfillmentOrderId] {
        &self.awaiting
    }

    /// Those that agreed so far.
    pub fn accepted(&self) -> &[FulfillmentOrderId] {
        &self.accepted
    }

    fn waits_for(&self, fo: &FulfillmentOrderId) -> bool {
        self.awaiting.contains(fo) && !self.accepted.contains(fo)
    }

    pub(crate) fn answer(&mut self, fo: &FulfillmentOrderId, accepted: bool) -> Result<(), String> {
        if !self.waits_for(fo) {
            return Err(format!("modification {} does not wait for {fo}", self.id));
        }
        if accepted {
            self.accepted.push(fo.clone());
        }
        Ok(())
    }
}

/// Money a set of events moves: charged for added units and lines, refunded for cancelled
/// units and shipping. `net` is `charge - refund` (positive: the customer owes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyDelta {
    /// Newly due from the customer.
    pub charge: Money,
    /// Newly due to the customer.
    pub refund: Money,
    /// `charge - refund`.
    pub net: Money,
}

impl MoneyDelta {
    /// The money moved by `events` of an order in `currency`.
    ///
    /// # Errors
    /// [`MoneyError`] for amounts in another currency or too large to add up.
    pub fn of<'a>(
        currency: crate::Currency,
        events: impl IntoIterator<Item = &'a OrderEvent>,
    ) -> Result<MoneyDelta, MoneyError> {
        let (mut charge, mut refund) = (Money::zero(currency), Money::zero(currency));
        for event in events {
            match event {
                OrderEvent::LineQuantityIncreased { pricing, .. } => charge = charge.checked_add(pricing.total)?,
                OrderEvent::LineAdded(line) => charge = charge.checked_add(line.pricing.total)?,
                OrderEvent::Cancelled(c) => refund = refund.checked_add(c.refund.total)?,
                OrderEvent::ShippingRefunded { refund: r } => refund = refund.checked_add(r.total)?,
                _ => {}
            }
        }
        Ok(MoneyDelta { charge, refund, net: charge.checked_sub(refund)? })
    }
}

/// What a modification would do: the events it would record and the money it would move.
#[derive(Debug, Clone, PartialEq)]
pub struct ModificationPreview {
    /// The events [`OrderCommand::Modify`](crate::OrderCommand::Modify) would record now.
    pub events: Vec<OrderEvent>,
    /// The money moved once it takes effect.
    pub money: MoneyDelta,
    /// Fulfillment orders whose nodes must agree first (empty: it takes effect at once).
    pub awaiting: Vec<FulfillmentOrderId>,
}

/// The events of a modification worked out on a scratch copy of the order.
struct Compiled {
    events: Vec<OrderEvent>,
    awaiting: Vec<FulfillmentOrderId>,
}

impl Order {
    /// Previews a modification: the events it would record and the money delta. Nothing is
    /// written; [`OrderCommand::Modify`](crate::OrderCommand::Modify) with the same
    /// modification records exactly these events.
    ///
    /// # Errors
    /// The [`OrderError`] the modification would be refused with.
    pub fn preview(&self, modification: &Modification) -> Result<ModificationPreview, OrderError> {
        if let Some(pending) = self.pending_modification() {
            return Err(OrderError::ModificationPending {
                order: self.id().clone(),
                modification: pending.id().clone(),
            });
        }
        if modification.changes.is_empty() {
            return Err(self.invalid(None, "a modification needs at least one change"));
        }
        let id = ModificationId::new(format!("M-{}", self.modification_count.saturating_add(1)))
            .map_err(|e| self.invalid(None, &e.to_string()))?;
        let compiled = self.compile(modification, &id, &[])?;
        let money = MoneyDelta::of(self.currency(), &compiled.events).map_err(|e| self.money(e))?;
        let events = if compiled.awaiting.is_empty() {
            let mut events = Vec::with_capacity(compiled.events.len() + 1);
            events.push(OrderEvent::ModificationApplied {
                modification: id,
                reason: modification.reason.clone(),
                charge: money.charge,
                refund: money.refund,
            });
            events.extend(compiled.events);
            events
        } else {
            vec![OrderEvent::ModificationRequested {
                modification: id,
                request: Box::new(modification.clone()),
                awaiting: compiled.awaiting.clone(),
            }]
        };
        Ok(ModificationPreview { events, money, awaiting: compiled.awaiting })
    }

    pub(crate) fn decide_modify(&self, modification: &Modification) -> Result<Vec<OrderEvent>, OrderError> {
        Ok(self.preview(modification)?.events)
    }

    pub(crate) fn decide_answer_modification(
        &self,
        fo: &FulfillmentOrderId,
        accepted: bool,
        reason: Option<&String>,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let not_waiting =
            || OrderError::NoPendingModification { order: self.id().clone(), fulfillment_order: Some(fo.clone()) };
        let pending = self.pending_modification().filter(|p| p.waits_for(fo)).ok_or_else(not_waiting)?;
        let node = self.known_fulfillment_order(fo)?.node().clone();
        let answered = OrderEvent::ModificationAnswered {
            modification: pending.id().clone(),
            fulfillment_order: fo.clone(),
            node: node.clone(),
            accepted,
            reason: reason.cloned(),
        };
        if !accepted {
            let why = reason.cloned().unwrap_or_else(|| format!("node {node} declined"));
            return Ok(vec![answered, self.closed(pending, crate::ModificationOutcome::Denied, why)]);
        }
        let mut agreed = pending.accepted().to_vec();
        agreed.push(fo.clone());
        if pending.awaiting().iter().any(|f| !agreed.contains(f)) {
            return Ok(vec![answered]);
        }
        let request = pending.request();
        let outcome = match self.compile(request, pending.id(), &agreed) {
            Ok(compiled) if compiled.awaiting.is_empty() => MoneyDelta::of(self.currency(), &compiled.events)
                .map(|money| (compiled.events, money))
                .map_err(|e| self.money(e)),
            Ok(_) => Err(self.invalid(None, "other nodes received the units meanwhile")),
            Err(e) => Err(e),
        };
        Ok(match outcome {
            Ok((events, money)) => {
                let mut all = vec![
                    answered,
                    OrderEvent::ModificationApplied {
                        modification: pending.id().clone(),
                        reason: request.reason.clone(),
                        charge: money.charge,
                        refund: money.refund,
                    },
                ];
                all.extend(events);
                all
            }
            Err(e) => vec![answered, self.closed(pending, crate::ModificationOutcome::Failed, e.to_string())],
        })
    }

    pub(crate) fn decide_withdraw_modification(&self, reason: &str) -> Result<Vec<OrderEvent>, OrderError> {
        let pending = self
            .pending_modification()
            .ok_or(OrderError::NoPendingModification { order: self.id().clone(), fulfillment_order: None })?;
        Ok(vec![self.closed(pending, ModificationOutcome::Withdrawn, reason.to_owned())])
    }

    /// When a node acts on a fulfillment order the open modification waits for, it has
    /// implicitly declined: these events say so (none when nothing waits for it).
    pub(crate) fn implicit_denial(&self, fo: &FulfillmentOrderId, why: &str) -> Vec<OrderEvent> {
        let Some(pending) = self.pending_modification().filter(|p| p.waits_for(fo)) else {
            return Vec::new();
        };
        let node = self.fulfillment_order(fo).map(|f| f.node().clone());
        let mut events = Vec::with_capacity(2);
        if let Some(node) = node {
            events.push(OrderEvent::ModificationAnswered {
                modification: pending.id().clone(),
                fulfillment_order: fo.clone(),
                node,
                accepted: false,
                reason: Some(why.to_owned()),
            });
        }
        events.push(self.closed(pending, ModificationOutcome::Denied, why.to_owned()));
        events
    }

    fn closed(&self, pending: &PendingModification, outcome: ModificationOutcome, reason: String) -> OrderEvent {
        OrderEvent::ModificationClosed { modification: pending.id().clone(), outcome, reason }
    }

    fn invalid(&self, line: Option<&LineId>, problem: &str) -> OrderError {
        OrderError::Invalid { order: self.id().clone(), line: line.cloned(), problem: problem.to_owned() }
    }

    fn money(&self, source: MoneyError) -> OrderError {
        OrderError::Money { order: self.id().clone(), line: None, source }
    }

    /// Works a modification out on a scratch copy, each change seeing the ones before it.
    /// Released units are changed directly only in the fulfillment orders in `agreed`; any
    /// other fulfillment order they touch ends up in `awaiting`.
    fn compile(
        &self,
        modification: &Modification,
        id: &ModificationId,
        agreed: &[FulfillmentOrderId],
    ) -> Result<Compiled, OrderError> {
        let mut scratch = Work { order: self.clone(), events: Vec::new(), awaiting: Vec::new() };
        for change in &modification.changes {
            match change {
                Change::ShipTo { line, address } => scratch.ship_to(line.as_ref(), address, agreed)?,
                Change::Quantity { line, quantity, price } => {
                    scratch.quantity(line, *quantity, price.as_ref(), id, &modification.reason)?
                }
                Change::RemoveLine { line } => {
                    let target = scratch.order.known_line(line)?;
                    let n = scratch.order.cancellable(target);
                    if n == 0 {
                        return Err(OrderError::NothingToDo {
                            order: self.id().clone(),
                            action: "remove",
                            statuses: crate::cancellation::CANCELLABLE.to_vec(),
                        });
                    }
                    scratch.cancel(line, n, id, &modification.reason)?;
                }
                Change::AddLine { line, sku, quantity, price, fulfillment } => {
                    scratch.add_line(line, sku, *quantity, price, fulfillment)?
                }
                Change::Fulfillment { line, to } => scratch.switch(line, to, agreed)?,
            }
        }
        // A switch to pickup may leave nothing to ship: the shipping charge goes back.
        let (shipping, shipping_tax) =
            scratch.order.shipping_due_if(|l| l.active_quantity()).map_err(|e| self.money(e))?;
        if !shipping.is_zero() || !shipping_tax.is_zero() {
            let total = shipping.checked_add(shipping_tax).map_err(|e| self.money(e))?;
            scratch.emit(OrderEvent::ShippingRefunded {
                refund: Refund { lines: Vec::new(), shipping, shipping_tax, total },
            })?;
        }
        let mut awaiting = scratch.awaiting;
        awaiting.sort();
        awaiting.dedup();
        Ok(Compiled { events: scratch.events, awaiting })
    }
}

/// A modification being worked out: the scratch order and what it produced so far.
struct Work {
    order: Order,
    events: Vec<OrderEvent>,
    awaiting: Vec<FulfillmentOrderId>,
}

impl Work {
    fn emit(&mut self, event: OrderEvent) -> Result<(), OrderError> {
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

    fn ship_to(
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

    fn quantity(
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

    fn cancel(&mut self, line: &LineId, quantity: u32, id: &ModificationId, reason: &str) -> Result<(), OrderError> {
        let mut plan = crate::cancellation::CancelPlan::default();
        self.order.plan_cancel(self.order.known_line(line)?, quantity, &mut plan)?;
        let cause = CancelCause::Modification { modification: id.clone() };
        for event in self.order.cancel_events(plan, cause, reason)? {
            self.emit(event)?;
        }
        Ok(())
    }

    fn add_line(
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

    fn switch(
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
