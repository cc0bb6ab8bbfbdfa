//! The optimal engine through the library API and the scenario format: the format's tie rules,
//! the fewest-shipments objective, and what a plan says when the search budget or a deadline
//! stops the search before it is proven.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use common::{at, node, route, ship, stock};
use oms_core::FixedClock;
use oms_routing::scenario::{Scenario, ScenarioResult};
use oms_routing::*;
use rust_decimal::Decimal;

fn optimal() -> Strategy {
    Strategy::new("optimal").engine(Engine::Optimal)
}

fn fewest_shipments() -> Strategy {
    optimal().ranking(Ranking::Lexicographic(vec![Ranker::FewestShipments, Ranker::Cost]))
}

#[test]
fn an_optimal_plan_says_it_is_proven() {
    // Given a DC and a store that can each fill the order.
    let net = Network::new(
        vec![
            node("DC", NodeKind::Warehouse, 40.0, -75.0, "6", "0.001", "0.40"),
            node("STORE", NodeKind::Store, 41.0, -76.0, "4", "0.002", "1.20"),
        ],
        vec![],
    )
    .unwrap();
    let s = stock(&net, &[("DC", "A", 5), ("STORE", "A", 5)]);
    // When the optimal engine routes it.
    let plan = route(&net, optimal(), &s, &ship("O", 40.5, -75.5, &[("1", "A", 2)]));
    // Then the plan is proven best, in the API, the explanation's words and its JSON.
    assert!(plan.optimality().is_proven(), "{:?}", plan.optimality());
    assert!(plan.explanation().to_words().iter().any(|w| w.contains("proven optimal")));
    let json = serde_json::to_value(plan.explanation()).unwrap();
    assert_eq!(json["attempts"][0]["search"]["optimality"], "proven");
    // And a greedy plan says it is a heuristic.
    let greedy = route(&net, Strategy::new("greedy"), &s, &ship("O", 40.5, -75.5, &[("1", "A", 2)]));
    assert_eq!(greedy.optimality(), Optimality::Heuristic);
}

#[test]
fn equal_costs_go_to_fewer_shipments_then_to_the_smallest_node_ids() {
    // Given nodes at the customer's door with no distance cost: X ships both lines for 10, Y and
    // Z one line each for 5, and B the same as A.
    let net = Network::new(
        vec![
            node("B", NodeKind::Store, 40.0, -75.0, "3", "0", "0"),
            node("A", NodeKind::Store, 40.0, -75.0, "3", "0", "0"),
            node("X", NodeKind::Warehouse, 40.0, -75.0, "10", "0", "0"),
            node("Y", NodeKind::Store, 40.0, -75.0, "5", "0", "0"),
            node("Z", NodeKind::Store, 40.0, -75.0, "5", "0", "0"),
        ],
        vec![],
    )
    .unwrap();
    let s = stock(&net, &[("A", "S", 1), ("B", "S", 1), ("X", "P", 1), ("X", "Q", 1), ("Y", "P", 1), ("Z", "Q", 1)]);
    // When the optimal engine routes each order.
    let twins = route(&net, optimal(), &s, &ship("O1", 40.0, -75.0, &[("1", "S", 1)]));
    let one_or_two = route(&net, optimal(), &s, &ship("O2", 40.0, -75.0, &[("1", "P", 1), ("2", "Q", 1)]));
    // Then of two equal nodes the smaller id ships, and of one box or two at the same cost, one.
    assert_eq!(common::nodes_of(&twins), ["A"]);
    assert_eq!(common::nodes_of(&one_or_two), ["X"]);
    assert_eq!(one_or_two.cost().to_string(), "10.0000");
}

