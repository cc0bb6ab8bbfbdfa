//! Turning recorded changes into outbox messages with stable ids.

use chrono::{DateTime, Utc};
use oms_core::{LineQuantity, Order, OrderEnvelope, OrderEvent, OrderId};
use oms_inventory::AvailabilityChanged;
use oms_returns::{PaymentDirection, PaymentInstruction, PaymentReason, ReturnEnvelope};

use crate::stable_id::IdText;
use crate::{IntegrationEvent, OutboxMessage};

/// Messages for an order's envelopes: `order:{order}:{version}:{n}`.
pub(crate) fn order_messages(order: &Order, envelopes: &[OrderEnvelope], now: DateTime<Utc>) -> Vec<OutboxMessage> {
    let id = order.id();
    let mut out = Vec::new();
    for envelope in envelopes {
        let version = envelope.version.get();
        let first = out.len();
        integration_events(order, id, &envelope.event, version, &mut |event| {
            out.push(OutboxMessage { id: String::new(), at: now, event });
        });
        // Most events publish nothing: the id prefix is built only for those that do.
        if let Some(messages) = out.get_mut(first..).filter(|m| !m.is_empty()) {
            let prefix = IdText::with_capacity(id.as_str().len() + 32)
                .text("order:")
                .text(id.as_str())
                .text(":")
                .number(version)
                .text(":");
            for (n, message) in messages.iter_mut().enumerate() {
                message.id = prefix.numbered(n);
            }
        }
    }
    out
}

/// Hands the integration events of one order event to `emit`, in order (a callback, not a
/// `Vec`: most events publish one message or none).
fn integration_events(
    order: &Order,
    id: &OrderId,
    event: &OrderEvent,
    version: u64,
    emit: &mut impl FnMut(IntegrationEvent),
) {
    let order_id = || id.clone();
    match event {
        OrderEvent::Captured(c) => emit(IntegrationEvent::OrderCaptured {
            order: order_id(),
            channel: c.channel.clone(),
            customer: c.customer_id.clone(),
            total: c.totals.total,
        }),
        OrderEvent::LineBackordered { line, quantity, .. } => emit(IntegrationEvent::Backordered {
            order: order_id(),
            lines: vec![LineQuantity::new(line.clone(), *quantity)],
        }),
        OrderEvent::FulfillmentOrderReleased { fulfillment_order, node, lines } => {
            emit(IntegrationEvent::FulfillmentReleased {
                order: order_id(),
                fulfillment_order: fulfillment_order.clone(),
                node: node.clone(),
                lines: lines.clone(),
            });
        }
        OrderEvent::Shipped { fulfillment_order, node, shipment } => emit(IntegrationEvent::Shipped {
            order: order_id(),
            fulfillment_order: fulfillment_order.clone(),
            node: node.clone(),
            shipment: shipment.id.clone(),
            carrier: shipment.carrier.clone(),
            tracking: shipment.tracking.clone(),
            lines: shipment.lines.clone(),
        }),
        OrderEvent::ShipmentDelivered { shipment, .. } => {
            emit(IntegrationEvent::Delivered { order: order_id(), shipment: shipment.clone() });
        }
        OrderEvent::ReadyForPickup { store, lines, .. } => {
            emit(IntegrationEvent::ReadyForPickup { order: order_id(), store: store.clone(), lines: lines.clone() });
        }
        OrderEvent::Collected { store, lines, .. } => {
            emit(IntegrationEvent::Collected { order: order_id(), store: store.clone(), lines: lines.clone() });
        }
        OrderEvent::Cancelled(c) => {
            emit(IntegrationEvent::Cancelled {
                order: order_id(),
                lines: c.units.iter().map(|u| LineQuantity::new(u.line.clone(), u.quantity)).collect(),
                reason: c.reason.clone(),
            });
            if !c.refund.total.is_zero() {
                emit(IntegrationEvent::RefundRequested {
                    order: order_id(),
                    amount: c.refund.total,
                    reason: format!("cancellation: {}", c.reason),
                    reference: format!("{id}:cancel:{version}"),
                });
            }
        }
        OrderEvent::ShippingRefunded { refund } if !refund.total.is_zero() => emit(IntegrationEvent::RefundRequested {
            order: order_id(),
            amount: refund.total,
            reason: "shipping: nothing of the order will ship".into(),
            reference: format!("{id}:shipping:{version}"),
        }),
        OrderEvent::ModificationApplied { charge, refund, reason, .. } => {
            if !charge.is_zero() {
                emit(IntegrationEvent::ChargeRequested {
                    order: order_id(),
                    amount: *charge,
                    reason: format!("modification: {reason}"),
                    reference: format!("{id}:modify:{version}"),
                });
            }
            // Lowered quantities refund through their own cancellation events.
            let _ = refund;
        }
        _ => {
            let _ = order;
        }
    }
}

/// Messages for availability changes a stock command produced: `stock:{key}:{n}`.
pub(crate) fn feed_messages(key: &str, feed: &[AvailabilityChanged], now: DateTime<Utc>) -> Vec<OutboxMessage> {
    if feed.is_empty() {
        return Vec::new();
    }
    let prefix = IdText::with_capacity(key.len() + 8).text("stock:").text(key).text(":");
    feed.iter()
        .enumerate()
        .map(|(n, change)| OutboxMessage {
            id: prefix.numbered(n),
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
