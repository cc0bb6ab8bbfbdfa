//! Cancellation: what was cancelled, which stock that frees, and the exact refund due.
//!
//! A cancellation takes units that no node is working on (open, backordered, parked,
//! reserved, allocated, waiting at a pickup store) straight to `cancelled`; units already
//! released become a [cancel request](crate::OrderEvent::CancelRequested) that the node
//! confirms (then they are cancelled here) or denies. Shipped units cannot be cancelled.
//!
//! # Refunds
//! Each cancelled unit gives back its merchandise and tax, from what was paid for it
//! ([`OrderLine::amounts_for_units`](crate::OrderLine::amounts_for_units)). Units are
//! refunded from the last one backwards, so successive partial cancellations add up, to the
//! minor unit, to what the line cost. Shipping is refunded once and in full when nothing of
//! the order will ship any more: every unit is cancelled, or every unit of every line that
//! ships is.

use serde::{Deserialize, Serialize};

use crate::transitions::FulfillmentTrigger;
use crate::{
    FulfillmentIntent, FulfillmentOrderId, HoldKind, LineId, LineQuantity, LineStatus, ModificationId, Money,
    MoneyError, NodeId, Order, OrderError, OrderEvent, OrderLine, Sku,
};

/// Statuses a cancellation takes units from, in the order it takes them: first those no node
/// works on, released units last (they become cancel requests).
pub(crate) const CANCELLABLE: [LineStatus; 7] = [
    LineStatus::Open,
    LineStatus::Backordered,
    LineStatus::Rejected,
    LineStatus::Reserved,
    LineStatus::Allocated,
    LineStatus::ReadyForPickup,
    LineStatus::Released,
];

/// Units cancelled together, with the stock they free and the money due back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cancellation {
    /// What caused it.
    pub cause: CancelCause,
    /// Why, in words.
    pub reason: String,
    /// The units, per line, status and fulfillment order.
    pub units: Vec<CancelledUnits>,
    /// The money due back.
    pub refund: Refund,
}

impl Cancellation {
    /// The units whose stock the host should release: reserved units at network level,
    /// allocated and node-held units at their node. Open, backordered and parked units held
    /// no stock.
    pub fn stock_to_release(&self) -> impl Iterator<Item = &CancelledUnits> + '_ {
        self.units.iter().filter(|u| u.stock != StockLocation::Nothing)
    }
}

/// What caused a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CancelCause {
    /// The customer or an agent asked (the envelope's actor says who).
    Requested,
    /// A hold was rejected.
    HoldRejected {
        /// Which hold.
        hold: HoldKind,
    },
    /// The node confirmed a cancel request.
    NodeConfirmed,
    /// Backordered units waited longer than the policy allows.
    BackorderExpired,
    /// The customer did not collect in time.
    PickupExpired,
    /// A modification lowered a quantity or removed a line.
    Modification {
        /// Which modification.
        modification: ModificationId,
    },
}

/// Where the stock of cancelled units is held, so the host knows what to release.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "at", content = "node", rename_all = "snake_case")]
pub enum StockLocation {
    /// Nothing was held (open, backordered or parked units).
    Nothing,
    /// A network-level reservation (reserved units).
    Network,
    /// Stock at a node (allocated, released, or waiting at the pickup store).
    Node(NodeId),
}

/// Units of one line cancelled from one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelledUnits {
    /// The line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// The status they were in.
    pub from: LineStatus,
    /// How many.
    pub quantity: u32,
    /// The fulfillment order they were in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfillment_order: Option<FulfillmentOrderId>,
    /// Where their stock is held.
    pub stock: StockLocation,
}

/// Money due back to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// Merchandise and tax, per line.
    pub lines: Vec<LineRefund>,
    /// Shipping charges refunded (zero unless nothing of the order will ship).
    pub shipping: Money,
    /// Tax on those shipping charges.
    pub shipping_tax: Money,
    /// Everything above.
    pub total: Money,
}

/// Merchandise and tax refunded for units of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRefund {
    /// The line.
    pub line: LineId,
    /// Units refunded.
    pub units: u32,
    /// Merchandise after discounts.
    pub merchandise: Money,
    /// Tax on it.
    pub tax: Money,
    /// `merchandise + tax`.
    pub total: Money,
}

/// Units to cancel: those cancelled now, and released units to ask their nodes about.
#[derive(Debug, Default)]
pub(crate) struct CancelPlan {
    /// Line, status, units, fulfillment order.
    now: Vec<(LineId, LineStatus, u32, Option<FulfillmentOrderId>)>,
    /// Per fulfillment order, the released units to ask about.
    requests: Vec<(FulfillmentOrderId, Vec<LineQuantity>)>,
}