#[test]
fn fewest_shipments_pays_more_for_fewer_boxes_and_is_exact() {
    // Given a DC that ships both lines for 20 and two stores that ship one each for 5.
    let net = Network::new(
        vec![
            node("DC", NodeKind::Warehouse, 40.0, -75.0, "20", "0", "0"),
            node("S1", NodeKind::Store, 40.0, -75.0, "5", "0", "0"),
            node("S2", NodeKind::Store, 40.0, -75.0, "5", "0", "0"),
        ],
        vec![],
    )
    .unwrap();
    let s = stock(&net, &[("DC", "P", 1), ("DC", "Q", 1), ("S1", "P", 1), ("S2", "Q", 1)]);
    let order = ship("O", 40.0, -75.0, &[("1", "P", 1), ("2", "Q", 1)]);
    // When routed for cost, and for fewest shipments (in code and as JSON rules).
    let cheapest = route(&net, optimal(), &s, &order);
    let fewest = route(&net, fewest_shipments(), &s, &order);
    let rules = RuleSet::from_json(
        r#"{"strategies": [{"name": "one box", "rank": {"lexicographic": ["fewest_shipments", "cost"]}, "engine": "optimal"}]}"#,
    )
    .unwrap();
    let router = Router::new(net.clone(), rules);
    let from_json = router.route(&order, &s, &Usage::new(router.network())).unwrap();
    // Then cost takes two boxes for 10, fewest shipments one for 20, proven either way.
    assert_eq!((common::nodes_of(&cheapest), cheapest.cost().to_string()), (vec!["S1", "S2"], "10.0000".to_owned()));
    assert_eq!((common::nodes_of(&fewest), fewest.cost().to_string()), (vec!["DC"], "20.0000".to_owned()));
    assert_eq!(common::nodes_of(&from_json), ["DC"]);
    assert!(fewest.optimality().is_proven() && cheapest.optimality().is_proven());
}

/// A network where most orders need a real search: 60 nodes over a region, each holding each of
/// 40 skus with probability 0.35, and 8-line orders.
fn dense(seed: u64) -> (Network, Stock, Vec<Request>) {
    let mut x = seed;
    let mut next = move |n: u64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    let nodes: Vec<Node> = (0..60)
        .map(|i| {
            Node::new(
                format!("N{i:02}").parse().unwrap(),
                NodeKind::Store,
                at(30.0 + next(1500) as f64 / 100.0, -100.0 + next(2500) as f64 / 100.0),
            )
            .with_costs(
                Decimal::new(400 + next(800) as i64, 2),
                Decimal::new(10 + next(50) as i64, 4),
                Decimal::new(10 + next(140) as i64, 2),
            )
        })
        .collect();
    let net = Network::new(nodes, vec![]).unwrap();
    let mut s = Stock::new(&net);
    for n in net.nodes() {
        for sku in 0..40 {
            if next(100) < 35 {
                s.set(n.id(), format!("K{sku}").parse().unwrap(), 1 + next(6) as u32).unwrap();
            }
        }
    }
    let orders = (0..40)
        .map(|o| {
            let mut r = Request::ship(
                format!("O{o}").parse().unwrap(),
                at(30.0 + next(1500) as f64 / 100.0, -100.0 + next(2500) as f64 / 100.0),
            );
            let mut skus = Vec::new();
            while skus.len() < 8 {
                let k = next(40);
                if !skus.contains(&k) {
                    skus.push(k);
                }
            }
            for (l, k) in skus.into_iter().enumerate() {
                r = r.line(format!("{l}").parse().unwrap(), format!("K{k}").parse().unwrap(), 1 + next(3) as u32);
            }
            r
        })
        .collect();
    (net, s, orders)
}

fn explored(o: Optimality) -> u64 {
    match o {
        Optimality::Proven { explored } | Optimality::Unproven { explored } => explored,
        _ => 0,
    }
}

#[test]
fn a_spent_budget_returns_the_best_plan_found_and_says_it_is_not_proven() {
    // Given orders that need a search, and a router allowed one search node per order.
    let (net, s, orders) = dense(7);
    let full = Router::new(net.clone(), RuleSet::single(optimal()).unwrap());
    let tight = full.clone().with_budget(Budget::nodes(1));
    let usage = Usage::new(full.network());
    let mut cut = 0;
    for order in &orders {
        // When each is routed with the default budget and with the tight one.
        let proven = full.route(order, &s, &usage).unwrap();
        let quick = tight.route(order, &s, &usage).unwrap();
        assert!(proven.optimality().is_proven());
        if explored(proven.optimality()) > 1 {
            // Then a search cut short still returns a feasible plan, no better than the proven
            // one, and says so: in the API, in words, and in the scenario result.
            cut += 1;
            assert!(matches!(quick.optimality(), Optimality::Unproven { explored: 1 }), "{:?}", quick.optimality());
            assert_eq!(quick.status(), proven.status());
            assert!(quick.cost() >= proven.cost());
            assert!(quick.explanation().to_words().iter().any(|w| w.contains("not proven optimal")));
            let written = ScenarioResult::from_plans(std::slice::from_ref(&quick)).to_json();
            assert!(written.contains("\"proven_optimal\": false"), "{written}");
            common::check_feasible(&net, &s, &usage, order, &SplitPolicy::default(), PartialPolicy::Reject, &quick);
        }
    }
    assert!(cut > 10, "only {cut} orders needed a search");
}

