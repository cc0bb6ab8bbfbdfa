//! The main job: a synthetic omnichannel day on the embedded in-memory OMS.
//!
//! A seeded network of DCs, stores and drop-ship vendors, a catalogue with skewed popularity,
//! and a day of orders from web, marketplace, POS, call centre and B2B channels. Every order
//! goes through the whole lifecycle: capture, reservation, routing, release, node responses
//! (rejections reroute), partial shipments, delivery or pickup, cancellations, expiries, and
//! returns with inspection, restock and refunds. It ends with KPIs, including oversells
//! recounted from the inventory ledger (which must be 0).
//!
//! ```text
//! cargo run --release --example simulate
//! cargo run --release --example simulate -- --orders 1000000 --json
//! options: --orders N --nodes N --skus N --seed N --pickup-share F --reject-rate F
//!          --cancel-rate F --return-rate F --partial-rate F --channels web=0.55,marketplace=0.2,...
//!          --json --quiet
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)] // an example prints what it does

#[path = "simulate/network.rs"]
mod network;
#[path = "simulate/report.rs"]
mod report;
#[path = "simulate/rng.rs"]
mod rng;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::Duration;
use oms::core::{
    Actor, ChannelDraft, ChannelKind, Clock, FulfillmentDraft, FulfillmentMethod, LineDraft, LineStatus, ManualClock,
    Metadata, MoneyInput, OrderCommand, OrderDraft, OrderEvent, OrderId,
};
use oms::returns::{
    Disposition, Inspection, ReceivedUnits, ReturnCommand, ReturnLineRequest, ReturnMethod, ReturnReason,
};
use oms::{Event, IntegrationEvent, Oms};
use rust_decimal::Decimal;

use network::World;
use report::Kpis;
use rng::Rng;

/// What the simulated day looks like.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) orders: u64,
    pub(crate) nodes: usize,
    pub(crate) skus: usize,
    pub(crate) seed: u64,
    pub(crate) pickup_share: f64,
    pub(crate) reject_rate: f64,
    pub(crate) cancel_rate: f64,
    pub(crate) return_rate: f64,
    pub(crate) partial_rate: f64,
    pub(crate) channels: Vec<(ChannelKind, &'static str, f64)>,
    pub(crate) json: bool,
    pub(crate) quiet: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            orders: 100_000,
            nodes: 200,
            skus: 2_000,
            seed: 7,
            pickup_share: 0.12,
            reject_rate: 0.03,
            cancel_rate: 0.04,
            return_rate: 0.08,
            partial_rate: 0.10,
            channels: vec![
                (ChannelKind::Web, "web", 0.55),
                (ChannelKind::Marketplace, "marketplace", 0.20),
                (ChannelKind::Pos, "pos", 0.10),
                (ChannelKind::CallCenter, "call_center", 0.05),
                (ChannelKind::B2b, "b2b", 0.10),
            ],
            json: false,
            quiet: false,
        }
    }
}

const USAGE: &str = "\
usage: simulate [options]
  --orders N           orders in the day (100000)
  --nodes N            nodes: DCs, stores and drop-ship vendors (200, at least 12)
  --skus N             catalogue size (2000, at least 10)
  --seed N             random seed; the same seed gives the same day (7)
  --pickup-share F     share of orders picked up in store (0.12)
  --reject-rate F      share of released fulfillment orders a node rejects (0.03)
  --cancel-rate F      share of orders cancelled by the customer (0.04)
  --return-rate F      share of delivered orders with a return (0.08)
  --partial-rate F     share of shipments sent in two parcels (0.10)
  --channels MIX       channel shares, e.g. web=0.55,marketplace=0.2,pos=0.1,call_center=0.05,b2b=0.1
  --json               KPIs as one JSON object
  --quiet              no progress bar";

