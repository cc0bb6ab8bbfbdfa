//! The scenario format: invalid documents refused as a whole naming the element; batches
//! consume stock and capacity in document order; greedy results are feasible at scale.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::check_feasible;
use oms_routing::scenario::Scenario;
use oms_routing::strategies::{ScenarioConfig, scenario_json};
use oms_routing::*;

const VALID: &str = r#"{"version": 1,
  "nodes": [
    {"id": "W1", "kind": "warehouse", "location": {"lat": 34.05, "lon": -118.24}, "methods": ["ship"],
     "shipment_cost": "5.00", "cost_per_km": "0.0010", "unit_cost": "0.50"},
    {"id": "S1", "kind": "store", "location": {"lat": 37.77, "lon": -122.42}, "methods": ["ship", "pickup"],
     "shipment_cost": "4.00", "cost_per_km": "0.0020", "unit_cost": "1.00", "capacity_units": 2}
  ],
  "lanes": [{"from": "W1", "to": "S1", "cost": "3.00"}],
  "inventory": [{"node": "W1", "sku": "A", "available": 10}, {"node": "S1", "sku": "A", "available": 10}],
  "orders": [
    {"id": "O1", "method": "ship", "destination": {"lat": 37.8, "lon": -122.4}, "lines": [{"id": "1", "sku": "A", "quantity": 1}]},
    {"id": "O2", "method": "ship", "destination": {"lat": 37.8, "lon": -122.4}, "lines": [{"id": "1", "sku": "A", "quantity": 1}]},
    {"id": "O3", "method": "ship", "destination": {"lat": 37.8, "lon": -122.4}, "lines": [{"id": "1", "sku": "A", "quantity": 1}]},
    {"id": "O4", "method": "pickup", "pickup_node": "S1", "lines": [{"id": "1", "sku": "A", "quantity": 2}]}
  ]}"#;

fn refused(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "fixture lacks {from}");
    Scenario::from_json(&VALID.replacen(from, to, 1)).unwrap_err().to_string()
}