#[test]
fn a_deadline_read_from_the_given_clock_stops_the_search() {
    // Given a clock already past the deadline (the engine reads only this clock, every few
    // dozen search nodes).
    let (net, s, orders) = dense(11);
    let now = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
    let clock = Arc::new(FixedClock(now));
    let router = Router::new(net, RuleSet::single(optimal()).unwrap());
    let usage = Usage::new(router.network());
    let mut scratch = Scratch::new();
    let late = Budget::default().until(now, clock);
    let mut stopped = 0;
    for order in &orders {
        // When an order is routed with that deadline.
        let free = router.route(order, &s, &usage).unwrap();
        let timed = router.route_within(&mut scratch, order, &s, &usage, &late).unwrap();
        // Then a search longer than one clock check stops at the first check, unproven.
        if explored(free.optimality()) > 32 {
            stopped += 1;
            assert!(matches!(timed.optimality(), Optimality::Unproven { explored: 32 }), "{:?}", timed.optimality());
            assert!(timed.cost() >= free.cost());
        } else {
            assert_eq!(timed, free);
        }
    }
    assert!(stopped > 0, "no order searched past the first clock check");
}

fn scenario(policy: &str) -> String {
    format!(
        r#"{{"version": 1,
  "nodes": [
    {{"id": "DC", "kind": "warehouse", "location": {{"lat": 40, "lon": -75}}, "methods": ["ship"], "shipment_cost": "20", "cost_per_km": "0", "unit_cost": "0"}},
    {{"id": "S1", "kind": "store", "location": {{"lat": 40, "lon": -75}}, "methods": ["ship"], "shipment_cost": "5", "cost_per_km": "0", "unit_cost": "0"}},
    {{"id": "S2", "kind": "store", "location": {{"lat": 40, "lon": -75}}, "methods": ["ship"], "shipment_cost": "5", "cost_per_km": "0", "unit_cost": "0"}}],
  "inventory": [{{"node": "DC", "sku": "P", "available": 1}}, {{"node": "DC", "sku": "Q", "available": 1}},
                {{"node": "S1", "sku": "P", "available": 1}}, {{"node": "S2", "sku": "Q", "available": 1}}],
  "orders": [{{"id": "O", "method": "ship", "destination": {{"lat": 40, "lon": -75}},
              "lines": [{{"id": "1", "sku": "P", "quantity": 1}}, {{"id": "2", "sku": "Q", "quantity": 1}}]}}],
  "policy": {policy}}}"#
    )
}

#[test]
fn the_scenario_policy_can_ask_for_fewest_shipments_and_a_search_budget() {
    // Given the same document with the default objective and with `min_shipments`.
    let cheapest = Scenario::from_json(&scenario("{}")).unwrap().run().unwrap();
    let fewest = Scenario::from_json(&scenario(r#"{"objective": "min_shipments", "search_budget": 1000}"#)).unwrap();
    assert_eq!(fewest.router().budget().max_nodes(), 1000);
    let fewest = fewest.run().unwrap();
    // Then the first takes two boxes for 10 and the second one box for 20, both proven (no
    // `proven_optimal` field).
    assert_eq!((cheapest.totals.shipments, cheapest.totals.cost.to_string()), (2, "10.000000".to_owned()));
    assert_eq!((fewest.totals.shipments, fewest.totals.cost.to_string()), (1, "20.000000".to_owned()));
    assert!(!fewest.to_json().contains("proven_optimal"));
    // And unknown objectives or an empty budget are refused, naming the field.
    for (policy, element) in
        [(r#"{"objective": "fastest"}"#, "policy.objective"), (r#"{"search_budget": 0}"#, "policy.search_budget")]
    {
        let err = Scenario::from_json(&scenario(policy)).unwrap_err().to_string();
        assert!(err.contains(element), "{err}");
    }
}
