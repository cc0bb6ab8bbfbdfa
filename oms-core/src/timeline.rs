//! The customer-service timeline: every event of an order as one line of plain words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    CancelCause, Destination, FulfillmentIntent, FulfillmentMethod, LineId, LineQuantity, LineStatus,
    ModificationOutcome, Order, OrderEnvelope, OrderError, OrderEvent, ReturnStep, Version,
};

/// One entry of the timeline: who did what, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The event's version.
    pub version: Version,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// Who ("agent A-7", "node WH-1", "the system").
    pub who: String,
    /// What happened, in plain words.
    pub what: String,
    /// Why, when a reason was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The timeline of an order's stored events, oldest first.
///
/// # Errors
/// [`OrderError::InvalidHistory`] when the events do not rebuild an order.
///
/// ```
/// use oms_core::testkit::fixtures;
/// use oms_core::{timeline, Order, OrderCommand, Envelope, Metadata, Actor, Version};
///
/// let first = fixtures::captured(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)]));
/// let order = Order::replay([&first.event])?;
/// let cancel = OrderCommand::Cancel { line: "1".parse()?, quantity: 1, reason: "duplicate".into() };
/// let event = order.decide(&cancel)?.remove(0);
/// let second = Envelope { version: Version::new(2), recorded_at: first.recorded_at,
///     metadata: Metadata::by(Actor::Agent("A-7".parse()?)), event };
/// let entries = timeline(&[first, second])?;
/// assert_eq!(entries[1].who, "agent A-7");
/// assert_eq!(entries[1].what, "Cancelled 1 × TEE (line 1); refund 10.00 USD");
/// assert_eq!(entries[1].why.as_deref(), Some("duplicate"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn timeline(envelopes: &[OrderEnvelope]) -> Result<Vec<TimelineEntry>, OrderError> {
    let mut entries = Vec::with_capacity(envelopes.len());
    let mut order: Option<Order> = None;
    for envelope in envelopes {
        let (what, why) = match &order {
            None => match &envelope.event {
                OrderEvent::Captured(captured) => {
                    let placed = Order::from_captured(captured);
                    let lines: Vec<String> =
                        placed.lines().iter().map(|l| units(&placed, l.id(), l.quantity())).collect();
                    let mut what = format!(
                        "Order placed on {:?} channel {} as {}: {}; total {}",
                        placed.channel().kind,
                        placed.channel().id,
                        placed.channel().external_order_id,
                        lines.join(", "),
                        placed.totals().total
                    );
                    for hold in placed.holds() {
                        what.push_str(&format!("; {} hold", hold.kind));
                    }
                    order = Some(placed);
                    (what, None)
                }
                other => {
                    return Err(OrderError::InvalidHistory {
                        order: None,
                        version: envelope.version,
                        problem: format!("history starts with {} instead of captured", other.kind()),
                    });
                }
            },
            Some(current) => {
                let described = describe(current, &envelope.event);
                if let Some(current) = order.as_mut() {
                    current.apply(&envelope.event)?;
                }
                described
            }
        };
        entries.push(TimelineEntry {
            version: envelope.version,
            at: envelope.recorded_at,
            who: envelope.metadata.actor.to_string(),
            what,
            why,
        });
    }
    Ok(entries)
}

/// `2 × TEE-M (line 1)`.
fn units(order: &Order, line: &LineId, quantity: u32) -> String {
    match order.line(line) {
        Some(l) => format!("{quantity} × {} (line {line})", l.sku()),
        None => format!("{quantity} of line {line}"),
    }
}

fn list(order: &Order, lines: &[LineQuantity]) -> String {
    lines.iter().map(|l| units(order, &l.line, l.quantity)).collect::<Vec<_>>().join(", ")
}

fn node_of(order: &Order, fo: &crate::FulfillmentOrderId) -> String {
    order.fulfillment_order(fo).map_or_else(|| "the node".to_owned(), |f| f.node().to_string())
}