#[test]
fn invalid_documents_are_refused_naming_the_element() {
    assert_eq!(refused(r#""version": 1"#, r#""version": 2"#), "scenario version: 2 is not supported (expected 1)");
    assert_eq!(refused(r#""id": "S1""#, r#""id": "W1""#), "scenario nodes[1] \"W1\": duplicate node id");
    assert_eq!(refused(r#""to": "S1""#, r#""to": "S9""#), "scenario lanes[0] \"W1\" -> \"S9\": unknown node S9");
    assert_eq!(
        refused(r#""unit_cost": "0.50""#, r#""unit_cost": "-0.50""#),
        "scenario nodes[0] \"W1\": unit_cost -0.50 is negative"
    );
    assert_eq!(
        refused(r#""unit_cost": "0.50""#, r#""unit_cost": 0.5"#).split(" at line").next().unwrap(),
        "scenario document: invalid type: floating point `0.5`, expected a string"
    );
    assert_eq!(
        refused(r#""available": 10}, {"node": "S1""#, r#""available": -1}, {"node": "S1""#),
        "scenario inventory[0] \"W1\"/\"A\": available -1 must be 0..=4294967295"
    );
    assert_eq!(
        refused(r#"{"node": "S1", "sku": "A""#, r#"{"node": "W1", "sku": "A""#),
        "scenario inventory[1] \"W1\"/\"A\": this (node, sku) pair appears twice"
    );
    assert_eq!(
        refused(r#"{"node": "S1", "sku": "A""#, r#"{"node": "X", "sku": "A""#),
        "scenario inventory[1] \"X\"/\"A\": unknown node X"
    );
    assert_eq!(
        refused(r#""quantity": 2"#, r#""quantity": -2"#),
        "scenario orders[3].lines[0] \"1\": quantity -2 must be at least 1"
    );
    assert_eq!(
        refused(r#""pickup_node": "S1""#, r#""pickup_node": "W1""#),
        "scenario orders[3] \"O4\": pickup_node W1 does not list pickup"
    );
    assert_eq!(
        refused(r#""pickup_node": "S1""#, r#""pickup_node": "S7""#),
        "scenario orders[3] \"O4\": unknown pickup_node S7"
    );
    assert_eq!(refused(r#""id": "O2""#, r#""id": "O1""#), "scenario orders[1] \"O1\": duplicate order id");
    assert_eq!(
        refused(
            r#""method": "ship", "destination": {"lat": 37.8, "lon": -122.4}, "lines""#,
            r#""method": "ship", "lines""#
        ),
        "scenario orders[0] \"O1\": a ship order needs destination"
    );
    assert_eq!(
        refused(r#""lat": 34.05"#, r#""lat": 134.05"#),
        "scenario nodes[0] \"W1\": location: latitude 134.05 is outside -90..=90"
    );
    assert_eq!(
        refused(r#""orders": ["#, r#""policy": {"mode": "fast"}, "orders": ["#),
        "scenario policy.mode: \"fast\" is not optimal or greedy"
    );
    assert!(refused(r#""version": 1,"#, "").starts_with("scenario version: is missing"));
    let err = Scenario::from_json("not json").unwrap_err().to_string();
    assert!(
        err.starts_with("scenario document: expected ident") || err.starts_with("scenario document: expected value"),
        "{err}"
    );
}

#[test]
fn fields_beyond_the_format_are_accepted_unchanged() {
    let extended = VALID.replace(r#""kind": "warehouse","#, r#""kind": "warehouse", "region": "west","#);
    assert!(Scenario::from_json(&extended).is_ok());
}

#[test]
fn orders_consume_stock_and_capacity_in_document_order() {
    // S1 is nearest but takes 2 units today: O1 and O2 get it, O3 goes to W1, and the pickup
    // at S1 is fed from W1 over the lane because S1's capacity is spent.
    let result = Scenario::from_json(VALID).unwrap().run().unwrap();
    let sources: Vec<Vec<&str>> =
        result.orders.iter().map(|o| o.shipments.iter().map(|s| s.node.as_str()).collect()).collect();
    assert_eq!(sources, [vec!["S1"], vec!["S1"], vec!["W1"], vec!["W1"]]);
    assert_eq!(result.orders[3].cost.to_string(), "4.000000");
    assert_eq!((result.totals.routed, result.totals.units), (4, 5));
}

#[test]
fn greedy_plans_on_a_generated_batch_are_feasible_against_the_stock_they_saw() {
    let config =
        ScenarioConfig { nodes: 60, skus: 80, orders: 300, store_assortment_percent: 20, ..ScenarioConfig::default() };
    for partial in ["reject", "backorder"] {
        let config = ScenarioConfig { partial, ..config.clone() };
        let scenario = Scenario::from_json(&scenario_json(&config, 11)).unwrap().with_engine(Engine::Greedy).unwrap();
        let strategy = &scenario.router().rules().strategies()[0];
        let (split, policy) = (strategy.split_policy().clone(), strategy.partial_policy());
        let network = scenario.router().network().clone();
        let mut stock = scenario.stock().clone();
        let mut usage = Usage::new(&network);
        let mut routed = 0;
        for request in scenario.requests() {
            let plan = scenario.router().route(request, &stock, &usage).unwrap();
            check_feasible(&network, &stock, &usage, request, &split, policy, &plan);
            stock.take(&plan).unwrap();
            usage.record(&plan).unwrap();
            routed += usize::from(plan.status() == PlanStatus::Routed);
        }
        assert!(routed > 200, "{partial}: a well-stocked network routes most orders ({routed})");
    }
}

#[test]
fn generated_scenarios_are_reproducible_from_their_seed() {
    let config = ScenarioConfig { nodes: 20, skus: 10, orders: 5, ..ScenarioConfig::default() };
    assert_eq!(scenario_json(&config, 3), scenario_json(&config, 3));
    assert_ne!(scenario_json(&config, 3), scenario_json(&config, 4));
}
