//! Counting, the progress bar, the recount from the ledger, and the KPI report.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use oms::core::OrderId;
use oms::inventory::{Inventory, InventoryStore};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::network::World;
use crate::{Config, Sim};

#[derive(Debug, Default)]
pub struct Kpis {
    pub orders: u64,
    pub commands: u64,
    pub units_received: u64,
    pub units_ordered: u64,
    pub units_fulfilled: u64,
    pub units_cancelled: u64,
    pub routed_orders: u64,
    pub unfilled_orders: u64,
    pub fulfilled_orders: u64,
    pub split_orders: u64,
    pub routing_cost: Decimal,
    pub shipments_by_kind: BTreeMap<&'static str, u64>,
    pub partial_shipments: u64,
    pub pickups_collected: u64,
    pub pickups_uncollected: u64,
    pub rejections: u64,
    pub cancelled_orders: u64,
    pub returns: u64,
    pub returns_refused: u64,
    pub restocked: u64,
    pub refunds: Decimal,
    pub charges: Decimal,
    pub outbox_messages: u64,
    pub oversells: u64,
    pub inconsistent_orders: u64,
    pub order_ids: Vec<OrderId>,
}

/// A progress bar on stderr, redrawn at most every 100 ms.
pub struct Progress {
    total: u64,
    quiet: bool,
    started: Instant,
    last: Instant,
}

impl Progress {
    pub fn new(total: u64, quiet: bool) -> Progress {
        let now = Instant::now();
        Progress { total, quiet, started: now, last: now }
    }

    pub fn update(&mut self, done: u64) {
        if self.quiet || (self.last.elapsed() < Duration::from_millis(100) && done < self.total) {
            return;
        }
        self.last = Instant::now();
        let share = done as f64 / self.total.max(1) as f64;
        let width = 40;
        let filled = (share * width as f64) as usize;
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        eprint!(
            "\r[{}{}] {:>5.1}% {done}/{} orders, {:.0} orders/s ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            share * 100.0,
            self.total,
            rate
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&self) {
        if !self.quiet {
            eprintln!();
        }
    }
}

/// Rebuilds every position from the inventory ledger alone and counts oversold units: units
/// committed beyond what is sellable, anywhere. Also checks the rebuild equals the live engine.
pub fn recount_oversells(oms: &Sim, _world: &World) -> Result<u64, Box<dyn std::error::Error>> {
    // Fold the ledger page by page: a copy of a million orders' ledger would double the memory.
    let config = oms.inventory(|i| i.config().clone());
    let mut recount = Inventory::new(config)?;
    let mut after = 0;
    loop {
        let page = oms.inventory_store().ledger(after, 10_000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for recorded in &page {
            recount.apply(&recorded.batch)?;
        }
    }
    let live = oms.inventory(Inventory::positions);
    if recount.positions() != live {
        return Err("the ledger does not rebuild the live positions".into());
    }
    Ok(recount.positions().iter().map(|(_, _, p)| u64::from(p.shortfall())).sum())
}

/// Orders whose recorded stock differs from what the inventory holds for them.
pub fn inconsistent_orders<'a>(oms: &Sim, orders: impl Iterator<Item = &'a OrderId>) -> Result<u64, oms::Error> {
    let mut bad = 0;
    for order in orders {
        let (recorded, held) = oms.footprints(order)?;
        bad += u64::from(recorded != held);
    }
    Ok(bad)
}

#[derive(Serialize)]
struct Report<'a> {
    orders: u64,
    commands: u64,
    seconds: f64,
    orders_per_second: f64,
    commands_per_second: f64,
    units_ordered: u64,
    units_fulfilled: u64,
    fill_rate: f64,
    split_rate: f64,
    average_fulfillment_cost: String,
    shipments_by_node_kind: &'a BTreeMap<&'static str, u64>,
    partial_shipments: u64,
    pickups_collected: u64,
    pickups_uncollected: u64,
    node_rejections: u64,
    cancelled_orders: u64,
    units_cancelled: u64,
    returns: u64,
    returns_refused: u64,
    units_restocked: u64,
    refunds_total: String,
    charges_total: String,
    outbox_messages: u64,
    oversells: u64,
    inconsistent_orders: u64,
}

