//! Buy online, pick up in store: a lamp the Chicago store does not have is transferred from
//! Milwaukee over a lane, made ready and collected; a second pickup is never collected and
//! expires, its stock going back on sale.
//!
//! `cargo run --example bopis`
#![allow(clippy::print_stdout)] // an example prints what it does

#[path = "support/mod.rs"]
mod support;

use chrono::Duration;
use oms::core::{Actor, FulfillmentDraft, LineStatus, Metadata, OrderCommand};
use support::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let oms = demo()?;
    let chicago: oms::core::NodeId = "STORE-CHI".parse()?;
    let store = Metadata::by(Actor::Node(chicago.clone()));

    // 1. A lamp for pickup in Chicago: only Milwaukee has lamps, so it comes over the lane.
    let lamp = "P-1".parse()?;
    let mut draft = order_to_chicago("P-1", &[("1", "LAMP", 1)]);
    draft.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some(chicago.to_string()) };
    say("capture (pickup at STORE-CHI)", &oms.capture(&draft, system())?);
    say("route", &oms.route(&lamp, system())?);
    say("release", &oms.execute(&lamp, &OrderCommand::Release { fulfillment_order: None }, system())?);
    let fo = oms.order(&lamp)?.fulfillment_orders()[0].id().clone();
    let milwaukee = Metadata::by(Actor::Node("STORE-MKE".parse()?));
    say("accept", &oms.execute(&lamp, &OrderCommand::Accept { fulfillment_order: fo.clone() }, milwaukee.clone())?);
    let transfer = OrderCommand::Ship {
        fulfillment_order: fo.clone(),
        carrier: "store van".into(),
        tracking: "VAN-7".into(),
        lines: vec![],
    };
    say("ship the transfer", &oms.execute(&lamp, &transfer, milwaukee)?);
    let now = "2026-11-27T15:00:00Z".parse()?;
    let ready = OrderCommand::MarkReadyForPickup { fulfillment_order: fo.clone(), at: now };
    say("ready for pickup", &oms.execute(&lamp, &ready, store.clone())?);
    println!("customer sees: {}", oms.order(&lamp)?.customer_status());
    say(
        "collected",
        &oms.execute(&lamp, &OrderCommand::Collect { fulfillment_order: fo, lines: vec![] }, store.clone())?,
    );

    // 2. Mugs in stock in Chicago itself, never collected.
    let mugs = "P-2".parse()?;
    let mut draft = order_to_chicago("P-2", &[("1", "MUG", 2)]);
    draft.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some(chicago.to_string()) };
    oms.capture(&draft, system())?;
    say("route P-2", &oms.route(&mugs, system())?);
    oms.execute(&mugs, &OrderCommand::Release { fulfillment_order: None }, system())?;
    let fo = oms.order(&mugs)?.fulfillment_orders()[0].id().clone();
    oms.execute(&mugs, &OrderCommand::Accept { fulfillment_order: fo.clone() }, store.clone())?;
    say("P-2 ready", &oms.execute(&mugs, &OrderCommand::MarkReadyForPickup { fulfillment_order: fo, at: now }, store)?);
    let (mug, pos): (oms::core::Sku, oms::core::ChannelId) = ("MUG".parse()?, "pos".parse()?);
    let available = |oms: &Demo| oms.availability(&mug, &pos).map(|a| a.atp);
    println!("mugs the store may sell while they wait: {}", available(&oms)?);
    say("eight days later", &oms.expire(now + Duration::days(8), system())?);
    let p2 = oms.order(&mugs)?;
    println!(
        "P-2: {} cancelled, customer sees \"{}\"; mugs on sale again: {}",
        p2.units_in(LineStatus::Cancelled),
        p2.customer_status(),
        available(&oms)?
    );
    Ok(())
}
