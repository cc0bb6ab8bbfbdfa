//! Ship-from-store and split shipments: the router weighs a distant DC against nearby stores
//! and splits an order when two store parcels cost less than one DC parcel; when the stores
//! run out, the DC takes over. Every decision comes with its cost and explanation.
//!
//! `cargo run --example ship_from_store_split`
#![allow(clippy::print_stdout)] // an example prints what it does

#[path = "support/mod.rs"]
mod support;

use oms::core::OrderCommand;
use oms::routing::{Request, StockView};
use support::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let oms = demo()?;
    // Two tees and a cap to Chicago: Chicago has the tees, Milwaukee the caps, the DC both.
    oms.capture(&order_to_chicago("S-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system())?;
    say("route S-1 (stores are close; the DC is 1,140 km away)", &oms.route(&"S-1".parse()?, system())?);

    // The same again: Chicago has no tees left, so the tees come from the DC.
    oms.capture(&order_to_chicago("S-2", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system())?;
    say("route S-2 (Chicago sold out of tees)", &oms.route(&"S-2".parse()?, system())?);

    // Why: the router's explanation for a fresh request over today's stock.
    let request = Request::ship("S-3".parse()?, oms::core::GeoPoint::new(41.8789, -87.6359)?)
        .line("1".parse()?, "TEE-M".parse()?, 2)
        .line("2".parse()?, "CAP".parse()?, 1);
    let stock = Snapshot(&oms, "web".parse()?);
    let usage = oms::routing::Usage::new(oms.router().network());
    let plan = oms.router().route(&request, &stock, &usage)?;
    println!("▶ why (a request S-3 like S-2, not recorded):");
    for line in plan.explanation().to_words() {
        println!("    {line}");
    }
    oms.execute(&"S-1".parse()?, &OrderCommand::Release { fulfillment_order: None }, system())?;
    println!("S-1: {}", oms.order(&"S-1".parse()?)?.customer_status());
    Ok(())
}

/// Today's stock for the web channel, as routing sees it.
struct Snapshot<'a>(&'a Demo, oms::core::ChannelId);

impl StockView for Snapshot<'_> {
    fn for_each_holder(&self, sku: &oms::core::Sku, visit: &mut dyn FnMut(&oms::core::NodeId, u32)) {
        let web = &self.1;
        self.0.inventory(|inventory| {
            for (node, _) in inventory.positions_of(sku) {
                let units = inventory.available(sku, node, web);
                if units > 0 {
                    visit(node, units);
                }
            }
        });
    }
}
