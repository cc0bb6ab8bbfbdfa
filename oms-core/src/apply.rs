//! Folding events into an order: every unit move and status change checked against the
//! transition tables, all or nothing per event.

use crate::transitions::{FulfillmentTrigger as F, LineTrigger as T, line_transition};
use crate::{
    BackorderBatch, CancelCause, Cancellation, Destination, FulfillmentIntent, FulfillmentMethod, FulfillmentOrder,
    FulfillmentOrderId, LineId, LineQuantity, LineStatus, Money, OrderError, OrderEvent, OrderLine,
    PendingModification, ReturnStep,
};
use crate::{Order, transitions::FulfillmentTrigger};

/// Units of one line moved by an event, optionally inside a fulfillment order.
struct UnitMove<'a> {
    line: &'a LineId,
    from: LineStatus,
    trigger: T,
    quantity: u32,
    fulfillment_order: Option<&'a FulfillmentOrderId>,
}

fn moves<'a>(
    lines: &'a [LineQuantity],
    from: LineStatus,
    trigger: T,
    fulfillment_order: &'a FulfillmentOrderId,
) -> Vec<UnitMove<'a>> {
    lines
        .iter()
        .map(|l| UnitMove {
            line: &l.line,
            from,
            trigger,
            quantity: l.quantity,
            fulfillment_order: Some(fulfillment_order),
        })
        .collect()
}

fn single(line: &LineId, from: LineStatus, trigger: T, quantity: u32) -> [UnitMove<'_>; 1] {
    [UnitMove { line, from, trigger, quantity, fulfillment_order: None }]
}

impl Order {
    /// Folds one event into the order and advances its version.
    ///
    /// Events returned by [`Order::decide`] always apply. An event that does not fit (a unit
    /// moved out of a status that holds fewer, a move or status change the
    /// [transition tables](crate::transitions) do not have, an unknown line or fulfillment
    /// order) is refused and leaves the order unchanged.
    ///
    /// # Errors
    /// [`OrderError::InvalidHistory`] naming the event's version and the problem.
    pub fn apply(&mut self, event: &OrderEvent) -> Result<(), OrderError> {
        let version = self.version().next();
        self.fold(event).map_err(|problem| OrderError::InvalidHistory {
            order: Some(self.id().clone()),
            version,
            problem,
        })?;
        self.set_version(version);
        Ok(())
    }

