//! Returns and exchanges on a delivered order: an even exchange (a tee for the next size), an
//! uneven one (socks back, a cap instead, the difference charged), and an advance exchange
//! whose return never arrives (the customer is charged). Replacements become new orders,
//! routed like any other; restocked units go back on sale.
//!
//! `cargo run --example returns_exchange`
#![allow(clippy::print_stdout)] // an example prints what it does

#[path = "support/mod.rs"]
mod support;

use chrono::Duration;
use oms::core::{Currency, Money, OrderCommand, OrderEvent};
use oms::returns::{
    Disposition, ExchangeItem, ExchangeRequest, Inspection, ReceivedUnits, ReturnCommand, ReturnLineRequest,
    ReturnMethod, ReturnReason,
};
use oms::{Event, IntegrationEvent};
use rust_decimal_macros::dec;
use support::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let oms = demo()?;
    let order: oms::core::OrderId = "X-1".parse()?;
    oms.capture(&order_to_chicago("X-1", &[("1", "TEE-M", 2), ("2", "SOCKS", 1)]), system())?;
    deliver_everything(&oms, &order)?;
    println!("X-1 delivered: {}\n", oms.order(&order)?.customer_status());

    // Even: one tee back, the next size out, nothing to pay.
    let swap = ExchangeRequest {
        items: vec![ExchangeItem::Swap { line: "1".parse()?, sku: "TEE-L".parse()?, quantity: 1 }],
        advance: false,
    };
    say("even exchange requested", &exchange(&oms, &order, "RMA-1", "1", swap)?);
    say("tee received and restocked; settled", &receive_inspect_refund(&oms, &order, "RMA-1", "1")?);

    // Uneven: socks (10.00) back, a cap at 15.00 instead: 5.00 to pay.
    let usd = |amount| Money::new(amount, Currency::USD);
    let buy = ExchangeRequest {
        items: vec![ExchangeItem::Buy {
            sku: "CAP".parse()?,
            quantity: 1,
            unit_price: usd(dec!(15.00)),
            unit_tax: usd(dec!(0)),
        }],
        advance: false,
    };
    say("uneven exchange requested", &exchange(&oms, &order, "RMA-2", "2", buy)?);
    say("socks received; settled", &receive_inspect_refund(&oms, &order, "RMA-2", "2")?);

    // Advance: the replacement ships at once; the old tee never comes back.
    let advance = ExchangeRequest {
        items: vec![ExchangeItem::Swap { line: "1".parse()?, sku: "TEE-L".parse()?, quantity: 1 }],
        advance: true,
    };
    say("advance exchange requested (replacement ships now)", &exchange(&oms, &order, "RMA-3", "1", advance)?);
    let later: chrono::DateTime<chrono::Utc> =
        "2026-11-27T09:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()? + Duration::days(60);
    say("sixty days later, nothing arrived", &oms.expire(later, system())?);

    println!("\nmoney instructions in the outbox:");
    for message in oms.outbox().drain() {
        match message.event {
            IntegrationEvent::RefundRequested { amount, reason, .. } => println!("  refund {amount}: {reason}"),
            IntegrationEvent::ChargeRequested { amount, reason, .. } => println!("  charge {amount}: {reason}"),
            IntegrationEvent::ReplacementOrdered { replacement, rma, .. } => {
                println!("  replacement order {replacement} for {rma}")
            }
            _ => {}
        }
    }
    Ok(())
}

fn exchange(
    oms: &Demo,
    order: &oms::core::OrderId,
    rma: &str,
    line: &str,
    exchange: ExchangeRequest,
) -> Result<Vec<Event>, Box<dyn std::error::Error>> {
    let request = ReturnCommand::Request {
        rma: rma.parse()?,
        method: ReturnMethod::Mail,
        lines: vec![ReturnLineRequest::new(line.parse()?, 1, ReturnReason::WrongSize)],
        exchange: Some(exchange),
    };
    Ok(oms.return_command(order, &request, system())?)
}

fn receive_inspect_refund(
    oms: &Demo,
    order: &oms::core::OrderId,
    rma: &str,
    line: &str,
) -> Result<Vec<Event>, Box<dyn std::error::Error>> {
    let (rma, line): (oms::returns::RmaId, oms::core::LineId) = (rma.parse()?, line.parse()?);
    let receive = ReturnCommand::Receive {
        rma: rma.clone(),
        node: "DC-EAST".parse()?,
        items: vec![ReceivedUnits { line: line.clone(), quantity: 1 }],
        unexpected: vec![],
    };
    let mut events = oms.return_command(order, &receive, system())?;
    let inspect = ReturnCommand::Inspect {
        rma: rma.clone(),
        inspections: vec![Inspection { line, quantity: 1, disposition: Disposition::Restock }],
    };
    events.extend(oms.return_command(order, &inspect, system())?);
    events.extend(oms.return_command(order, &ReturnCommand::Refund { rma }, system())?);
    Ok(events)
}

fn deliver_everything(oms: &Demo, order: &oms::core::OrderId) -> Result<(), Box<dyn std::error::Error>> {
    oms.route(order, system())?;
    oms.execute(order, &OrderCommand::Release { fulfillment_order: None }, system())?;
    let fos: Vec<_> = oms.order(order)?.fulfillment_orders().iter().map(|f| f.id().clone()).collect();
    for fo in fos {
        oms.execute(order, &OrderCommand::Accept { fulfillment_order: fo.clone() }, system())?;
        let ship =
            OrderCommand::Ship { fulfillment_order: fo, carrier: "UPS".into(), tracking: "1Z".into(), lines: vec![] };
        for event in oms.execute(order, &ship, system())? {
            if let Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } = event {
                oms.execute(order, &OrderCommand::ConfirmDelivery { shipment: shipment.id }, system())?;
            }
        }
    }
    Ok(())
}
