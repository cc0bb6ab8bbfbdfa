//! Quickstart: capture → route → ship → deliver → return → refund, then the customer-service
//! timeline, on the in-memory default.
//!
//! `cargo run --example quickstart`
#![allow(clippy::print_stdout)] // an example prints what it does

#[path = "support/mod.rs"]
mod support;

use oms::Event;
use oms::core::{Actor, Metadata, OrderCommand, OrderEvent};
use oms::returns::{
    Disposition, Inspection, ReceivedUnits, ReturnCommand, ReturnLineRequest, ReturnMethod, ReturnReason,
};
use support::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let oms = demo()?;
    let order = "O-1001".parse()?;

    let customer = Metadata::by(Actor::Customer("C-42".parse()?));
    say("capture", &oms.capture(&order_to_chicago("O-1001", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), customer.clone())?);
    say("route", &oms.route(&order, system())?);
    say("release", &oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system())?);

    let fulfillment_orders: Vec<_> =
        oms.order(&order)?.fulfillment_orders().iter().map(|f| (f.id().clone(), f.node().clone())).collect();
    for (fo, node) in fulfillment_orders {
        let node = Metadata::by(Actor::Node(node));
        say("accept", &oms.execute(&order, &OrderCommand::Accept { fulfillment_order: fo.clone() }, node.clone())?);
        let shipped = oms.execute(
            &order,
            &OrderCommand::Ship {
                fulfillment_order: fo,
                carrier: "UPS".into(),
                tracking: "1Z999".into(),
                lines: vec![],
            },
            node,
        )?;
        say("ship", &shipped);
        for event in &shipped {
            if let Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } = event {
                let delivered =
                    oms.execute(&order, &OrderCommand::ConfirmDelivery { shipment: shipment.id.clone() }, system())?;
                say("deliver", &delivered);
            }
        }
    }
    println!("customer sees: {}", oms.order(&order)?.customer_status());

    let rma = "RMA-1".parse()?;
    let request = ReturnCommand::Request {
        rma: Clone::clone(&rma),
        method: ReturnMethod::Mail,
        lines: vec![ReturnLineRequest::new("1".parse()?, 1, ReturnReason::WrongSize)],
        exchange: None,
    };
    say("return requested (the standard policy approves it at once)", &oms.return_command(&order, &request, customer)?);
    let receive = ReturnCommand::Receive {
        rma: rma.clone(),
        node: "DC-EAST".parse()?,
        items: vec![ReceivedUnits { line: "1".parse()?, quantity: 1 }],
        unexpected: vec![],
    };
    say("return received", &oms.return_command(&order, &receive, system())?);
    let inspect = ReturnCommand::Inspect {
        rma: rma.clone(),
        inspections: vec![Inspection { line: "1".parse()?, quantity: 1, disposition: Disposition::Restock }],
    };
    say("inspected (restocked at DC-EAST)", &oms.return_command(&order, &inspect, system())?);
    let agent = Metadata::by(Actor::Agent("agent-7".parse()?));
    say("refunded", &oms.return_command(&order, &ReturnCommand::Refund { rma }, agent)?);

    println!("\ncustomer-service timeline of {order}:");
    for entry in oms.timeline(&order)? {
        let why = entry.why.map(|w| format!(" ({w})")).unwrap_or_default();
        println!("  {}  {:<24} {}{why}", entry.at.format("%Y-%m-%d %H:%M"), entry.who, entry.what);
    }
    println!("\noutbox: {} integration events for the host to publish", oms.outbox().len());
    for message in oms.outbox().drain().iter().filter(|m| {
        matches!(m.event, oms::IntegrationEvent::RefundRequested { .. } | oms::IntegrationEvent::Shipped { .. })
    }) {
        println!("  {} {}", message.id, serde_json::to_string(&message.event)?);
    }
    Ok(())
}
