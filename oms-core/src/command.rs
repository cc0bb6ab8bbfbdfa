//! Commands on captured orders, and the rules that turn them into events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::transitions::{FulfillmentTrigger, fulfillment_transition};
use crate::{
    AllocationPlan, FulfillmentOrder, FulfillmentOrderId, HoldKind, HoldResolution, LifecyclePolicy, LineId,
    LineQuantity, LineStatus, Modification, Order, OrderError, OrderEvent, OrderLine, ReturnStep, ShipmentId,
};

/// A request to change an order. Serialized with a `"type"` tag in snake_case.
///
/// [`Order::decide`] either refuses it with an [`OrderError`] or returns the events that
/// carry it out; nothing changes until those events are applied. Who asked travels in the
/// [`Metadata`](crate::Metadata) next to the command, not in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderCommand {
    /// Hold `quantity` units of a line against network stock, taking open units first, then backordered.
    Reserve {
        /// The line.
        line: LineId,
        /// Units to reserve.
        quantity: u32,
    },
    /// Put units on backorder until stock arrives: open units first, then reserved ones whose
    /// reservation was lost.
    Backorder {
        /// The line.
        line: LineId,
        /// Units to backorder.
        quantity: u32,
        /// Now: backorders expire counted from here.
        at: DateTime<Utc>,
        /// When stock is expected, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected_at: Option<DateTime<Utc>>,
    },
    /// Place a hold on the whole order (`lines` empty) or some lines.
    PlaceHold {
        /// What kind.
        hold: HoldKind,
        /// The lines held; empty for the whole order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineId>,
        /// Why, in words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Release or reject a hold; a rejection cancels what it held.
    ResolveHold {
        /// Which hold.
        hold: HoldKind,
        /// How it ends.
        resolution: HoldResolution,
    },
    /// Record a routing plan: units go to nodes inside fulfillment orders, taking reserved
    /// units first, then open, then backordered.
    Allocate {
        /// The plan.
        plan: AllocationPlan,
    },
    /// Send a fulfillment order (or, when absent, every one not yet sent) to its node.
    Release {
        /// The fulfillment order, or none for all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fulfillment_order: Option<FulfillmentOrderId>,
    },
    /// The node accepts a fulfillment order.
    Accept {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
    },
    /// The node picked a fulfillment order.
    ConfirmPick {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
    },
    /// The node rejects some units (or, with `lines` empty, all it holds).
    Reject {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The units; empty for everything released.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
        /// Why, in words.
        reason: String,
    },
    /// The node could not find some units while picking.
    ShortPick {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The missing units.
        lines: Vec<LineQuantity>,
        /// Why, in words.
        reason: String,
    },
    /// A shipment left the node (to the customer, or to the pickup store for a transfer).
    Ship {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The carrier.
        carrier: String,
        /// The tracking number.
        tracking: String,
        /// What is in it; empty for everything released.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
    },
    /// The carrier delivered a shipment.
    ConfirmDelivery {
        /// The shipment.
        shipment: ShipmentId,
    },
    /// Everything of a pickup (or arrived transfer) fulfillment order waits at the store.
    MarkReadyForPickup {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// Now: uncollected pickups expire counted from here.
        at: DateTime<Utc>,
    },
    /// The customer collected units (or, with `lines` empty, everything waiting).
    Collect {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The units; empty for everything ready.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
    },
    /// A person decides about parked units (a pickup store rejected them).
    ResolveParked {
        /// The line.
        line: LineId,
        /// Units.
        quantity: u32,
        /// Route again, or cancel.
        decision: ParkedDecision,
    },
    /// Cancel units of a line that have not shipped: open first, then backordered, parked,
    /// reserved, allocated, waiting at a pickup store; then released units, as cancel requests.
    Cancel {
        /// The line.
        line: LineId,
        /// Units to cancel.
        quantity: u32,
        /// Why, in words.
        reason: String,
    },
    /// Cancel everything that has not shipped.
    CancelOrder {
        /// Why, in words.
        reason: String,
    },
    /// The node confirms a cancel request (all of it when `lines` is empty).
    ConfirmCancel {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The units; empty for every unit with a cancel request.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
    },
    /// The node denies a cancel request (all of it when `lines` is empty).
    DenyCancel {
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The units; empty for every unit with a cancel request.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
        /// Why, in words ("already shipped").
        reason: String,
    },
    /// Change the order: addresses, quantities, lines, ship or pickup.
    Modify {
        /// The changes.
        modification: Modification,
    },
    /// A node answers the open modification.
    AnswerModification {
        /// The fulfillment order answering.
        fulfillment_order: FulfillmentOrderId,
        /// Whether the node agrees.
        accepted: bool,
        /// Why, in words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Give up the open modification.
    WithdrawModification {
        /// Why, in words.
        reason: String,
    },
    /// Cancel backorders and uncollected pickups that ran out of time (see [`LifecyclePolicy`]).
    Expire {
        /// Now.
        now: DateTime<Utc>,
    },
    /// Mirror a step of a return onto the line's buckets.
    RecordReturn {
        /// The line.
        line: LineId,
        /// Which step.
        step: ReturnStep,
        /// Units.
        quantity: u32,
    },
}

/// What to do with units a pickup store rejected and policy parked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ParkedDecision {
    /// Send them back to routing (the store stays excluded).
    Reroute,
    /// Cancel them.
    Cancel {
        /// Why, in words.
        reason: String,
    },
}

