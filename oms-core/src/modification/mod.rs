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

use serde::{Deserialize, Serialize};

mod work;
use work::Work;

use crate::{
    Address, FulfillmentOrderId, LineId, ModificationId, Money, MoneyError, NodeId, Order, OrderError, OrderEvent,
    Refund, Sku,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