    fn fold(&mut self, event: &OrderEvent) -> Result<(), String> {
        match event {
            OrderEvent::Captured(_) => Err("a second captured event".to_owned()),
            OrderEvent::LineReserved { line, from, quantity } => {
                self.commit(&single(line, *from, T::Reserve, *quantity), &[])
            }
            OrderEvent::LineBackordered { line, from, quantity, at, expected_at } => {
                self.commit(&single(line, *from, T::Backorder, *quantity), &[])?;
                if let Some(l) = self.line_mut(line) {
                    l.push_backorder(BackorderBatch { at: *at, quantity: *quantity, expected_at: *expected_at });
                }
                Ok(())
            }
            OrderEvent::HoldPlaced { hold } => {
                if self.holds.iter().any(|h| h.kind == hold.kind) {
                    return Err(format!("{} hold placed twice", hold.kind));
                }
                if let Some(unknown) = hold.lines.iter().find(|l| self.line(l).is_none()) {
                    return Err(format!("hold on unknown line {unknown}"));
                }
                self.holds.push(hold.clone());
                Ok(())
            }
            OrderEvent::HoldReleased { hold } | OrderEvent::HoldRejected { hold, .. } => {
                let before = self.holds.len();
                self.holds.retain(|h| &h.kind != hold);
                if self.holds.len() == before { Err(format!("{hold} hold resolved but not set")) } else { Ok(()) }
            }
            OrderEvent::FulfillmentOrderCreated { fulfillment_order, node, method, destination } => {
                if self.fulfillment_order(fulfillment_order).is_some() {
                    return Err(format!("fulfillment order {fulfillment_order} created twice"));
                }
                let fo = FulfillmentOrder::new(fulfillment_order.clone(), node.clone(), *method, destination.clone());
                self.fulfillment_orders.push(fo);
                Ok(())
            }
            OrderEvent::LineAllocated { line, from, quantity, fulfillment_order, node } => {
                if self.fulfillment_order(fulfillment_order).is_some_and(|f| f.node() != node) {
                    return Err(format!("line {line} allocated to {node} inside {fulfillment_order} of another node"));
                }
                let m = UnitMove {
                    line,
                    from: *from,
                    trigger: T::Allocate,
                    quantity: *quantity,
                    fulfillment_order: Some(fulfillment_order),
                };
                self.commit(&[m], &[(fulfillment_order, F::Allocate)])
            }
            OrderEvent::LineDeallocated { line, quantity, fulfillment_order, .. } => {
                let m = UnitMove {
                    line,
                    from: LineStatus::Allocated,
                    trigger: T::Deallocate,
                    quantity: *quantity,
                    fulfillment_order: Some(fulfillment_order),
                };
                self.commit(&[m], &[(fulfillment_order, F::Deallocate)])
            }
            OrderEvent::FulfillmentOrderReleased { fulfillment_order: fo, lines, .. } => {
                self.commit(&moves(lines, LineStatus::Allocated, T::Release, fo), &[(fo, F::Release)])
            }
            OrderEvent::FulfillmentOrderAccepted { fulfillment_order: fo, .. } => self.commit(&[], &[(fo, F::Accept)]),
            OrderEvent::FulfillmentOrderPicked { fulfillment_order: fo, .. } => self.commit(&[], &[(fo, F::Pick)]),
            OrderEvent::FulfillmentRejected { fulfillment_order: fo, node, lines, short_pick, parked, .. } => {
                let line_trigger = if *parked { T::Park } else { T::Reject };
                let fo_trigger = if *short_pick { F::ShortPick } else { F::Reject };
                self.commit(&moves(lines, LineStatus::Released, line_trigger, fo), &[(fo, fo_trigger)])?;
                for l in lines {
                    if let Some(line) = self.line_mut(&l.line) {
                        line.exclude(node);
                    }
                }
                Ok(())
            }
            OrderEvent::ParkedRerouted { line, quantity } => {
                self.commit(&single(line, LineStatus::Rejected, T::Reroute, *quantity), &[])
            }
            OrderEvent::CancelRequested { fulfillment_order: fo, lines, .. } => {
                self.commit(&moves(lines, LineStatus::Released, T::RequestCancel, fo), &[(fo, F::RequestCancel)])
            }
            OrderEvent::CancelDenied { fulfillment_order: fo, lines, .. } => {
                self.commit(&moves(lines, LineStatus::CancelRequested, T::DenyCancel, fo), &[(fo, F::DenyCancel)])
            }
            OrderEvent::Cancelled(cancellation) => self.fold_cancellation(cancellation),
            OrderEvent::Shipped { fulfillment_order: fo, shipment, .. } => {
                if self.fulfillment_orders.iter().any(|f| f.shipments().iter().any(|s| s.id == shipment.id)) {
                    return Err(format!("shipment {} recorded twice", shipment.id));
                }
                self.commit(&moves(&shipment.lines, LineStatus::Released, T::Ship, fo), &[(fo, F::Ship)])?;
                if let Some(f) = self.fulfillment_order_mut(fo) {
                    f.push_shipment(shipment.clone());
                }
                self.shipment_count = self.shipment_count.saturating_add(1);
                Ok(())
            }
            OrderEvent::ShipmentDelivered { fulfillment_order: fo, shipment, lines } => {
                let delivered = self
                    .fulfillment_order(fo)
                    .and_then(|f| f.shipments().iter().find(|s| &s.id == shipment))
                    .map(|s| s.delivered)
                    .ok_or_else(|| format!("fulfillment order {fo} has no shipment {shipment}"))?;
                if delivered {
                    return Err(format!("shipment {shipment} delivered twice"));
                }
                self.commit(&moves(lines, LineStatus::Shipped, T::Deliver, fo), &[(fo, F::Deliver)])?;
                if let Some(s) = self.fulfillment_order_mut(fo).and_then(|f| f.shipment_mut(shipment)) {
                    s.delivered = true;
                }
                Ok(())
            }
            OrderEvent::ReadyForPickup { fulfillment_order: fo, lines, at, .. } => {
                let method = self.fulfillment_order(fo).map(FulfillmentOrder::method);
                let from = if method == Some(FulfillmentMethod::TransferToPickupStore) {
                    LineStatus::Shipped
                } else {
                    LineStatus::Released
                };
                self.commit(&moves(lines, from, T::ReadyForPickup, fo), &[(fo, F::ReadyForPickup)])?;
                if let Some(f) = self.fulfillment_order_mut(fo) {
                    f.set_ready_at(*at);
                    let ids: Vec<_> = f.shipments().iter().map(|s| s.id.clone()).collect();
                    for id in ids {
                        if let Some(s) = f.shipment_mut(&id) {
                            s.delivered = true;
                        }
                    }
                }
                Ok(())
            }
            OrderEvent::Collected { fulfillment_order: fo, lines, .. } => {
                self.commit(&moves(lines, LineStatus::ReadyForPickup, T::Collect, fo), &[(fo, F::Collect)])
            }
            OrderEvent::ShippingRefunded { refund } => {
                if self.shipping_refunded {
                    return Err("shipping refunded twice".to_owned());
                }
                self.add_refund(refund.total)?;
                self.shipping_refunded = true;
                Ok(())
            }
            OrderEvent::ModificationRequested { modification, request, awaiting } => {
                if let Some(pending) = &self.pending_modification {
                    return Err(format!("modification {modification} requested while {} is open", pending.id()));
                }
                self.pending_modification =
                    Some(PendingModification::new(modification.clone(), (**request).clone(), awaiting.clone()));
                self.modification_count = self.modification_count.saturating_add(1);
                Ok(())
            }
            OrderEvent::ModificationAnswered { modification, fulfillment_order, accepted, .. } => {
                match &mut self.pending_modification {
                    Some(p) if p.id() == modification => p.answer(fulfillment_order, *accepted),
                    _ => Err(format!("answer to modification {modification}, which is not open")),
                }
            }
            OrderEvent::ModificationApplied { modification, .. } => {
                match &self.pending_modification {
                    Some(p) if p.id() == modification => self.pending_modification = None,
                    Some(p) => return Err(format!("modification {modification} applied while {} is open", p.id())),
                    None => self.modification_count = self.modification_count.saturating_add(1),
                }
                Ok(())
            }
            OrderEvent::ModificationClosed { modification, .. } => match &self.pending_modification {
                Some(p) if p.id() == modification => {
                    self.pending_modification = None;
                    Ok(())
                }
                _ => Err(format!("modification {modification} closed but not open")),
            },
            OrderEvent::ShipToChanged { line, lines, address } => {
                for id in lines {
                    let target = self.line_mut(id).ok_or_else(|| format!("unknown line {id}"))?;
                    if !matches!(target.fulfillment(), FulfillmentIntent::Ship { .. }) {
                        return Err(format!("line {id} is not shipped"));
                    }
                }
                for id in lines {
                    if let Some(target) = self.line_mut(id) {
                        target.set_fulfillment(FulfillmentIntent::Ship { address: address.clone() });
                    }
                }
                if line.is_none() {
                    self.set_ship_to(address.clone());
                }
                Ok(())
            }
            OrderEvent::LineQuantityIncreased { line, pricing } => {
                let charged = self.charged.checked_add(pricing.total).map_err(|e| e.to_string())?;
                let target = self.line_mut(line).ok_or_else(|| format!("unknown line {line}"))?;
                target.add_units(*pricing);
                self.charged = charged;
                Ok(())
            }
            OrderEvent::LineAdded(added) => {
                if self.line(&added.id).is_some() {
                    return Err(format!("line {} added twice", added.id));
                }
                self.charged = self.charged.checked_add(added.pricing.total).map_err(|e| e.to_string())?;
                let line = OrderLine::new(
                    added.id.clone(),
                    added.sku.clone(),
                    added.quantity,
                    added.fulfillment.clone(),
                    added.pricing,
                );
                self.push_line(line);
                Ok(())
            }
            OrderEvent::FulfillmentChanged { line, fulfillment } => {
                let target = self.line_mut(line).ok_or_else(|| format!("unknown line {line}"))?;
                target.set_fulfillment(fulfillment.clone());
                Ok(())
            }
            OrderEvent::FulfillmentRedirected { fulfillment_order: fo, address, .. } => {
                self.commit(&[], &[(fo, F::Redirect)])?;
                if let Some(f) = self.fulfillment_order_mut(fo) {
                    f.set_destination(Destination::Address { address: address.clone() });
                }
                Ok(())
            }
            OrderEvent::UnitsWithdrawn { fulfillment_order: fo, lines, .. } => {
                self.commit(&moves(lines, LineStatus::Released, T::Withdraw, fo), &[(fo, F::Withdraw)])
            }
            OrderEvent::ReturnRecorded { line, step, quantity } => {
                let (from, trigger) = match step {
                    ReturnStep::Requested => (LineStatus::Delivered, T::RequestReturn),
                    ReturnStep::Received => (LineStatus::ReturnRequested, T::ReceiveReturn),
                    ReturnStep::Withdrawn => (LineStatus::ReturnRequested, T::WithdrawReturn),
                };
                self.commit(&single(line, from, trigger, *quantity), &[])
            }
        }
    }

