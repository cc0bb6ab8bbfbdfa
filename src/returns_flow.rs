//! The return flows: every return command runs against what the order says the customer
//! received and paid; its steps are mirrored onto the order, its dispositions restock the
//! inventory, its exchanges become new orders.

use std::sync::Arc;

use oms_core::{
    ChannelDraft, Clock, FulfillmentDraft, FulfillmentIntent, LineDraft, LineStatus, Metadata, MoneyInput, Order,
    OrderCommand, OrderDraft, OrderEnvelope, OrderEvent, OrderId, OrderStore, ReturnStep,
};
use oms_inventory::{Command, Condition, InventoryStore};
use oms_returns::{
    Delivery, Disposition, OrderReturns, ReplacementDemand, ReturnCommand, ReturnEvent, ReturnStore, ReturnableLine,
    ReturnableOrder,
};

use crate::flows::return_events;
use crate::integration::{feed_messages, return_messages};
use crate::oms::step;
use crate::{Event, IntegrationEvent, Oms, Outbox, OutboxMessage, Result};

/// What the customer received and paid for, from the order and its history: the input of
/// every return decision.
pub fn returnable_order(order: &Order, history: &[OrderEnvelope]) -> ReturnableOrder {
    let currency = order.currency();
    let mut captured = order.totals().total;
    for envelope in history {
        if let OrderEvent::ModificationApplied { charge, .. } = &envelope.event {
            captured = captured.checked_add(*charge).unwrap_or(captured);
        }
    }
    let lines = order
        .lines()
        .iter()
        .map(|line| {
            let mut deliveries = Vec::new();
            for envelope in history {
                let (units, pickup_node) = match &envelope.event {
                    OrderEvent::ShipmentDelivered { lines, .. } => (lines, None),
                    OrderEvent::Collected { lines, store, .. } => (lines, Some(store.clone())),
                    _ => continue,
                };
                for units in units.iter().filter(|u| &u.line == line.id()) {
                    deliveries.push(Delivery {
                        quantity: units.quantity,
                        at: envelope.recorded_at,
                        pickup_node: pickup_node.clone(),
                    });
                }
            }
            ReturnableLine {
                line_id: line.id().clone(),
                sku: line.sku().clone(),
                pricing: *line.pricing(),
                added: line.priced_batches().skip(1).copied().collect(),
                deliveries,
                returned_outside: 0,
                refunded_outside: line.refunded_units(),
            }
        })
        .collect();
    ReturnableOrder {
        order_id: order.id().clone(),
        channel: order.channel().id.clone(),
        currency,
        captured,
        refunded_amount_outside: order.refunded(),
        shipping_refunded_outside: order.shipping_refunded(),
        lines,
    }
}

