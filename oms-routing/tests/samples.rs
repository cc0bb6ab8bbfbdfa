//! The format's three samples, copied into `tests/fixtures`: optimal mode reproduces the
//! expected results (same shipments, costs within 0.001 per order); greedy stays feasible.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::check_feasible;
use oms_routing::scenario::{Scenario, ScenarioResult};
use oms_routing::{Engine, Usage};
use rust_decimal::Decimal;

const SAMPLES: [&str; 3] = ["01-split-across-stores", "02-pickup-with-transfer", "03-ship-complete-no-line-split"];

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() <= Decimal::new(1, 3)
}

fn assert_matches(name: &str, got: &ScenarioResult, want: &ScenarioResult) {
    assert_eq!(got.orders.len(), want.orders.len(), "{name}");
    for (g, w) in got.orders.iter().zip(&want.orders) {
        let ctx = format!("{name} order {}", w.order);
        assert_eq!(g.order, w.order, "{ctx}");
        assert_eq!(g.status, w.status, "{ctx}");
        assert!(close(g.cost, w.cost), "{ctx}: cost {} vs {}", g.cost, w.cost);
        assert_eq!(g.backordered, w.backordered, "{ctx}");
        assert_eq!(g.shipments.len(), w.shipments.len(), "{ctx}: {:?}", g.shipments);
        for (gs, ws) in g.shipments.iter().zip(&w.shipments) {
            assert_eq!(gs.node, ws.node, "{ctx}");
            assert_eq!(gs.lines, ws.lines, "{ctx} node {}", ws.node);
            assert!(close(gs.cost, ws.cost), "{ctx} node {}: {} vs {}", ws.node, gs.cost, ws.cost);
        }
        if g.status != "routed" {
            assert!(!g.reasons.is_empty(), "{ctx}: a {} order explains itself", g.status);
        }
    }
    let (gt, wt) = (&got.totals, &want.totals);
    assert_eq!(
        (gt.orders, gt.routed, gt.partial, gt.unfillable, gt.shipments, gt.units),
        (wt.orders, wt.routed, wt.partial, wt.unfillable, wt.shipments, wt.units),
        "{name} totals"
    );
    assert!(close(gt.cost, wt.cost) || (gt.cost - wt.cost).abs() <= Decimal::new(1, 3) * Decimal::from(gt.orders));
}

#[test]
fn optimal_mode_reproduces_every_sample() {
    for name in SAMPLES {
        let scenario = Scenario::from_json(&fixture(&format!("{name}.json"))).unwrap();
        let got = scenario.run().unwrap();
        let want: ScenarioResult = serde_json::from_str(&fixture(&format!("{name}.expected.json"))).unwrap();
        assert_matches(name, &got, &want);
        // The written result reads back as the same document.
        let again: ScenarioResult = serde_json::from_str(&got.to_json()).unwrap();
        assert_eq!(again, got, "{name}");
    }
}

#[test]
fn greedy_mode_is_feasible_on_every_sample() {
    for name in SAMPLES {
        let scenario =
            Scenario::from_json(&fixture(&format!("{name}.json"))).unwrap().with_engine(Engine::Greedy).unwrap();
        let strategy = &scenario.router().rules().strategies()[0];
        let network = scenario.router().network();
        let mut stock = scenario.stock().clone();
        let mut usage = Usage::new(network);
        for request in scenario.requests() {
            let plan = scenario.router().route(request, &stock, &usage).unwrap();
            check_feasible(network, &stock, &usage, request, strategy.split_policy(), strategy.partial_policy(), &plan);
            stock.take(&plan).unwrap();
            usage.record(&plan).unwrap();
        }
    }
}