impl CancelPlan {
    pub(crate) fn is_empty(&self) -> bool {
        self.now.is_empty() && self.requests.is_empty()
    }
}

impl Order {
    /// Units of `line` a cancellation could take (everything not shipped or already asked about).
    pub(crate) fn cancellable(&self, line: &OrderLine) -> u32 {
        CANCELLABLE.iter().map(|&s| line.buckets().get(s)).sum()
    }

    /// Chooses `quantity` units of `line` to cancel, least progressed first.
    pub(crate) fn plan_cancel(&self, line: &OrderLine, quantity: u32, plan: &mut CancelPlan) -> Result<(), OrderError> {
        let parts = self.split(line, quantity, &CANCELLABLE)?;
        for (status, n) in parts {
            match status {
                LineStatus::Allocated | LineStatus::ReadyForPickup | LineStatus::Released => {
                    let mut left = n;
                    for fo in &self.fulfillment_orders {
                        let taken = left.min(fo.units(line.id(), status));
                        if taken == 0 {
                            continue;
                        }
                        left -= taken;
                        if status == LineStatus::Released {
                            let units = LineQuantity::new(line.id().clone(), taken);
                            match plan.requests.iter_mut().find(|(id, _)| id == fo.id()) {
                                Some((_, lines)) => lines.push(units),
                                None => plan.requests.push((fo.id().clone(), vec![units])),
                            }
                        } else {
                            plan.now.push((line.id().clone(), status, taken, Some(fo.id().clone())));
                        }
                    }
                }
                _ => plan.now.push((line.id().clone(), status, n, None)),
            }
        }
        Ok(())
    }

    /// The events that carry out a cancel plan: one cancellation for what is cancelled now,
    /// one cancel request per fulfillment order for released units.
    pub(crate) fn cancel_events(
        &self,
        plan: CancelPlan,
        cause: CancelCause,
        reason: &str,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let mut events = Vec::with_capacity(1 + plan.requests.len());
        if !plan.now.is_empty() {
            events.push(OrderEvent::Cancelled(Box::new(self.cancellation(plan.now, cause, reason)?)));
        }
        for (fo, lines) in plan.requests {
            let fulfillment = self.known_fulfillment_order(&fo)?;
            self.check_transition(fulfillment, FulfillmentTrigger::RequestCancel)?;
            events.push(OrderEvent::CancelRequested {
                node: fulfillment.node().clone(),
                fulfillment_order: fo,
                lines,
                reason: reason.to_owned(),
            });
        }
        Ok(events)
    }

    /// A cancellation of these units, with stock locations and the refund due.
    pub(crate) fn cancellation(
        &self,
        units: Vec<(LineId, LineStatus, u32, Option<FulfillmentOrderId>)>,
        cause: CancelCause,
        reason: &str,
    ) -> Result<Cancellation, OrderError> {
        let mut per_line: Vec<(LineId, u32)> = Vec::new();
        let mut cancelled = Vec::with_capacity(units.len());
        for (line, from, quantity, fo) in units {
            let sku = self.known_line(&line)?.sku().clone();
            let fulfillment = fo.as_ref().and_then(|id| self.fulfillment_order(id));
            let stock = match (from, fulfillment) {
                (LineStatus::Reserved, _) => StockLocation::Network,
                (LineStatus::ReadyForPickup, Some(f)) => {
                    StockLocation::Node(f.pickup_store().unwrap_or(f.node()).clone())
                }
                (LineStatus::Allocated | LineStatus::Released | LineStatus::CancelRequested, Some(f)) => {
                    StockLocation::Node(f.node().clone())
                }
                _ => StockLocation::Nothing,
            };
            match per_line.iter_mut().find(|(l, _)| *l == line) {
                Some((_, n)) => *n += quantity,
                None => per_line.push((line.clone(), quantity)),
            }
            cancelled.push(CancelledUnits { line, sku, from, quantity, fulfillment_order: fo, stock });
        }
        let refund = self.refund_for(&per_line).map_err(|source| OrderError::Money {
            order: self.id().clone(),
            line: None,
            source,
        })?;
        Ok(Cancellation { cause, reason: reason.to_owned(), units: cancelled, refund })
    }

