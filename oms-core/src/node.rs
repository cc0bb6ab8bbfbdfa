//! What nodes report: accept, pick, reject, short pick, ship, deliver, ready for pickup, collect.

use chrono::{DateTime, Utc};

use crate::transitions::FulfillmentTrigger;
use crate::{
    CancelCause, FulfillmentMethod, FulfillmentOrderId, LifecyclePolicy, LineId, LineQuantity, LineStatus, Order,
    OrderError, OrderEvent, ParkedDecision, RejectedPickups, Shipment, ShipmentId,
};

impl Order {
    pub(crate) fn decide_accept(&self, fo: &FulfillmentOrderId) -> Result<Vec<OrderEvent>, OrderError> {
        let f = self.known_fulfillment_order(fo)?;
        self.check_transition(f, FulfillmentTrigger::Accept)?;
        Ok(vec![OrderEvent::FulfillmentOrderAccepted { fulfillment_order: fo.clone(), node: f.node().clone() }])
    }

    pub(crate) fn decide_pick(&self, fo: &FulfillmentOrderId) -> Result<Vec<OrderEvent>, OrderError> {
        let f = self.known_fulfillment_order(fo)?;
        self.check_transition(f, FulfillmentTrigger::Pick)?;
        Ok(vec![OrderEvent::FulfillmentOrderPicked { fulfillment_order: fo.clone(), node: f.node().clone() }])
    }

    /// A rejection or short pick: the units leave the node, which is excluded for their lines;
    /// pickup units are parked instead of rerouted when the policy says so.
    pub(crate) fn decide_reject(
        &self,
        fo: &FulfillmentOrderId,
        lines: &[LineQuantity],
        reason: &str,
        short_pick: bool,
        policy: &LifecyclePolicy,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let f = self.known_fulfillment_order(fo)?;
        let trigger = if short_pick { FulfillmentTrigger::ShortPick } else { FulfillmentTrigger::Reject };
        self.check_transition(f, trigger)?;
        let units = self.units_at_node(f, lines, LineStatus::Released)?;
        let units = self.something(units, trigger.as_str(), LineStatus::Released)?;
        let mut events = self.implicit_denial(fo, "the node rejected units");
        events.push(OrderEvent::FulfillmentRejected {
            fulfillment_order: fo.clone(),
            node: f.node().clone(),
            lines: units,
            reason: reason.to_owned(),
            short_pick,
            parked: f.method().is_pickup() && policy.rejected_pickups == RejectedPickups::Park,
        });
        Ok(events)
    }

    /// A shipment: released units first; units under a cancel request the node shipped anyway
    /// deny that request first.
    pub(crate) fn decide_ship(
        &self,
        fo: &FulfillmentOrderId,
        carrier: &str,
        tracking: &str,
        lines: &[LineQuantity],
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let f = self.known_fulfillment_order(fo)?;
        self.check_transition(f, FulfillmentTrigger::Ship)?;
        if carrier.trim().is_empty() || tracking.trim().is_empty() {
            return Err(OrderError::Invalid {
                order: self.id().clone(),
                line: None,
                problem: "a shipment needs a carrier and a tracking number".into(),
            });
        }
        let mut denied = Vec::new();
        let units = if lines.is_empty() {
            self.something(f.line_quantities(LineStatus::Released), "ship", LineStatus::Released)?
        } else {
            let mut merged: Vec<LineQuantity> = Vec::with_capacity(lines.len());
            for l in lines {
                match merged.iter_mut().find(|m| m.line == l.line) {
                    Some(m) => m.quantity = m.quantity.saturating_add(l.quantity),
                    None => merged.push(l.clone()),
                }
            }
            for m in &merged {
                self.known_line(&m.line)?;
                if m.quantity == 0 {
                    return Err(OrderError::ZeroQuantity { order: self.id().clone(), line: m.line.clone() });
                }
                let released = f.units(&m.line, LineStatus::Released);
                let requested = f.units(&m.line, LineStatus::CancelRequested);
                if m.quantity > released.saturating_add(requested) {
                    return Err(OrderError::NotEnoughUnitsAtNode {
                        order: self.id().clone(),
                        fulfillment_order: fo.clone(),
                        line: m.line.clone(),
                        status: LineStatus::Released,
                        requested: m.quantity,
                        available: released.saturating_add(requested),
                    });
                }
                if m.quantity > released {
                    denied.push(LineQuantity::new(m.line.clone(), m.quantity - released));
                }
            }
            merged
        };
        let mut events = self.implicit_denial(fo, "the node shipped");
        if !denied.is_empty() {
            events.push(OrderEvent::CancelDenied {
                fulfillment_order: fo.clone(),
                node: f.node().clone(),
                lines: denied,
                reason: "the node shipped before it could cancel".into(),
            });
        }
        let id = ShipmentId::new(format!("S-{}", self.shipment_count.saturating_add(1)))
            .map_err(|e| OrderError::Invalid { order: self.id().clone(), line: None, problem: e.to_string() })?;
        events.push(OrderEvent::Shipped {
            fulfillment_order: fo.clone(),
            node: f.node().clone(),
            shipment: Shipment {
                id,
                carrier: carrier.to_owned(),
                tracking: tracking.to_owned(),
                lines: units,
                delivered: false,
            },
        });
        Ok(events)
    }