/// The sentence for one event, read against the order just before it.
fn describe(order: &Order, event: &OrderEvent) -> (String, Option<String>) {
    use OrderEvent as E;
    let plain = |what: String| (what, None);
    let because = |what: String, why: &str| (what, (!why.is_empty()).then(|| why.to_owned()));
    match event {
        E::Captured(_) => plain("Order captured again".into()),
        E::LineReserved { line, from, quantity } => match from {
            LineStatus::Backordered => {
                plain(format!("Stock arrived: reserved {} that were backordered", units(order, line, *quantity)))
            }
            _ => plain(format!("Reserved {}", units(order, line, *quantity))),
        },
        E::LineBackordered { line, from, quantity, expected_at, .. } => {
            let lost = if *from == LineStatus::Reserved { "Reservation lost: backordered" } else { "Backordered" };
            let expected =
                expected_at.map(|at| format!(", stock expected {}", at.format("%Y-%m-%d"))).unwrap_or_default();
            plain(format!("{lost} {}{expected}", units(order, line, *quantity)))
        }
        E::HoldPlaced { hold } => {
            let scope = if hold.lines.is_empty() {
                "the order".to_owned()
            } else {
                let lines: Vec<String> = hold.lines.iter().map(|l| format!("line {l}")).collect();
                lines.join(", ")
            };
            (format!("Placed a {} hold on {scope}", hold.kind), hold.note.clone())
        }
        E::HoldReleased { hold } => plain(format!("Released the {hold} hold")),
        E::HoldRejected { hold, reason } => because(format!("Rejected the {hold} hold"), reason),
        E::FulfillmentOrderCreated { fulfillment_order, node, method, destination } => {
            let to = match (method, destination) {
                (FulfillmentMethod::Ship, Destination::Address { address }) => {
                    format!("to ship to {}, {}", address.city, address.country)
                }
                (FulfillmentMethod::TransferToPickupStore, Destination::Store { node: store }) => {
                    format!("to send to {store} for pickup")
                }
                (_, Destination::Store { node: store }) => format!("for pickup at {store}"),
                (_, Destination::Address { address }) => format!("for {}", address.city),
            };
            plain(format!("Opened fulfillment order {fulfillment_order} at {node} {to}"))
        }
        E::LineAllocated { line, quantity, fulfillment_order, node, .. } => {
            plain(format!("Allocated {} to {node} ({fulfillment_order})", units(order, line, *quantity)))
        }
        E::LineDeallocated { line, quantity, fulfillment_order, node, reason } => because(
            format!("Took {} back from {node} ({fulfillment_order}) to route again", units(order, line, *quantity)),
            reason,
        ),
        E::FulfillmentOrderReleased { fulfillment_order, node, lines } => {
            plain(format!("Sent {fulfillment_order} to {node}: {}", list(order, lines)))
        }
        E::FulfillmentOrderAccepted { fulfillment_order, node } => {
            plain(format!("{node} accepted {fulfillment_order}"))
        }
        E::FulfillmentOrderPicked { fulfillment_order, node } => plain(format!("{node} picked {fulfillment_order}")),
        E::FulfillmentRejected { fulfillment_order, node, lines, reason, short_pick, parked } => {
            let verb = if *short_pick { "could not find" } else { "rejected" };
            let next =
                if *parked { "parked for a decision".to_owned() } else { format!("to be routed again without {node}") };
            because(format!("{node} {verb} {} ({fulfillment_order}); {next}", list(order, lines)), reason)
        }
        E::ParkedRerouted { line, quantity } => {
            plain(format!("Sent parked {} back to routing", units(order, line, *quantity)))
        }
        E::CancelRequested { fulfillment_order, node, lines, reason } => {
            because(format!("Asked {node} to cancel {} ({fulfillment_order})", list(order, lines)), reason)
        }
        E::CancelDenied { fulfillment_order, node, lines, reason } => {
            because(format!("{node} declined to cancel {} ({fulfillment_order})", list(order, lines)), reason)
        }
        E::Cancelled(c) => {
            let what: Vec<String> = c.units.iter().map(|u| units(order, &u.line, u.quantity)).collect();
            let prefix = match c.cause {
                CancelCause::BackorderExpired => "Backorder expired: cancelled",
                CancelCause::PickupExpired => "Not collected: cancelled",
                CancelCause::HoldRejected { .. } => "Hold rejected: cancelled",
                _ => "Cancelled",
            };
            let shipping = if c.refund.shipping.is_zero() { "" } else { " including shipping" };
            because(format!("{prefix} {}; refund {}{shipping}", what.join(", "), c.refund.total), &c.reason)
        }
        E::Shipped { fulfillment_order, node, shipment } => {
            let to = match order.fulfillment_order(fulfillment_order).and_then(|f| f.pickup_store()) {
                Some(store) => format!(" to {store}"),
                None => String::new(),
            };
            plain(format!(
                "{node} shipped {}{to} with {}, tracking {} ({})",
                list(order, &shipment.lines),
                shipment.carrier,
                shipment.tracking,
                shipment.id
            ))
        }
        E::ShipmentDelivered { shipment, lines, .. } => {
            plain(format!("Shipment {shipment} delivered: {}", list(order, lines)))
        }
        E::ReadyForPickup { store, lines, .. } => plain(format!("{} ready for pickup at {store}", list(order, lines))),
        E::Collected { store, lines, .. } => plain(format!("Customer collected {} at {store}", list(order, lines))),
        E::ShippingRefunded { refund } => plain(format!("Shipping refunded: {}", refund.total)),
        E::ModificationRequested { modification, request, awaiting } => {
            let nodes: Vec<String> = awaiting.iter().map(|fo| format!("{} ({fo})", node_of(order, fo))).collect();
            because(format!("Modification {modification} requested; waiting for {}", nodes.join(", ")), &request.reason)
        }
        E::ModificationAnswered { modification, fulfillment_order, node, accepted, reason } => {
            let verb = if *accepted { "agreed to" } else { "declined" };
            (format!("{node} {verb} modification {modification} ({fulfillment_order})"), reason.clone())
        }
        E::ModificationApplied { modification, reason, charge, refund } => {
            let mut money = Vec::new();
            if !charge.is_zero() {
                money.push(format!("charge {charge}"));
            }
            if !refund.is_zero() {
                money.push(format!("refund {refund}"));
            }
            let money = if money.is_empty() { String::new() } else { format!("; {}", money.join(", ")) };
            because(format!("Modification {modification} applied{money}"), reason)
        }
        E::ModificationClosed { modification, outcome, reason } => {
            let how = match outcome {
                ModificationOutcome::Denied => "denied",
                ModificationOutcome::Withdrawn => "withdrawn",
                ModificationOutcome::Failed => "could not be applied",
            };
            because(format!("Modification {modification} {how}"), reason)
        }
        E::ShipToChanged { lines, address, .. } => {
            let lines: Vec<String> = lines.iter().map(|l| format!("line {l}")).collect();
            let which = if lines.is_empty() { "the order".to_owned() } else { lines.join(", ") };
            plain(format!("Ship-to address of {which} changed to {}, {}", address.city, address.country))
        }
        E::LineQuantityIncreased { line, pricing } => {
            plain(format!("Added {} for {}", units(order, line, pricing.quantity), pricing.total))
        }
        E::LineAdded(line) => {
            plain(format!("Added line {}: {} × {} for {}", line.id, line.quantity, line.sku, line.pricing.total))
        }
        E::FulfillmentChanged { line, fulfillment } => plain(match fulfillment {
            FulfillmentIntent::Ship { address } => {
                format!("Line {line} now ships to {}, {}", address.city, address.country)
            }
            FulfillmentIntent::Pickup { node } => format!("Line {line} now collected at {node}"),
        }),
        E::FulfillmentRedirected { fulfillment_order, node, address } => {
            plain(format!("{node} agreed to ship {fulfillment_order} to {}, {}", address.city, address.country))
        }
        E::UnitsWithdrawn { fulfillment_order, node, lines } => {
            plain(format!("{node} gave back {} ({fulfillment_order})", list(order, lines)))
        }
        E::ReturnRecorded { line, step, quantity } => {
            let what = match step {
                ReturnStep::Requested => "Return requested for",
                ReturnStep::Received => "Return received:",
                ReturnStep::Withdrawn => "Return withdrawn for",
            };
            plain(format!("{what} {}", units(order, line, *quantity)))
        }
    }
}
