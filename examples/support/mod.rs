//! What the examples share: the demo network and a way to say what happened in plain words.
#![allow(dead_code, clippy::print_stdout)]

use oms::core::testkit::fixtures;
use oms::core::{Actor, FixedClock, GeoPoint, Metadata, OrderDraft, OrderEvent};
use oms::returns::ReturnEvent;
use oms::{Event, InMemoryOms, Setup};

/// The demo network, channels, stock and rules (`examples/data/setup.json`).
pub const SETUP: &str = include_str!("../data/setup.json");

pub type Demo = InMemoryOms<FixedClock>;

pub fn demo() -> Result<Demo, oms::Error> {
    Setup::from_json(SETUP)?.build()
}

pub fn system() -> Metadata {
    Metadata::by(Actor::System)
}

/// A web order from customer C-42 shipping to Chicago, one line per `(id, sku, units)` at 10.00.
pub fn order_to_chicago(order: &str, lines: &[(&str, &str, u32)]) -> OrderDraft {
    let mut draft = fixtures::draft(order, &format!("#{order}"), "C-42", lines);
    let mut address = fixtures::address();
    address.name = Some("Ada Lovelace".into());
    address.lines = vec!["233 S Wacker Dr".into()];
    address.city = "Chicago".into();
    address.region = Some("IL".into());
    address.postal_code = Some("60606".into());
    address.geo = GeoPoint::new(41.8789, -87.6359).ok();
    draft.ship_to = Some(address);
    draft
}

/// Prints a command's events in plain words.
pub fn say(command: &str, events: &[Event]) {
    println!("▶ {command}");
    for event in events {
        if let Some(line) = describe(event) {
            println!("    {line}");
        }
    }
}

/// One event in plain words (or nothing for bookkeeping events).
pub fn describe(event: &Event) -> Option<String> {
    Some(match event {
        Event::Order { event, .. } => match event {
            OrderEvent::Captured(c) => format!(
                "captured order {} from {} ({} lines, total {})",
                c.order_id,
                c.channel.id,
                c.lines.len(),
                c.totals.total
            ),
            OrderEvent::LineReserved { line, quantity, .. } => format!("reserved {quantity} of line {line}"),
            OrderEvent::LineBackordered { line, quantity, .. } => format!("backordered {quantity} of line {line}"),
            OrderEvent::LineAllocated { line, quantity, node, fulfillment_order, .. } => {
                format!("allocated {quantity} of line {line} at {node} ({fulfillment_order})")
            }
            OrderEvent::FulfillmentOrderReleased { fulfillment_order, node, .. } => {
                format!("released {fulfillment_order} to {node}")
            }
            OrderEvent::FulfillmentOrderAccepted { fulfillment_order, node } => {
                format!("{node} accepted {fulfillment_order}")
            }
            OrderEvent::FulfillmentOrderPicked { fulfillment_order, node } => {
                format!("{node} picked {fulfillment_order}")
            }
            OrderEvent::FulfillmentRejected { node, reason, .. } => format!("{node} rejected: {reason}"),
            OrderEvent::Shipped { node, shipment, .. } => format!(
                "{node} shipped {} with {} ({}), {} units",
                shipment.id,
                shipment.carrier,
                shipment.tracking,
                shipment.lines.iter().map(|l| l.quantity).sum::<u32>()
            ),
            OrderEvent::ShipmentDelivered { shipment, .. } => format!("shipment {shipment} delivered"),
            OrderEvent::ReadyForPickup { store, .. } => format!("ready for pickup at {store}"),
            OrderEvent::Collected { store, .. } => format!("collected at {store}"),
            OrderEvent::Cancelled(c) => format!(
                "cancelled {} units ({}), refund {}",
                c.units.iter().map(|u| u.quantity).sum::<u32>(),
                c.reason,
                c.refund.total
            ),
            OrderEvent::ReturnRecorded { line, step, quantity } => format!("line {line}: {quantity} {step:?} (return)"),
            _ => return None,
        },
        Event::Routed { plan, .. } => {
            let shipments: Vec<String> = plan
                .shipments
                .iter()
                .map(|s| {
                    let units: Vec<String> = s.lines.iter().map(|l| format!("{} x{}", l.sku, l.quantity)).collect();
                    format!("{} ({:?}: {})", s.node, s.kind, units.join(", "))
                })
                .collect();
            format!("routed ({:?}, cost {}): {}", plan.status, plan.cost, shipments.join(" + "))
        }
        Event::Return { event, .. } => {
            let kind = serde_json::to_value(event.kind()).ok().and_then(|v| v.as_str().map(str::to_owned));
            let detail = match event {
                ReturnEvent::Refunded { settlement, .. } => format!(": {:?}", settlement.payment),
                ReturnEvent::Inspected { movements, .. } => {
                    let moves: Vec<String> = movements
                        .iter()
                        .map(|m| format!("{} x{} {:?} at {}", m.sku, m.quantity, m.disposition, m.node))
                        .collect();
                    format!(": {}", moves.join(", "))
                }
                _ => String::new(),
            };
            format!("return {} {}{detail}", event.rma(), kind.unwrap_or_default())
        }
        Event::AlreadyCaptured { order, .. } => format!("order {order} was captured before"),
        Event::AvailabilityChanged(change) => format!(
            "{} on {} now shows {} ({:?})",
            change.sku, change.channel, change.after.quantity, change.after.status
        ),
        Event::ModificationPreview { preview, .. } => {
            format!("preview: {} events, net {}", preview.events.len(), preview.money.net)
        }
        _ => return None,
    })
}