    fn fold_cancellation(&mut self, cancellation: &Cancellation) -> Result<(), String> {
        let mut unit_moves = Vec::with_capacity(cancellation.units.len());
        let mut fo_triggers: Vec<(&FulfillmentOrderId, FulfillmentTrigger)> = Vec::new();
        for units in &cancellation.units {
            let trigger = match (units.from, &cancellation.cause) {
                (LineStatus::CancelRequested, _) => T::ConfirmCancel,
                (LineStatus::Backordered, CancelCause::BackorderExpired)
                | (LineStatus::ReadyForPickup, CancelCause::PickupExpired) => T::Expire,
                _ => T::Cancel,
            };
            if let Some(fo) = &units.fulfillment_order {
                let fo_trigger = if trigger == T::Expire { F::Expire } else { F::Cancel };
                if !fo_triggers.iter().any(|(f, _)| *f == fo) {
                    fo_triggers.push((fo, fo_trigger));
                }
            }
            unit_moves.push(UnitMove {
                line: &units.line,
                from: units.from,
                trigger,
                quantity: units.quantity,
                fulfillment_order: units.fulfillment_order.as_ref(),
            });
        }
        let refund = &cancellation.refund;
        let ships = !refund.shipping.is_zero() || !refund.shipping_tax.is_zero();
        if ships && self.shipping_refunded {
            return Err("shipping refunded twice".to_owned());
        }
        for line_refund in &refund.lines {
            let line =
                self.line(&line_refund.line).ok_or_else(|| format!("refund for unknown line {}", line_refund.line))?;
            if line.refunded_units().saturating_add(line_refund.units) > line.quantity() {
                return Err(format!("line {} refunds more units than it has", line_refund.line));
            }
            if line.refunded_units().saturating_add(line_refund.units)
                > line.buckets().get(LineStatus::Cancelled) + cancelled_here(cancellation, &line_refund.line)
            {
                return Err(format!("line {} refunds more units than are cancelled", line_refund.line));
            }
        }
        let refunded = self.refunded.checked_add(refund.total).map_err(|e| e.to_string())?;
        self.check_refund(refunded)?;
        self.commit(&unit_moves, &fo_triggers)?;
        for line_refund in &refund.lines {
            if let Some(line) = self.line_mut(&line_refund.line) {
                // Checked above: the line has that many unrefunded units.
                let _ = line.record_refund(line_refund.units);
            }
        }
        self.refunded = refunded;
        self.shipping_refunded |= ships;
        Ok(())
    }