/// Statuses a reservation takes units from, in the order it takes them.
pub(crate) const RESERVABLE: [LineStatus; 2] = [LineStatus::Open, LineStatus::Backordered];
/// Statuses a backorder takes units from, in the order it takes them.
pub(crate) const BACKORDERABLE: [LineStatus; 2] = [LineStatus::Open, LineStatus::Reserved];

impl Order {
    /// Decides what a command does to this order under the default [`LifecyclePolicy`].
    ///
    /// Pure: reads the order, changes nothing. Apply the returned events to move on.
    ///
    /// # Errors
    /// [`OrderError`] naming the order, the line and the status that refused the command.
    pub fn decide(&self, command: &OrderCommand) -> Result<Vec<OrderEvent>, OrderError> {
        self.decide_with(command, &LifecyclePolicy::default())
    }

    /// Decides what a command does to this order under `policy`.
    ///
    /// # Errors
    /// [`OrderError`] naming the order, the line and the status that refused the command.
    pub fn decide_with(&self, command: &OrderCommand, policy: &LifecyclePolicy) -> Result<Vec<OrderEvent>, OrderError> {
        match command {
            OrderCommand::Reserve { line, quantity } => self.take(line, *quantity, &RESERVABLE, |from, quantity| {
                OrderEvent::LineReserved { line: line.clone(), from, quantity }
            }),
            OrderCommand::Backorder { line, quantity, at, expected_at } => {
                self.take(line, *quantity, &BACKORDERABLE, |from, quantity| OrderEvent::LineBackordered {
                    line: line.clone(),
                    from,
                    quantity,
                    at: *at,
                    expected_at: *expected_at,
                })
            }
            OrderCommand::PlaceHold { hold, lines, note } => self.decide_place_hold(hold, lines, note),
            OrderCommand::ResolveHold { hold, resolution } => self.decide_resolve_hold(hold, resolution),
            OrderCommand::Allocate { plan } => self.decide_allocate(plan),
            OrderCommand::Release { fulfillment_order } => self.decide_release(fulfillment_order.as_ref()),
            OrderCommand::Accept { fulfillment_order } => self.decide_accept(fulfillment_order),
            OrderCommand::ConfirmPick { fulfillment_order } => self.decide_pick(fulfillment_order),
            OrderCommand::Reject { fulfillment_order, lines, reason } => {
                self.decide_reject(fulfillment_order, lines, reason, false, policy)
            }
            OrderCommand::ShortPick { fulfillment_order, lines, reason } => {
                self.decide_reject(fulfillment_order, lines, reason, true, policy)
            }
            OrderCommand::Ship { fulfillment_order, carrier, tracking, lines } => {
                self.decide_ship(fulfillment_order, carrier, tracking, lines)
            }
            OrderCommand::ConfirmDelivery { shipment } => self.decide_delivery(shipment),
            OrderCommand::MarkReadyForPickup { fulfillment_order, at } => self.decide_ready(fulfillment_order, *at),
            OrderCommand::Collect { fulfillment_order, lines } => self.decide_collect(fulfillment_order, lines),
            OrderCommand::ResolveParked { line, quantity, decision } => {
                self.decide_resolve_parked(line, *quantity, decision)
            }
            OrderCommand::Cancel { line, quantity, reason } => self.decide_cancel_line(line, *quantity, reason),
            OrderCommand::CancelOrder { reason } => self.decide_cancel_order(reason),
            OrderCommand::ConfirmCancel { fulfillment_order, lines } => {
                self.decide_confirm_cancel(fulfillment_order, lines)
            }
            OrderCommand::DenyCancel { fulfillment_order, lines, reason } => {
                self.decide_deny_cancel(fulfillment_order, lines, reason)
            }
            OrderCommand::Modify { modification } => self.decide_modify(modification),
            OrderCommand::AnswerModification { fulfillment_order, accepted, reason } => {
                self.decide_answer_modification(fulfillment_order, *accepted, reason.as_ref())
            }
            OrderCommand::WithdrawModification { reason } => self.decide_withdraw_modification(reason),
            OrderCommand::Expire { now } => self.decide_expire(*now, policy),
            OrderCommand::RecordReturn { line, step, quantity } => {
                let from = match step {
                    ReturnStep::Requested => LineStatus::Delivered,
                    ReturnStep::Received | ReturnStep::Withdrawn => LineStatus::ReturnRequested,
                };
                self.take(line, *quantity, &[from], |_, quantity| OrderEvent::ReturnRecorded {
                    line: line.clone(),
                    step: *step,
                    quantity,
                })
            }
        }
    }