fn parse_args() -> Result<Config, String> {
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |v: String| v.parse::<f64>().map_err(|e| format!("{arg}: {e}"));
        match arg.as_str() {
            "--orders" => config.orders = value()?.replace('_', "").parse().map_err(|e| format!("--orders: {e}"))?,
            "--nodes" => config.nodes = value()?.parse().map_err(|e| format!("--nodes: {e}"))?,
            "--skus" => config.skus = value()?.parse().map_err(|e| format!("--skus: {e}"))?,
            "--seed" => config.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--pickup-share" => config.pickup_share = number(value()?)?,
            "--reject-rate" => config.reject_rate = number(value()?)?,
            "--cancel-rate" => config.cancel_rate = number(value()?)?,
            "--return-rate" => config.return_rate = number(value()?)?,
            "--partial-rate" => config.partial_rate = number(value()?)?,
            "--channels" => {
                let mix = value()?;
                for part in mix.split(',') {
                    let (name, share) = part.split_once('=').ok_or(format!("--channels: {part} is not name=share"))?;
                    let share = number(share.to_owned())?;
                    let entry =
                        config.channels.iter_mut().find(|c| c.1 == name).ok_or(format!("unknown channel {name}"))?;
                    entry.2 = share;
                }
            }
            "--json" => config.json = true,
            "--quiet" => config.quiet = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    let rates = [
        ("--pickup-share", config.pickup_share),
        ("--reject-rate", config.reject_rate),
        ("--cancel-rate", config.cancel_rate),
        ("--return-rate", config.return_rate),
        ("--partial-rate", config.partial_rate),
    ];
    let channel_shares = config.channels.iter().map(|c| ("--channels", c.2));
    if let Some((name, value)) = rates.into_iter().chain(channel_shares).find(|(_, v)| !(0.0..=1.0).contains(v)) {
        return Err(format!("{name}: {value} is not a share between 0 and 1"));
    }
    if config.nodes < 12 || config.skus < 10 || config.orders == 0 {
        return Err("need at least 12 nodes, 10 skus and 1 order".into());
    }
    Ok(config)
}

fn main() -> std::process::ExitCode {
    match parse_args().and_then(|config| run(&config).map_err(|e| e.to_string())) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("simulate: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

pub(crate) type Sim = Oms<
    oms::core::InMemoryOrderStore,
    oms::inventory::InMemoryInventoryStore,
    oms::returns::InMemoryReturnStore,
    oms::InMemoryOutbox,
    Arc<ManualClock>,
>;

fn run(config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    let (kpis, elapsed) = simulate(config)?;
    report::print(config, &kpis, elapsed, config.json);
    Ok(())
}

/// Runs the day; returns the KPIs and how long the orders took.
fn simulate(config: &Config) -> Result<(Kpis, std::time::Duration), Box<dyn std::error::Error>> {
    let mut rng = Rng::new(config.seed);
    let world = World::generate(config, &mut rng)?;
    let start: chrono::DateTime<chrono::Utc> = "2026-11-27T00:00:00Z".parse()?;
    let clock = Arc::new(ManualClock::new(start));
    let oms: Sim = Oms::in_memory(
        world.router()?,
        world.inventory_config(),
        oms::core::LifecyclePolicy::default(),
        oms::returns::ReturnPolicy::standard(),
        Arc::clone(&clock),
    )?;
    let mut kpis = Kpis::default();
    let started = Instant::now();
    world.receive_stock(&oms, &mut kpis)?;

    let tick = Duration::milliseconds((86_400_000 / config.orders.max(1)) as i64);
    let mut progress = report::Progress::new(config.orders, config.quiet);
    for n in 0..config.orders {
        clock.advance(tick);
        simulate_order(&oms, &world, config, &mut rng, n, clock.now(), &mut kpis)?;
        if n % 1024 == 0 {
            drain_outbox(&oms, &mut kpis);
        }
        progress.update(n + 1);
    }
    // The end of the day and the weeks after: what waited too long expires.
    clock.advance(Duration::days(35));
    let expired = oms.expire(clock.now(), system())?;
    kpis.commands += 1;
    count_cancellations(&expired, &mut kpis);
    drain_outbox(&oms, &mut kpis);
    progress.finish();
    let elapsed = started.elapsed();
    kpis.oversells = report::recount_oversells(&oms, &world)?;
    kpis.inconsistent_orders = report::inconsistent_orders(&oms, kpis.order_ids.iter())?;
    Ok((kpis, elapsed))
}

fn system() -> Metadata {
    Metadata::by(Actor::System)
}

fn node_actor(node: &oms::core::NodeId) -> Metadata {
    Metadata::by(Actor::Node(node.clone()))
}

fn simulate_order(
    oms: &Sim,
    world: &World,
    config: &Config,
    rng: &mut Rng,
    n: u64,
    now: chrono::DateTime<chrono::Utc>,
    kpis: &mut Kpis,
) -> Result<(), Box<dyn std::error::Error>> {
    let (kind, channel) = world.pick_channel(rng);
    let customer = world.customer(rng);
    let order_id: OrderId = format!("O-{n:07}").parse()?;
    let pickup_store =
        (kind != ChannelKind::B2b && rng.chance(config.pickup_share)).then(|| world.pickup_store(rng, &customer));
    let line_count = 1 + rng.below(3) + usize::from(kind == ChannelKind::B2b) * 2;
    let mut lines = Vec::with_capacity(line_count);
    let mut skus = Vec::new();
    for i in 0..line_count {
        let sku = world.popular_sku(rng);
        if skus.contains(&sku) {
            continue;
        }
        skus.push(sku);
        let quantity = if kind == ChannelKind::B2b { 2 + rng.below(10) as u32 } else { 1 + rng.below(2) as u32 };
        let price = world.price(sku);
        let mut line = LineDraft::new(format!("{}", i + 1), world.sku_id(sku), quantity, MoneyInput::new(price, "USD"));
        if let Some(store) = &pickup_store {
            line.fulfillment = FulfillmentDraft::Pickup { node: Some(store.to_string()) };
        }
        lines.push(line);
    }
    let units: u64 = lines.iter().map(|l| u64::from(l.quantity)).sum();
    let draft = OrderDraft {
        order_id: order_id.to_string(),
        channel: ChannelDraft { kind, id: channel.to_owned(), external_order_id: format!("{channel}-{n}") },
        customer_id: format!("C-{}", rng.below(200_000)),
        currency: "USD".into(),
        placed_at: now,
        ship_to: Some(customer.address.clone()),
        lines,
        discounts: Vec::new(),
        shipping: if pickup_store.is_some() {
            Vec::new()
        } else {
            vec![oms::core::ChargeDraft {
                code: "standard".into(),
                amount: MoneyInput::new(Decimal::new(499, 2), "USD"),
                tax: None,
            }]
        },
        attributes: Default::default(),
        holds: Vec::new(),
    };
    oms.capture(&draft, Metadata::by(Actor::Channel(channel.parse()?)))?;
    kpis.commands += 1;
    kpis.orders += 1;
    kpis.units_ordered += units;
    kpis.order_ids.push(order_id.clone());

    let routed = oms.route(&order_id, system())?;
    kpis.commands += 1;
    let mut first_plan = true;
    for event in &routed {
        if let Event::Routed { plan, .. } = event {
            if first_plan {
                kpis.routing_cost += plan.cost.parse::<Decimal>().unwrap_or_default();
                kpis.routed_orders += u64::from(!plan.shipments.is_empty());
                first_plan = false;
            } else {
                kpis.routing_cost += plan.cost.parse::<Decimal>().unwrap_or_default();
            }
        }
    }
    let order = oms.order(&order_id)?;
    if order.fulfillment_orders().is_empty() {
        kpis.unfilled_orders += 1;
        return Ok(());
    }
    if rng.chance(config.cancel_rate) {
        let events = oms.execute(
            &order_id,
            &OrderCommand::CancelOrder { reason: "customer changed their mind".into() },
            system(),
        )?;
        kpis.commands += 1;
        kpis.cancelled_orders += 1;
        count_cancellations(&events, kpis);
        return Ok(());
    }

    // Release, and let nodes answer; a rejection reroutes, so release again what is new.
    let mut delivered_lines: BTreeMap<oms::core::LineId, u32> = BTreeMap::new();
    for _round in 0..4 {
        match oms.execute(&order_id, &OrderCommand::Release { fulfillment_order: None }, system()) {
            Ok(_) => {}
            // A reroute found no stock (the units wait as backorders): nothing new to release.
            Err(oms::Error::Order(oms::core::Error::Order(oms::core::OrderError::NothingToDo { .. }))) => {}
            Err(e) => return Err(e.into()),
        }
        kpis.commands += 1;
        let order = oms.order(&order_id)?;
        let released: Vec<_> = order
            .fulfillment_orders()
            .iter()
            .filter(|f| f.status() == oms::core::transitions::FulfillmentStatus::Released)
            .map(|f| (f.id().clone(), f.node().clone(), f.method()))
            .collect();
        if released.is_empty() {
            break;
        }
        let mut rerouted = false;
        for (fo, node, method) in released {
            let actor = node_actor(&node);
            if rng.chance(config.reject_rate) {
                oms.execute(
                    &order_id,
                    &OrderCommand::Reject { fulfillment_order: fo, lines: vec![], reason: "could not find it".into() },
                    actor,
                )?;
                kpis.commands += 1;
                kpis.rejections += 1;
                rerouted = true;
                continue;
            }
            oms.execute(&order_id, &OrderCommand::Accept { fulfillment_order: fo.clone() }, actor.clone())?;
            oms.execute(&order_id, &OrderCommand::ConfirmPick { fulfillment_order: fo.clone() }, actor.clone())?;
            kpis.commands += 2;
            if method == FulfillmentMethod::Pickup {
                ready_and_collect(oms, &order_id, &fo, &node, now, rng, kpis, &mut delivered_lines)?;
                continue;
            }
            // A partial shipment now and then: one unit first, the rest later.
            let first_line = oms.order(&order_id)?.fulfillment_orders().iter().find(|f| f.id() == &fo).and_then(|f| {
                f.lines().iter().find(|l| l.buckets.get(LineStatus::Released) > 1).map(|l| l.line.clone())
            });
            let mut parcels = Vec::new();
            if let Some(line) = first_line.filter(|_| rng.chance(config.partial_rate)) {
                parcels.push(vec![oms::core::LineQuantity::new(line, 1)]);
                kpis.partial_shipments += 1;
            }
            parcels.push(Vec::new());
            for lines in parcels {
                let tracking = format!("T{}", rng.below(1_000_000_000));
                let events = oms.execute(
                    &order_id,
                    &OrderCommand::Ship { fulfillment_order: fo.clone(), carrier: "UPS".into(), tracking, lines },
                    actor.clone(),
                )?;
                kpis.commands += 1;
                for event in events {
                    if let Event::Order { event: OrderEvent::Shipped { shipment, .. }, .. } = event {
                        kpis.shipments_by_kind.entry(world.kind_of(&node)).and_modify(|n| *n += 1).or_insert(1);
                        if method == FulfillmentMethod::TransferToPickupStore {
                            continue;
                        }
                        oms.execute(
                            &order_id,
                            &OrderCommand::ConfirmDelivery { shipment: shipment.id.clone() },
                            system(),
                        )?;
                        kpis.commands += 1;
                        for line in &shipment.lines {
                            *delivered_lines.entry(line.line.clone()).or_default() += line.quantity;
                        }
                    }
                }
            }
            if method == FulfillmentMethod::TransferToPickupStore {
                let order = oms.order(&order_id)?;
                let store =
                    order.fulfillment_orders().iter().find(|f| f.id() == &fo).and_then(|f| f.pickup_store().cloned());
                if let Some(store) = store {
                    ready_and_collect(oms, &order_id, &fo, &store, now, rng, kpis, &mut delivered_lines)?;
                }
            }
        }
        if !rerouted {
            break;
        }
    }
    let order = oms.order(&order_id)?;
    kpis.units_fulfilled += order.units_in(LineStatus::Delivered) + order.units_in(LineStatus::Shipped);
    let nodes: std::collections::BTreeSet<_> = order
        .fulfillment_orders()
        .iter()
        .filter(|f| f.units_in(LineStatus::Delivered) + f.units_in(LineStatus::Shipped) > 0)
        .map(|f| f.node().clone())
        .collect();
    kpis.split_orders += u64::from(nodes.len() > 1);
    kpis.fulfilled_orders += u64::from(!nodes.is_empty());

    if let Some((line, _)) = delivered_lines.iter().next().filter(|_| rng.chance(config.return_rate)) {
        return_one(oms, world, &order_id, line, n, rng, kpis)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the simulation's state, passed along
fn ready_and_collect(
    oms: &Sim,
    order: &OrderId,
    fo: &oms::core::FulfillmentOrderId,
    store: &oms::core::NodeId,
    at: chrono::DateTime<chrono::Utc>,
    rng: &mut Rng,
    kpis: &mut Kpis,
    delivered: &mut BTreeMap<oms::core::LineId, u32>,
) -> Result<(), Box<dyn std::error::Error>> {
    let actor = node_actor(store);
    oms.execute(order, &OrderCommand::MarkReadyForPickup { fulfillment_order: fo.clone(), at }, actor.clone())?;
    kpis.commands += 1;
    if rng.chance(0.95) {
        for event in
            oms.execute(order, &OrderCommand::Collect { fulfillment_order: fo.clone(), lines: vec![] }, actor)?
        {
            if let Event::Order { event: OrderEvent::Collected { lines, .. }, .. } = event {
                kpis.pickups_collected += 1;
                for line in lines {
                    *delivered.entry(line.line).or_default() += line.quantity;
                }
            }
        }
        kpis.commands += 1;
    } else {
        kpis.pickups_uncollected += 1;
    }
    Ok(())
}

fn return_one(
    oms: &Sim,
    world: &World,
    order: &OrderId,
    line: &oms::core::LineId,
    n: u64,
    rng: &mut Rng,
    kpis: &mut Kpis,
) -> Result<(), Box<dyn std::error::Error>> {
    let rma: oms::returns::RmaId = format!("RMA-{n}").parse()?;
    let reasons =
        [ReturnReason::WrongSize, ReturnReason::ChangedMind, ReturnReason::Defective, ReturnReason::NotAsDescribed];
    let reason = reasons[rng.below(reasons.len())];
    let request = ReturnCommand::Request {
        rma: rma.clone(),
        method: ReturnMethod::Mail,
        lines: vec![ReturnLineRequest::new(line.clone(), 1, reason)],
        exchange: None,
    };
    if oms.return_command(order, &request, system()).is_err() {
        kpis.returns_refused += 1;
        kpis.commands += 1;
        return Ok(());
    }
    let node = world.returns_node();
    let receive = ReturnCommand::Receive {
        rma: rma.clone(),
        node: node.clone(),
        items: vec![ReceivedUnits { line: line.clone(), quantity: 1 }],
        unexpected: vec![],
    };
    oms.return_command(order, &receive, node_actor(&node))?;
    let disposition = if rng.chance(0.85) { Disposition::Restock } else { Disposition::Damaged };
    let inspect = ReturnCommand::Inspect {
        rma: rma.clone(),
        inspections: vec![Inspection { line: line.clone(), quantity: 1, disposition }],
    };
    oms.return_command(order, &inspect, node_actor(&node))?;
    oms.return_command(order, &ReturnCommand::Refund { rma }, system())?;
    kpis.commands += 4;
    kpis.returns += 1;
    kpis.restocked += u64::from(disposition == Disposition::Restock);
    Ok(())
}

fn count_cancellations(events: &[Event], kpis: &mut Kpis) {
    for event in events {
        if let Event::Order { event: OrderEvent::Cancelled(c), .. } = event {
            kpis.units_cancelled += c.units.iter().map(|u| u64::from(u.quantity)).sum::<u64>();
        }
    }
}

fn drain_outbox(oms: &Sim, kpis: &mut Kpis) {
    for message in oms.outbox().drain() {
        kpis.outbox_messages += 1;
        match message.event {
            IntegrationEvent::RefundRequested { amount, .. } => kpis.refunds += amount.amount(),
            IntegrationEvent::ChargeRequested { amount, .. } => kpis.charges += amount.amount(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small day: every flow runs, nothing is oversold, every order's stock matches, and the
    /// same seed gives the same day.
    #[test]
    fn a_small_day_runs_clean_and_is_deterministic() {
        let config = Config { orders: 1_500, nodes: 40, skus: 200, quiet: true, ..Config::default() };
        let (kpis, _) = simulate(&config).unwrap();
        assert_eq!(kpis.oversells, 0);
        assert_eq!(kpis.inconsistent_orders, 0);
        assert_eq!(kpis.orders, 1_500);
        assert!(kpis.units_fulfilled > kpis.units_ordered / 2, "{kpis:?}");
        assert!(kpis.returns > 0 && kpis.rejections > 0 && kpis.cancelled_orders > 0, "{kpis:?}");
        assert!(kpis.pickups_collected > 0 && kpis.partial_shipments > 0, "{kpis:?}");
        let (again, _) = simulate(&config).unwrap();
        assert_eq!(
            (again.units_fulfilled, again.routing_cost, again.refunds),
            (kpis.units_fulfilled, kpis.routing_cost, kpis.refunds)
        );
    }
}