    fn add_refund(&mut self, amount: Money) -> Result<(), String> {
        let refunded = self.refunded.checked_add(amount).map_err(|e| e.to_string())?;
        self.check_refund(refunded)?;
        self.refunded = refunded;
        Ok(())
    }

    fn check_refund(&self, refunded: Money) -> Result<(), String> {
        match refunded.checked_cmp(&self.paid()) {
            Ok(std::cmp::Ordering::Greater) => Err(format!("refunds of {refunded} exceed the {} paid", self.paid())),
            Ok(_) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Checks every move and fulfillment-order transition, then performs them all.
    fn commit(&mut self, unit_moves: &[UnitMove<'_>], fo_triggers: &[(&FulfillmentOrderId, F)]) -> Result<(), String> {
        // Check the lines first, summing what each move takes from the same bucket.
        for (i, m) in unit_moves.iter().enumerate() {
            let line = self.line(m.line).ok_or_else(|| format!("unknown line {}", m.line))?;
            line_transition(m.from, m.trigger)
                .ok_or_else(|| format!("line {}: {} is not a move out of {}", m.line, m.trigger, m.from))?;
            let wanted: u64 = unit_moves[..=i]
                .iter()
                .filter(|o| o.line == m.line && o.from == m.from)
                .map(|o| u64::from(o.quantity))
                .sum();
            let available = line.buckets().get(m.from);
            if wanted > u64::from(available) {
                return Err(format!("line {} moves {wanted} out of {}, which holds {available}", m.line, m.from));
            }
            if m.fulfillment_order.is_some_and(|fo| !fo_triggers.iter().any(|(f, _)| *f == fo)) {
                return Err(format!("line {} moves inside an unexpected fulfillment order", m.line));
            }
        }
        // Fulfillment orders are small: work on copies and keep them only if every step fits.
        let mut updated = Vec::with_capacity(fo_triggers.len());
        for &(id, trigger) in fo_triggers {
            let mut fo =
                self.fulfillment_order(id).cloned().ok_or_else(|| format!("unknown fulfillment order {id}"))?;
            for m in unit_moves.iter().filter(|m| m.fulfillment_order == Some(id)) {
                let to = line_transition(m.from, m.trigger).unwrap_or(m.from);
                if m.trigger == T::Allocate {
                    fo.line_mut(m.line).buckets.add(LineStatus::Allocated, m.quantity);
                } else {
                    let target = if matches!(m.trigger, T::Reject | T::Park) { LineStatus::Rejected } else { to };
                    fo.move_units(m.line, m.from, target, m.quantity).map_err(|short| {
                        format!(
                            "fulfillment order {id} line {}: moves {} out of {}, which holds {}",
                            m.line, m.quantity, short.status, short.available
                        )
                    })?;
                }
            }
            fo.trigger(trigger)?;
            if let Some(close) = fo.closing(trigger) {
                fo.trigger(close)?;
            }
            updated.push(fo);
        }
        // Everything fits: from here on nothing can fail.
        for m in unit_moves {
            let to = line_transition(m.from, m.trigger).unwrap_or(m.from);
            if let Some(line) = self.line_mut(m.line) {
                if line.buckets_mut().move_units(m.from, to, m.quantity).is_ok() && m.from == LineStatus::Backordered {
                    line.take_backorders(m.quantity);
                }
            }
        }
        for fo in updated {
            let id = fo.id().clone();
            if let Some(slot) = self.fulfillment_order_mut(&id) {
                *slot = fo;
            }
        }
        Ok(())
    }
}

fn cancelled_here(cancellation: &Cancellation, line: &LineId) -> u32 {
    cancellation.units.iter().filter(|u| &u.line == line).map(|u| u.quantity).sum()
}