    /// Takes `quantity` units of a line from `sources` in order, one event per source used.
    pub(crate) fn take(
        &self,
        line_id: &LineId,
        quantity: u32,
        sources: &[LineStatus],
        event: impl Fn(LineStatus, u32) -> OrderEvent,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let line = self.known_line(line_id)?;
        Ok(self.split(line, quantity, sources)?.into_iter().map(|(from, n)| event(from, n)).collect())
    }

    /// How `quantity` units of `line` come out of `sources`, taken in order.
    pub(crate) fn split(
        &self,
        line: &OrderLine,
        quantity: u32,
        sources: &[LineStatus],
    ) -> Result<Vec<(LineStatus, u32)>, OrderError> {
        if quantity == 0 {
            return Err(OrderError::ZeroQuantity { order: self.id().clone(), line: line.id().clone() });
        }
        let available = line.buckets().sum_of(sources);
        if u64::from(quantity) > available {
            return Err(OrderError::NotEnoughUnits {
                order: self.id().clone(),
                line: line.id().clone(),
                statuses: sources.to_vec(),
                requested: quantity,
                available,
            });
        }
        let mut left = quantity;
        let mut parts = Vec::with_capacity(1);
        for &status in sources {
            let taken = left.min(line.buckets().get(status));
            if taken > 0 {
                parts.push((status, taken));
                left -= taken;
            }
        }
        Ok(parts)
    }

    pub(crate) fn known_line(&self, id: &LineId) -> Result<&OrderLine, OrderError> {
        self.line(id).ok_or_else(|| OrderError::UnknownLine { order: self.id().clone(), line: id.clone() })
    }

    pub(crate) fn known_fulfillment_order(&self, id: &FulfillmentOrderId) -> Result<&FulfillmentOrder, OrderError> {
        self.fulfillment_order(id).ok_or_else(|| OrderError::UnknownFulfillmentOrder {
            order: self.id().clone(),
            fulfillment_order: id.clone(),
        })
    }

    /// Refuses unless the fulfillment order's table allows `trigger` from its status.
    pub(crate) fn check_transition(
        &self,
        fo: &FulfillmentOrder,
        trigger: FulfillmentTrigger,
    ) -> Result<(), OrderError> {
        match fulfillment_transition(fo.method(), fo.status(), trigger) {
            Some(_) => Ok(()),
            None => Err(OrderError::FulfillmentTransition {
                order: self.id().clone(),
                fulfillment_order: fo.id().clone(),
                method: fo.method(),
                status: fo.status(),
                trigger,
            }),
        }
    }

    /// Checks named units of a fulfillment order against what it holds in `status`; empty
    /// `lines` means everything it holds there. Returns the units, merged per line, in order.
    pub(crate) fn units_at_node(
        &self,
        fo: &FulfillmentOrder,
        lines: &[LineQuantity],
        status: LineStatus,
    ) -> Result<Vec<LineQuantity>, OrderError> {
        if lines.is_empty() {
            return Ok(fo.line_quantities(status));
        }
        let mut merged: Vec<LineQuantity> = Vec::with_capacity(lines.len());
        for wanted in lines {
            self.known_line(&wanted.line)?;
            if wanted.quantity == 0 {
                return Err(OrderError::ZeroQuantity { order: self.id().clone(), line: wanted.line.clone() });
            }
            match merged.iter_mut().find(|m| m.line == wanted.line) {
                Some(m) => m.quantity = m.quantity.saturating_add(wanted.quantity),
                None => merged.push(wanted.clone()),
            }
        }
        for m in &merged {
            let available = fo.units(&m.line, status);
            if m.quantity > available {
                return Err(OrderError::NotEnoughUnitsAtNode {
                    order: self.id().clone(),
                    fulfillment_order: fo.id().clone(),
                    line: m.line.clone(),
                    status,
                    requested: m.quantity,
                    available,
                });
            }
        }
        Ok(merged)
    }

    /// Refuses when nothing was found to act on.
    pub(crate) fn something(
        &self,
        units: Vec<LineQuantity>,
        action: &'static str,
        status: LineStatus,
    ) -> Result<Vec<LineQuantity>, OrderError> {
        if units.is_empty() {
            Err(OrderError::NothingToDo { order: self.id().clone(), action, statuses: vec![status] })
        } else {
            Ok(units)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transitions::{LineTrigger, sources_of};

    #[test]
    fn preference_lists_take_exactly_what_the_table_allows() {
        let sorted = |mut v: Vec<LineStatus>| {
            v.sort();
            v
        };
        assert_eq!(sorted(RESERVABLE.to_vec()), sorted(sources_of(LineTrigger::Reserve).collect()));
        assert_eq!(sorted(BACKORDERABLE.to_vec()), sorted(sources_of(LineTrigger::Backorder).collect()));
        assert_eq!(
            sorted(crate::allocation::ALLOCATABLE.to_vec()),
            sorted(sources_of(LineTrigger::Allocate).collect())
        );
        // Cancellation takes the released units too, as cancel requests.
        let mut cancellable: Vec<LineStatus> = sources_of(LineTrigger::Cancel).collect();
        cancellable.extend(sources_of(LineTrigger::RequestCancel));
        assert_eq!(sorted(crate::cancellation::CANCELLABLE.to_vec()), sorted(cancellable));
    }
}