    pub(crate) fn decide_delivery(&self, shipment: &ShipmentId) -> Result<Vec<OrderEvent>, OrderError> {
        let found = self
            .fulfillment_orders()
            .iter()
            .find_map(|f| f.shipments().iter().find(|s| &s.id == shipment && !s.delivered).map(|s| (f, s)));
        let (f, s) = found
            .ok_or_else(|| OrderError::UnknownShipment { order: self.id().clone(), shipment: shipment.clone() })?;
        self.check_transition(f, FulfillmentTrigger::Deliver)?;
        Ok(vec![OrderEvent::ShipmentDelivered {
            fulfillment_order: f.id().clone(),
            shipment: shipment.clone(),
            lines: s.lines.clone(),
        }])
    }

    pub(crate) fn decide_ready(
        &self,
        fo: &FulfillmentOrderId,
        at: DateTime<Utc>,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let f = self.known_fulfillment_order(fo)?;
        self.check_transition(f, FulfillmentTrigger::ReadyForPickup)?;
        let from = if f.method() == FulfillmentMethod::TransferToPickupStore {
            LineStatus::Shipped
        } else {
            LineStatus::Released
        };
        let lines = self.something(f.line_quantities(from), "make ready for pickup", from)?;
        Ok(vec![OrderEvent::ReadyForPickup {
            fulfillment_order: fo.clone(),
            store: f.pickup_store().unwrap_or(f.node()).clone(),
            lines,
            at,
        }])
    }

    pub(crate) fn decide_collect(
        &self,
        fo: &FulfillmentOrderId,
        lines: &[LineQuantity],
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let f = self.known_fulfillment_order(fo)?;
        self.check_transition(f, FulfillmentTrigger::Collect)?;
        let units = self.units_at_node(f, lines, LineStatus::ReadyForPickup)?;
        let units = self.something(units, "collect", LineStatus::ReadyForPickup)?;
        Ok(vec![OrderEvent::Collected {
            fulfillment_order: fo.clone(),
            store: f.pickup_store().unwrap_or(f.node()).clone(),
            lines: units,
        }])
    }

    pub(crate) fn decide_resolve_parked(
        &self,
        line: &LineId,
        quantity: u32,
        decision: &ParkedDecision,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let parts = self.split(self.known_line(line)?, quantity, &[LineStatus::Rejected])?;
        match decision {
            ParkedDecision::Reroute => Ok(vec![OrderEvent::ParkedRerouted { line: line.clone(), quantity }]),
            ParkedDecision::Cancel { reason } => {
                let units = parts.into_iter().map(|(from, n)| (line.clone(), from, n, None)).collect();
                let cancellation = self.cancellation(units, CancelCause::Requested, reason)?;
                Ok(vec![OrderEvent::Cancelled(Box::new(cancellation))])
            }
        }
    }
}