pub fn print(config: &Config, kpis: &Kpis, elapsed: Duration, json: bool) {
    let seconds = elapsed.as_secs_f64().max(1e-9);
    let fulfilled = kpis.fulfilled_orders.max(1);
    let wanted = kpis.units_ordered.saturating_sub(kpis.units_cancelled.min(kpis.units_ordered)).max(1);
    let report = Report {
        orders: kpis.orders,
        commands: kpis.commands,
        seconds,
        orders_per_second: kpis.orders as f64 / seconds,
        commands_per_second: kpis.commands as f64 / seconds,
        units_ordered: kpis.units_ordered,
        units_fulfilled: kpis.units_fulfilled,
        fill_rate: kpis.units_fulfilled as f64 / wanted as f64,
        split_rate: kpis.split_orders as f64 / fulfilled as f64,
        average_fulfillment_cost: (kpis.routing_cost / Decimal::from(kpis.routed_orders.max(1)))
            .round_dp(2)
            .to_string(),
        shipments_by_node_kind: &kpis.shipments_by_kind,
        partial_shipments: kpis.partial_shipments,
        pickups_collected: kpis.pickups_collected,
        pickups_uncollected: kpis.pickups_uncollected,
        node_rejections: kpis.rejections,
        cancelled_orders: kpis.cancelled_orders,
        units_cancelled: kpis.units_cancelled,
        returns: kpis.returns,
        returns_refused: kpis.returns_refused,
        units_restocked: kpis.restocked,
        refunds_total: format!("{} USD", kpis.refunds.round_dp(2)),
        charges_total: format!("{} USD", kpis.charges.round_dp(2)),
        outbox_messages: kpis.outbox_messages,
        oversells: kpis.oversells,
        inconsistent_orders: kpis.inconsistent_orders,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        return;
    }
    println!(
        "simulated day: {} orders over {} nodes and {} skus (seed {})",
        config.orders, config.nodes, config.skus, config.seed
    );
    println!(
        "  throughput        {:>12.0} orders/s, {:.0} commands/s ({} commands in {:.2} s)",
        report.orders_per_second, report.commands_per_second, report.commands, seconds
    );
    println!(
        "  fill rate         {:>12.1} % of units not cancelled ({} of {} ordered shipped or collected)",
        report.fill_rate * 100.0,
        report.units_fulfilled,
        report.units_ordered
    );
    println!("  split rate        {:>12.1} % of fulfilled orders from more than one node", report.split_rate * 100.0);
    println!("  fulfillment cost  {:>12} USD per routed order (routing's cost model)", report.average_fulfillment_cost);
    let kinds: Vec<String> = report.shipments_by_node_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "  shipments         {:>12} ({}); {} partial; {} pickups collected, {} never collected",
        report.shipments_by_node_kind.values().sum::<u64>(),
        kinds.join(", "),
        report.partial_shipments,
        report.pickups_collected,
        report.pickups_uncollected
    );
    println!("  node rejections   {:>12} (rerouted without the node)", report.node_rejections);
    println!(
        "  cancellations     {:>12} orders by customers, {} units in all (with expiries)",
        report.cancelled_orders, report.units_cancelled
    );
    println!(
        "  returns           {:>12} ({} refused by policy, {} units restocked)",
        report.returns, report.returns_refused, report.units_restocked
    );
    println!("  refunds total     {:>12}; charges {}", report.refunds_total, report.charges_total);
    println!("  outbox            {:>12} integration events published", report.outbox_messages);
    println!("  oversells         {:>12} (recounted from the inventory ledger)", report.oversells);
    println!("  inconsistent      {:>12} orders whose stock differs from the inventory", report.inconsistent_orders);
}
