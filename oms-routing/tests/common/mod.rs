//! Test helpers: small networks, and an independent checker that recomputes a plan's cost in
//! exact decimals and verifies every rule (stock, capacity, methods, policy).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use oms_core::GeoPoint;
use oms_routing::*;
use rust_decimal::Decimal;

pub fn at(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

pub fn node(id: &str, kind: NodeKind, lat: f64, lon: f64, ship: &str, per_km: &str, unit: &str) -> Node {
    Node::new(id.parse().unwrap(), kind, at(lat, lon)).with_costs(
        ship.parse().unwrap(),
        per_km.parse().unwrap(),
        unit.parse().unwrap(),
    )
}

pub fn lane(from: &str, to: &str, cost: &str) -> Lane {
    Lane { from: from.parse().unwrap(), to: to.parse().unwrap(), cost: cost.parse().unwrap() }
}

pub fn stock(network: &Network, rows: &[(&str, &str, u32)]) -> Stock {
    let mut s = Stock::new(network);
    for (node, sku, units) in rows {
        s.set(&node.parse().unwrap(), sku.parse().unwrap(), *units).unwrap();
    }
    s
}

pub fn ship(order: &str, lat: f64, lon: f64, lines: &[(&str, &str, u32)]) -> Request {
    let mut r = Request::ship(order.parse().unwrap(), at(lat, lon));
    for (id, sku, qty) in lines {
        r = r.line(id.parse().unwrap(), sku.parse().unwrap(), *qty);
    }
    r
}

pub fn pickup(order: &str, at_node: &str, lines: &[(&str, &str, u32)]) -> Request {
    let mut r = Request::pickup(order.parse().unwrap(), at_node.parse().unwrap());
    for (id, sku, qty) in lines {
        r = r.line(id.parse().unwrap(), sku.parse().unwrap(), *qty);
    }
    r
}

pub fn route(network: &Network, strategy: Strategy, stock: &Stock, request: &Request) -> Plan {
    let router = Router::new(network.clone(), RuleSet::single(strategy).unwrap());
    router.route(request, stock, &Usage::new(router.network())).unwrap()
}

pub fn nodes_of(plan: &Plan) -> Vec<&str> {
    plan.shipments().iter().map(|s| s.node().as_str()).collect()
}

fn haversine(a: GeoPoint, b: GeoPoint) -> f64 {
    a.distance_km(&b)
}

/// The plan's cost recomputed independently, in decimals.
pub fn exact_cost(network: &Network, request: &Request, plan: &Plan) -> Decimal {
    let mut total = Decimal::ZERO;
    for s in plan.shipments() {
        let node = network.node_by_id(s.node()).unwrap();
        let units = Decimal::from(s.units());
        let fixed = match request.destination() {
            Destination::Ship { to } => {
                let km = Decimal::from_f64_retain(haversine(node.location(), *to)).unwrap();
                node.shipment_cost() + node.cost_per_km() * km
            }
            Destination::Pickup { at } if at == s.node() => Decimal::ZERO,
            Destination::Pickup { at } => {
                let (from, to) = (network.index_of(s.node()).unwrap(), network.index_of(at).unwrap());
                network.transfer_cost(from, to).unwrap().to_decimal()
            }
        };
        total += fixed + node.unit_cost() * units;
    }
    total
}

/// Checks every rule the plan must respect; returns the units routed per (node, sku).
pub fn check_feasible(
    network: &Network,
    stock: &Stock,
    usage: &Usage,
    request: &Request,
    strategy_split: &SplitPolicy,
    partial: PartialPolicy,
    plan: &Plan,
) {
    let ctx = format!("{}: {:?}", request.order(), plan.shipments());
    // Stock and capacity.
    let mut taken: BTreeMap<(String, String), u32> = BTreeMap::new();
    for s in plan.shipments() {
        let node = network.node_by_id(s.node()).unwrap();
        assert!(node.is_enabled(), "{ctx}: disabled node used");
        match request.destination() {
            Destination::Ship { .. } => assert!(node.supports(Method::Ship), "{ctx}: source cannot ship"),
            Destination::Pickup { at } if at != s.node() => {
                assert!(node.supports(Method::Transfer), "{ctx}: source cannot transfer");
                let (from, to) = (network.index_of(s.node()).unwrap(), network.index_of(at).unwrap());
                assert!(network.transfer_cost(from, to).is_some(), "{ctx}: no lane path");
            }
            Destination::Pickup { .. } => {}
        }
        assert!(!request.excluded().contains(s.node()), "{ctx}: excluded node used");
        let index = network.index_of(s.node()).unwrap();
        if let Some(left) = usage.units_left(index) {
            assert!(s.units() <= left, "{ctx}: over capacity at {}", s.node());
        }
        assert_ne!(usage.orders_left(index), Some(0), "{ctx}: no orders left at {}", s.node());
        assert!(s.units() > 0, "{ctx}: empty shipment");
        for l in s.lines() {
            *taken.entry((s.node().to_string(), l.sku.to_string())).or_default() += l.quantity;
        }
    }
    for ((node, sku), units) in &taken {
        let have = stock.available(&node.parse().unwrap(), &sku.parse().unwrap());
        assert!(*units <= have, "{ctx}: {units} of {sku} at {node}, {have} available");
    }
    // Policy.
    let sources: BTreeSet<&str> = plan.shipments().iter().map(|s| s.node().as_str()).collect();
    assert_eq!(sources.len(), plan.shipments().len(), "{ctx}: one shipment per node");
    if strategy_split.mode == SplitMode::ShipComplete {
        assert!(sources.len() <= 1, "{ctx}: ship complete broken");
    }
    if let Some(max) = strategy_split.max_shipments {
        assert!(sources.len() <= max as usize, "{ctx}: max shipments broken");
    }
    // Every unit routed, backordered or explained; lines whole when asked.
    for line in request.lines() {
        let routed: Vec<u32> = plan
            .shipments()
            .iter()
            .flat_map(|s| s.lines().iter().filter(|l| l.line == line.id).map(|l| l.quantity))
            .collect();
        if !strategy_split.split_lines {
            assert!(routed.len() <= 1, "{ctx}: line {} split", line.id);
        }
        let routed: u32 = routed.iter().sum();
        let backordered: u32 = plan.backordered().iter().filter(|b| b.line == line.id).map(|b| b.quantity).sum();
        assert!(routed <= line.quantity, "{ctx}: over-routed line {}", line.id);
        match plan.status() {
            PlanStatus::Routed => assert_eq!(routed, line.quantity, "{ctx}"),
            PlanStatus::Partial => assert_eq!(routed + backordered, line.quantity, "{ctx}"),
            PlanStatus::Unfillable => assert_eq!(routed, 0, "{ctx}"),
        }
        if routed < line.quantity {
            let explained = plan
                .explanation()
                .attempts()
                .last()
                .unwrap()
                .shortfalls()
                .iter()
                .any(|s| s.line == line.id && s.quantity == line.quantity - routed);
            assert!(explained, "{ctx}: line {} unfilled without a reason", line.id);
        }
    }
    if partial == PartialPolicy::Reject {
        assert!(plan.status() != PlanStatus::Partial, "{ctx}: partial under reject");
    }
    // Costs: written cost = independent decimal recomputation, within a millionth per shipment.
    let exact = exact_cost(network, request, plan);
    let tolerance = Decimal::new(1, 6) * Decimal::from(plan.shipments().len() as u64 + 1);
    assert!((plan.cost().to_decimal() - exact).abs() <= tolerance, "{ctx}: cost {} vs {}", plan.cost(), exact);
    let sum: Decimal = plan.shipments().iter().map(|s| s.cost().to_decimal()).sum();
    assert_eq!(sum, plan.cost().to_decimal(), "{ctx}: shipment costs add up");
}
