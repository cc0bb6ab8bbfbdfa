//! Drop-ship: twenty caps are more than the DC and the Milwaukee store hold together; the cap
//! vendor ships them from its own stock. The order's fulfillment order goes to the vendor like
//! to any node, and its shipment confirmation updates the vendor's stock.
//!
//! `cargo run --example dropship`
#![allow(clippy::print_stdout)] // an example prints what it does

#[path = "support/mod.rs"]
mod support;

use oms::core::{Actor, Metadata, OrderCommand};
use support::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let oms = demo()?;
    let order = "D-1".parse()?;
    oms.capture(&order_to_chicago("D-1", &[("1", "CAP", 20)]), system())?;
    say("route", &oms.route(&order, system())?);
    say("release", &oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system())?);
    let fo = oms.order(&order)?.fulfillment_orders()[0].clone();
    let vendor = Metadata::by(Actor::Node(fo.node().clone()));
    say(
        "the vendor accepts",
        &oms.execute(&order, &OrderCommand::Accept { fulfillment_order: fo.id().clone() }, vendor.clone())?,
    );
    let ship = OrderCommand::Ship {
        fulfillment_order: fo.id().clone(),
        carrier: "FedEx".into(),
        tracking: "7712".into(),
        lines: vec![],
    };
    say("the vendor ships", &oms.execute(&order, &ship, vendor)?);
    let cap: oms::core::Sku = "CAP".parse()?;
    let left = oms.inventory(|i| i.position(&cap, fo.node()).map(|p| p.on_hand()));
    println!("{} now holds {} caps; the order: {}", fo.node(), left.unwrap_or(0), oms.order(&order)?.customer_status());
    Ok(())
}
