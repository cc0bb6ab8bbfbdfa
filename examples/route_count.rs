//! Routes the first N orders of the generated benchmark scenario, for instruction counting
//! under callgrind (noise-free, unlike wall time on a shared machine):
//!
//! ```sh
//! cargo build --release --example route_count
//! valgrind --tool=callgrind --toggle-collect='*route_batch*' target/release/examples/route_count 2000
//! ```
//! Arguments: orders (2,000), store assortment percent (5), pickup percent (0). Only
//! `route_batch` is counted: building the scenario is not.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::hint::black_box;

use oms_routing::scenario::Scenario;
use oms_routing::strategies::{ScenarioConfig, scenario_json};
use oms_routing::{Engine, Scratch, Usage};

#[inline(never)]
fn route_batch(s: &Scenario, orders: usize) -> u64 {
    let usage = Usage::new(s.router().network());
    let mut scratch = Scratch::new();
    let mut units = 0u64;
    for r in s.requests().iter().take(orders) {
        let plan = s.router().route_with(&mut scratch, r, s.stock(), &usage).unwrap();
        units += u64::from(black_box(&plan).units());
    }
    units
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let orders = args.first().copied().unwrap_or(2_000);
    let config = ScenarioConfig {
        orders,
        store_assortment_percent: args.get(1).copied().unwrap_or(5) as u32,
        pickup_percent: args.get(2).copied().unwrap_or(0) as u32,
        ..ScenarioConfig::default()
    };
    let s = Scenario::from_json(&scenario_json(&config, 7)).unwrap().with_engine(Engine::Greedy).unwrap();
    let start = std::time::Instant::now();
    let units = route_batch(&s, orders);
    let took = start.elapsed();
    println!("{orders} orders, {units} units routed, {:.2} µs/order", took.as_secs_f64() * 1e6 / orders as f64);
}