impl<O, I, R, X, C> Oms<O, I, R, X, C>
where
    O: OrderStore,
    I: InventoryStore,
    R: ReturnStore,
    X: Outbox,
    C: Clock + 'static,
{
    /// Runs a return command (request, approve, reject, cancel, ship, receive, inspect, refund,
    /// close) against what the order says was delivered and paid. Return steps are mirrored on
    /// the order's lines, restocked units go back into the receiving node's stock, refunds and
    /// charges go to the outbox, and an exchange's replacement becomes a new, routed order.
    ///
    /// # Errors
    /// [`Error::Returns`](crate::Error::Returns) when the policy refuses it (nothing written);
    /// store failures.
    pub fn return_command(&self, order: &OrderId, command: &ReturnCommand, metadata: Metadata) -> Result<Vec<Event>> {
        let _guard = self.lock_order(order);
        let current = self.orders.load(order)?;
        let history = self.orders.history(order)?;
        let returnable = returnable_order(&current, &history).prepare().map_err(oms_returns::Error::from)?;
        let executed = self.returns.execute(&returnable, command, metadata.clone())?;
        let now = self.now();
        let mut events = return_events(order, &executed.events);
        self.publish(return_messages(order, &executed.events, now))?;
        self.after_returns(current, &executed.returns, &executed.events, &metadata, &mut events)?;
        Ok(events)
    }

    /// Mirrors return events on the order, restocks, and orders replacements.
    pub(crate) fn after_returns(
        &self,
        order: Arc<Order>,
        returns: &OrderReturns,
        envelopes: &[oms_returns::ReturnEnvelope],
        metadata: &Metadata,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        let mut mirror = Vec::new();
        for envelope in envelopes {
            match &envelope.event {
                ReturnEvent::Requested { lines, .. } => {
                    for line in lines {
                        mirror.push(record(&line.line, ReturnStep::Requested, line.units.len()));
                    }
                }
                ReturnEvent::Received { items, .. } => {
                    for item in items {
                        mirror.push(record(&item.line, ReturnStep::Received, item.quantity));
                    }
                }
                ReturnEvent::Rejected { rma, .. }
                | ReturnEvent::Cancelled { rma, .. }
                | ReturnEvent::Expired { rma, .. }
                | ReturnEvent::Closed { rma } => {
                    for line in returns.rma(rma).map(|r| r.lines()).unwrap_or_default() {
                        let left = line.quantity().saturating_sub(line.received());
                        if left > 0 {
                            mirror.push(record(line.line(), ReturnStep::Withdrawn, left));
                        }
                    }
                }
                _ => {}
            }
        }
        // Units returned to the order's buckets only exist for lines still showing them there.
        mirror.retain(|c| match c {
            OrderCommand::RecordReturn { line, step: ReturnStep::Withdrawn, .. } => {
                order.line(line).is_some_and(|l| l.buckets().get(LineStatus::ReturnRequested) > 0)
            }
            _ => true,
        });
        if !mirror.is_empty() {
            self.record(&order, &mirror, &step(metadata, "mirror")?, events)?;
        }
        let now = self.now();
        for envelope in envelopes {
            for (k, movement) in envelope.event.stock_movements().iter().enumerate() {
                let condition = match movement.disposition {
                    Disposition::Restock => Condition::Sellable,
                    Disposition::Damaged => Condition::Damaged,
                    Disposition::Refurbish => Condition::Quarantined,
                    _ => continue,
                };
                let key = crate::stock::key(format!("return:{}:{}:{k}", order.id(), envelope.version.get()))?;
                let command = Command::ReturnToStock {
                    sku: movement.sku.clone(),
                    node: movement.node.clone(),
                    quantity: movement.quantity,
                    condition,
                };
                let (_, feed) = self.stock.execute(&key, &command, now)?;
                self.publish(feed_messages(key.as_str(), &feed, now))?;
                events.extend(feed.into_iter().map(Event::AvailabilityChanged));
            }
            if let Some(replacement) = envelope.event.replacement() {
                self.order_replacement(&order, replacement, metadata, events)?;
            }
        }
        Ok(())
    }

    /// Captures and routes the replacement of an exchange as a new order, paid by the exchange.
    fn order_replacement(
        &self,
        original: &Order,
        replacement: &ReplacementDemand,
        metadata: &Metadata,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        let currency = original.currency().code();
        let lines = replacement
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let fulfillment = match line.replaces.as_ref().and_then(|l| original.line(l)).map(|l| l.fulfillment()) {
                    Some(FulfillmentIntent::Pickup { node }) => {
                        FulfillmentDraft::Pickup { node: Some(node.to_string()) }
                    }
                    Some(FulfillmentIntent::Ship { address }) => {
                        FulfillmentDraft::Ship { address: Some((**address).clone()) }
                    }
                    None => FulfillmentDraft::Ship { address: None },
                };
                // Paid through the exchange's settlement: the new order charges nothing again.
                LineDraft {
                    fulfillment,
                    ..LineDraft::new(
                        format!("{}", i + 1),
                        line.sku.to_string(),
                        line.quantity,
                        MoneyInput::new(rust_decimal::Decimal::ZERO, currency),
                    )
                }
            })
            .collect();
        let id = format!("{}-{}", original.id(), replacement.rma);
        let draft = OrderDraft {
            order_id: id.clone(),
            channel: ChannelDraft {
                kind: original.channel().kind,
                id: original.channel().id.to_string(),
                external_order_id: format!("{}/{}", original.channel().external_order_id, replacement.rma),
            },
            customer_id: original.customer_id().to_string(),
            currency: currency.into(),
            placed_at: self.now(),
            ship_to: original.ship_to().cloned(),
            lines,
            discounts: Vec::new(),
            shipping: Vec::new(),
            attributes: [("replacement_for".to_owned(), original.id().to_string())].into_iter().collect(),
            holds: Vec::new(),
        };
        events.extend(self.capture(&draft, step(metadata, "replacement")?)?);
        let new_order: OrderId = id.parse().map_err(|e: oms_core::IdError| crate::Error::Setup {
            field: "replacement order id".into(),
            problem: e.to_string(),
        })?;
        // No lock: nobody else knows the new order yet (and its stripe may be the original's).
        let current = self.orders.load(&new_order)?;
        self.route_locked(current, &step(metadata, "replacement-route")?, events)?;
        self.publish(vec![OutboxMessage {
            id: format!("replacement:{}:{}", original.id(), replacement.rma),
            at: self.now(),
            event: IntegrationEvent::ReplacementOrdered {
                order: original.id().clone(),
                rma: replacement.rma.clone(),
                replacement: new_order,
            },
        }])?;
        Ok(())
    }
}

fn record(line: &oms_core::LineId, step: ReturnStep, quantity: u32) -> OrderCommand {
    OrderCommand::RecordReturn { line: line.clone(), step, quantity }
}
