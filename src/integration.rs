//! Turning recorded changes into outbox messages with stable ids.

use chrono::{DateTime, Utc};
use oms_core::{LineQuantity, Order, OrderEnvelope, OrderEvent, OrderId};
use oms_inventory::AvailabilityChanged;
use oms_returns::{PaymentDirection, PaymentInstruction, PaymentReason, ReturnEnvelope};

use crate::{IntegrationEvent, OutboxMessage};

/// Messages for an order's envelopes: `order:{order}:{version}:{n}`.
pub(crate) fn order_messages(order: &Order, envelopes: &[OrderEnvelope], now: DateTime<Utc>) -> Vec<OutboxMessage> {
    let id = order.id();
    let mut out = Vec::new();
    for envelope in envelopes {
        let mut n = 0;
        let mut push = |event: IntegrationEvent| {
            out.push(OutboxMessage { id: format!("order:{id}:{}:{n}", envelope.version.get()), at: now, event });
            n += 1;
        };
        for event in integration_events(order, id, &envelope.event, envelope.version.get()) {
            push(event);
        }
    }
    out
}

fn integration_events(order: &Order, id: &OrderId, event: &OrderEvent, version: u64) -> Vec<IntegrationEvent> {
    let order_id = || id.clone();
    match event {
        OrderEvent::Captured(c) => vec![IntegrationEvent::OrderCaptured {
            order: order_id(),
            channel: c.channel.clone(),
            customer: c.customer_id.clone(),
            total: c.totals.total,
        }],
        OrderEvent::LineBackordered { line, quantity, .. } => vec![IntegrationEvent::Backordered {
            order: order_id(),
            lines: vec![LineQuantity::new(line.clone(), *quantity)],
        }],
        OrderEvent::FulfillmentOrderReleased { fulfillment_order, node, lines } => {
            vec![IntegrationEvent::FulfillmentReleased {
                order: order_id(),
                fulfillment_order: fulfillment_order.clone(),
                node: node.clone(),
                lines: lines.clone(),
            }]
        }
        OrderEvent::Shipped { fulfillment_order, node, shipment } => vec![IntegrationEvent::Shipped {
            order: order_id(),
            fulfillment_order: fulfillment_order.clone(),
            node: node.clone(),
            shipment: shipment.id.clone(),
            carrier: shipment.carrier.clone(),
            tracking: shipment.tracking.clone(),
            lines: shipment.lines.clone(),
        }],
        OrderEvent::ShipmentDelivered { shipment, .. } => {
            vec![IntegrationEvent::Delivered { order: order_id(), shipment: shipment.clone() }]
        }
        OrderEvent::ReadyForPickup { store, lines, .. } => {
            vec![IntegrationEvent::ReadyForPickup { order: order_id(), store: store.clone(), lines: lines.clone() }]
        }
        OrderEvent::Collected { store, lines, .. } => {
            vec![IntegrationEvent::Collected { order: order_id(), store: store.clone(), lines: lines.clone() }]
        }
        OrderEvent::Cancelled(c) => {
            let mut events = vec![IntegrationEvent::Cancelled {
                order: order_id(),
                lines: c.units.iter().map(|u| LineQuantity::new(u.line.clone(), u.quantity)).collect(),
                reason: c.reason.clone(),
            }];
            if !c.refund.total.is_zero() {
                events.push(IntegrationEvent::RefundRequested {
                    order: order_id(),
                    amount: c.refund.total,
                    reason: format!("cancellation: {}", c.reason),
                    reference: format!("{id}:cancel:{version}"),
                });
            }
            events
        }
        OrderEvent::ShippingRefunded { refund } if !refund.total.is_zero() => vec![IntegrationEvent::RefundRequested {
            order: order_id(),
            amount: refund.total,
            reason: "shipping: nothing of the order will ship".into(),
            reference: format!("{id}:shipping:{version}"),
        }],
        OrderEvent::ModificationApplied { charge, refund, reason, .. } => {
            let mut events = Vec::new();
            if !charge.is_zero() {
                events.push(IntegrationEvent::ChargeRequested {
                    order: order_id(),
                    amount: *charge,
                    reason: format!("modification: {reason}"),
                    reference: format!("{id}:modify:{version}"),
                });
            }
            // Lowered quantities refund through their own cancellation events.
            let _ = refund;
            events
        }
        _ => {
            let _ = order;
            Vec::new()
        }
    }
}

/// Messages for availability changes a stock command produced: `stock:{key}:{n}`.
pub(crate) fn feed_messages(key: &str, feed: &[AvailabilityChanged], now: DateTime<Utc>) -> Vec<OutboxMessage> {
    feed.iter()
        .enumerate()
        .map(|(n, change)| OutboxMessage {
            id: format!("stock:{key}:{n}"),
            at: now,
            event: IntegrationEvent::AvailabilityChanged {
                sku: change.sku.clone(),
                channel: change.channel.clone(),
                before: change.before,
                after: change.after,
            },
        })
        .collect()
}

/// Messages for return envelopes: `return:{order}:{version}:{n}`.
pub(crate) fn return_messages(order: &OrderId, envelopes: &[ReturnEnvelope], now: DateTime<Utc>) -> Vec<OutboxMessage> {
    let mut out = Vec::new();
    for envelope in envelopes {
        let version = envelope.version.get();
        let mut n = 0;
        let mut push = |event: IntegrationEvent| {
            out.push(OutboxMessage { id: format!("return:{order}:{version}:{n}"), at: now, event });
            n += 1;
        };
        push(IntegrationEvent::ReturnUpdated {
            order: order.clone(),
            rma: envelope.event.rma().clone(),
            step: step_name(&envelope.event.kind()),
        });
        if let Some(instruction) = envelope.event.payment(order) {
            push(payment_event(order, &instruction));
        }
    }
    out
}

fn payment_event(order: &OrderId, instruction: &PaymentInstruction) -> IntegrationEvent {
    // An RMA gives at most one instruction: its id is the provider's idempotency key.
    let reference = format!("{order}:return:{}", instruction.rma);
    let reason = match instruction.reason {
        PaymentReason::Return => format!("return {}", instruction.rma),
        _ => format!("return {}: advance exchange never returned", instruction.rma),
    };
    let amount = instruction.amount;
    match instruction.direction {
        PaymentDirection::Refund => {
            IntegrationEvent::RefundRequested { order: order.clone(), amount, reason, reference }
        }
        _ => IntegrationEvent::ChargeRequested { order: order.clone(), amount, reason, reference },
    }
}

/// A return event kind's JSON name (`approved`, `received`, ...).
fn step_name(kind: &impl serde::Serialize) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::from("updated"),
    }
}
