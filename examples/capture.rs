//! Captures orders from three channels, shows the exact pricing, an idempotent resend,
//! a refused draft, and a customer's orders across channels.
//!
//! `cargo run --release --example capture`
#![allow(clippy::print_stdout)] // an example prints what it does

use oms::SystemClock;
use oms::core::testkit::fixtures;
use oms::core::*;
use rust_decimal_macros::dec;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let orders = OrderService::new(InMemoryOrderStore::new(), SystemClock);
    let usd = |amount| MoneyInput::new(amount, "USD");

    let mut web = fixtures::draft("O-1", "#1001", "C-42", &[("1", "TEE-M", 3), ("2", "CAP", 1)]);
    web.discounts.push(DiscountDraft { code: "WELCOME10".into(), amount: usd(dec!(10.00)) });
    web.shipping.push(ChargeDraft { code: "standard".into(), amount: usd(dec!(4.99)), tax: Some(usd(dec!(0.41))) });
    let CaptureOutcome::Captured { order, .. } = orders.capture(&web, Metadata::by(Actor::System))? else {
        return Err("expected a new order".into());
    };
    println!("captured {} from {:?} channel {}", order.id(), order.channel().kind, order.channel().id);
    for line in order.lines() {
        let p = line.pricing();
        println!(
            "  line {} {} x{}: gross {}, discounts {} + {}, shipping {} (+{} tax), paid {}",
            line.id(),
            line.sku(),
            line.quantity(),
            p.gross,
            p.line_discount,
            p.order_discount,
            p.shipping,
            p.shipping_tax,
            p.total
        );
    }
    println!("  order total {} (lines add up to it exactly)", order.totals().total);

    let resend = orders.capture(&web, Metadata::by(Actor::System))?;
    println!("resent #1001: {:?}", resend);

    let mut pos = fixtures::draft("O-2", "R-77", "C-42", &[("1", "MUG", 2)]);
    pos.channel = ChannelDraft { kind: ChannelKind::Pos, id: "store-12".into(), external_order_id: "R-77".into() };
    pos.lines[0].fulfillment = FulfillmentDraft::Pickup { node: Some("store-12".into()) };
    orders.capture(&pos, Metadata::by(Actor::Channel("store-12".parse()?)))?;

    let bad = fixtures::draft("O-3", "#1002", "C-42", &[("1", "TEE-M", 0)]);
    match orders.capture(&bad, Metadata::by(Actor::System)) {
        Err(e) => println!("refused: {e}"),
        Ok(outcome) => println!("unexpectedly captured {}", outcome.order_id()),
    }

    println!("customer C-42 has:");
    for summary in orders.store().customer_orders(&"C-42".parse()?)? {
        println!(
            "  {} via {} ({}) total {}",
            summary.order_id, summary.channel.id, summary.channel.external_order_id, summary.total
        );
    }
    Ok(())
}