    /// The refund for cancelling these units now: their merchandise and tax, plus shipping if
    /// afterwards nothing of the order will ship.
    pub(crate) fn refund_for(&self, per_line: &[(LineId, u32)]) -> Result<Refund, MoneyError> {
        let currency = self.currency();
        let mut total = Money::zero(currency);
        let mut lines = Vec::with_capacity(per_line.len());
        for (id, units) in per_line {
            let Some(line) = self.line(id) else { continue };
            let (merchandise, tax) = line.next_refund(*units)?;
            let line_total = merchandise.checked_add(tax)?;
            total = total.checked_add(line_total)?;
            lines.push(LineRefund { line: id.clone(), units: *units, merchandise, tax, total: line_total });
        }
        let cancelled = |line: &OrderLine| per_line.iter().find(|(l, _)| l == line.id()).map_or(0, |(_, n)| *n);
        let (shipping, shipping_tax) =
            self.shipping_due_if(|line| line.active_quantity().saturating_sub(cancelled(line)))?;
        total = total.checked_add(shipping)?.checked_add(shipping_tax)?;
        Ok(Refund { lines, shipping, shipping_tax, total })
    }

    /// Shipping and its tax to refund if lines had `active_after` units left (zero when
    /// something will still ship, or shipping was refunded already).
    pub(crate) fn shipping_due_if(
        &self,
        active_after: impl Fn(&OrderLine) -> u32,
    ) -> Result<(Money, Money), MoneyError> {
        let zero = Money::zero(self.currency());
        if self.shipping_refunded {
            return Ok((zero, zero));
        }
        let all_gone = self.lines().iter().all(|l| active_after(l) == 0);
        let shipping_gone = self.had_ship_lines
            && self
                .lines()
                .iter()
                .filter(|l| matches!(l.fulfillment(), FulfillmentIntent::Ship { .. }))
                .all(|l| active_after(l) == 0);
        if !all_gone && !shipping_gone {
            return Ok((zero, zero));
        }
        let mut shipping = zero;
        let mut tax = zero;
        for line in self.lines() {
            for batch in line.priced_batches() {
                shipping = shipping.checked_add(batch.shipping)?;
                tax = tax.checked_add(batch.shipping_tax)?;
            }
        }
        Ok((shipping, tax))
    }

    pub(crate) fn decide_cancel_line(
        &self,
        line: &LineId,
        quantity: u32,
        reason: &str,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let mut plan = CancelPlan::default();
        self.plan_cancel(self.known_line(line)?, quantity, &mut plan)?;
        self.cancel_events(plan, CancelCause::Requested, reason)
    }

    pub(crate) fn decide_cancel_order(&self, reason: &str) -> Result<Vec<OrderEvent>, OrderError> {
        let plan = self.plan_cancel_all(|_| true)?;
        if plan.is_empty() {
            return Err(OrderError::NothingToDo {
                order: self.id().clone(),
                action: "cancel",
                statuses: CANCELLABLE.to_vec(),
            });
        }
        self.cancel_events(plan, CancelCause::Requested, reason)
    }

    /// Plans cancelling every unit not shipped of the lines `which` selects.
    pub(crate) fn plan_cancel_all(&self, which: impl Fn(&OrderLine) -> bool) -> Result<CancelPlan, OrderError> {
        let mut plan = CancelPlan::default();
        for line in self.lines().iter().filter(|l| which(l)) {
            let n = self.cancellable(line);
            if n > 0 {
                self.plan_cancel(line, n, &mut plan)?;
            }
        }
        Ok(plan)
    }

    pub(crate) fn decide_confirm_cancel(
        &self,
        fo: &FulfillmentOrderId,
        lines: &[LineQuantity],
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let fulfillment = self.known_fulfillment_order(fo)?;
        self.check_transition(fulfillment, FulfillmentTrigger::Cancel)?;
        let units = self.units_at_node(fulfillment, lines, LineStatus::CancelRequested)?;
        let units = self.something(units, "confirm", LineStatus::CancelRequested)?;
        let units =
            units.into_iter().map(|u| (u.line, LineStatus::CancelRequested, u.quantity, Some(fo.clone()))).collect();
        let reason = format!("node {} confirmed the cancel request", fulfillment.node());
        Ok(vec![OrderEvent::Cancelled(Box::new(self.cancellation(units, CancelCause::NodeConfirmed, &reason)?))])
    }

    pub(crate) fn decide_deny_cancel(
        &self,
        fo: &FulfillmentOrderId,
        lines: &[LineQuantity],
        reason: &str,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let fulfillment = self.known_fulfillment_order(fo)?;
        self.check_transition(fulfillment, FulfillmentTrigger::DenyCancel)?;
        let units = self.units_at_node(fulfillment, lines, LineStatus::CancelRequested)?;
        let units = self.something(units, "deny", LineStatus::CancelRequested)?;
        Ok(vec![OrderEvent::CancelDenied {
            fulfillment_order: fo.clone(),
            node: fulfillment.node().clone(),
            lines: units,
            reason: reason.to_owned(),
        }])
    }
}
