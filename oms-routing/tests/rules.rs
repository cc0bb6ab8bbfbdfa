//! Each rule kind, drop-ship, ship-from-store, pickup over a multi-hop transfer, capacity across
//! a batch, rejection exclusions and every fallback — given a network, when routing, then ...

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use oms_core::{Currency, Money};
use oms_routing::*;
use rust_decimal_macros::dec;

/// DC far east; two stores near Chicago; a vendor in Denver; a hub; a locker in Chicago.
fn network() -> Network {
    Network::new(
        vec![
            node("DC", NodeKind::Warehouse, 40.7357, -74.1724, "6.00", "0.0060", "0.40"),
            node("HUB", NodeKind::Warehouse, 39.7684, -86.1581, "6.00", "0.0060", "0.40"),
            node("STORE-A", NodeKind::Store, 41.8781, -87.6298, "4.50", "0.0030", "1.20").with_tag("flagship"),
            node("STORE-B", NodeKind::Store, 43.0389, -87.9065, "4.50", "0.0030", "1.10").with_priority(1),
            node("VENDOR", NodeKind::Vendor, 39.7392, -104.9903, "9.00", "0.0000", "0.00"),
            node("LOCKER", NodeKind::Locker, 41.8800, -87.6300, "0", "0", "0"),
        ],
        vec![
            lane("DC", "HUB", "3.00"),
            lane("HUB", "STORE-A", "2.50"),
            lane("DC", "STORE-A", "9.00"),
            lane("STORE-B", "DC", "1.00"),
            lane("HUB", "LOCKER", "2.00"),
        ],
    )
    .unwrap()
}

const CHICAGO: (f64, f64) = (41.85, -87.65);

fn tee(qty: u32) -> Request {
    ship("O-1", CHICAGO.0, CHICAGO.1, &[("1", "TEE", qty)])
}

fn verdict<'a>(plan: &'a Plan, node: &str) -> &'a Verdict {
    let e = plan.explanation();
    let attempt = e.attempts().last().unwrap();
    attempt.candidates().iter().find(|n| e.node_id(n).unwrap().as_str() == node).map(|n| n.verdict()).unwrap()
}

fn removal(plan: &Plan, node: &str) -> Removal {
    match verdict(plan, node) {
        Verdict::Removed { removal } => removal.clone(),
        other => panic!("{node} was not removed: {other:?}"),
    }
}

// ---- conditions -------------------------------------------------------------------------

#[test]
fn a_channel_condition_picks_its_strategy() {
    let net = network();
    let s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 5)]);
    let rules = RuleSet::new(vec![
        Strategy::new("marketplace")
            .when(Condition::Channel(vec!["amazon".parse().unwrap()]))
            .filter(Filter::Kinds(vec![NodeKind::Warehouse])),
        Strategy::new("default"),
    ])
    .unwrap();
    let router = Router::new(net, rules);
    let usage = Usage::new(router.network());
    let web = router.route(&tee(1), &s, &usage).unwrap();
    let amazon = router.route(&tee(1).channel("amazon".parse().unwrap()), &s, &usage).unwrap();
    assert_eq!((web.strategy(), nodes_of(&web)), (Some("default"), vec!["STORE-A"]));
    assert_eq!((amazon.strategy(), nodes_of(&amazon)), (Some("marketplace"), vec!["DC"]));
}

#[test]
fn conditions_on_method_attributes_units_and_their_combinations() {
    let gold = tee(3).attribute("tier", "gold");
    let pick = pickup("P", "STORE-A", &[("1", "TEE", 1)]);
    let is = |c: Condition, r: &Request| c.matches(r);
    assert!(is(Condition::Method(Method::Ship), &gold) && is(Condition::Method(Method::Pickup), &pick));
    assert!(is(Condition::Attribute { key: "tier".into(), value: "gold".into() }, &gold));
    assert!(!is(Condition::Attribute { key: "tier".into(), value: "gold".into() }, &pick));
    assert!(is(Condition::MinUnits(3), &gold) && !is(Condition::MinUnits(2), &pick));
    let both = Condition::All(vec![Condition::Method(Method::Ship), Condition::MinUnits(2)]);
    assert!(is(both.clone(), &gold) && !is(both, &pick));
    assert!(is(Condition::Any(vec![Condition::MinUnits(9), Condition::Method(Method::Pickup)]), &pick));
    assert!(!is(Condition::Not(Box::new(Condition::Always)), &pick));
    let json: Condition = serde_json::from_str(r#"{"not": {"channel": ["pos"]}}"#).unwrap();
    assert!(is(json, &gold));
}

#[test]
fn a_code_condition_picks_its_strategy() {
    let net = network();
    let s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 5)]);
    let rules = RuleSet::new(vec![
        Strategy::new("bulk")
            .when_fn("five or more", |r: &Request| r.units() >= 5)
            .filter(Filter::Kinds(vec![NodeKind::Warehouse])),
        Strategy::new("default"),
    ])
    .unwrap();
    let router = Router::new(net, rules);
    let plan = router.route(&tee(5), &s, &Usage::new(router.network())).unwrap();
    assert_eq!((plan.strategy(), nodes_of(&plan)), (Some("bulk"), vec!["DC"]));
}

// ---- filters ----------------------------------------------------------------------------

#[test]
fn built_in_checks_remove_disabled_excluded_non_shipping_off_channel_and_full_nodes() {
    let net = Network::new(
        vec![
            node("OFF", NodeKind::Store, 41.9, -87.6, "1", "0", "0").with_enabled(false),
            node("GONE", NodeKind::Store, 41.9, -87.6, "1", "0", "0"),
            node("LOCKER", NodeKind::Locker, 41.9, -87.6, "0", "0", "0"),
            node("POS-ONLY", NodeKind::Store, 41.9, -87.6, "1", "0", "0").with_channels(["pos".parse().unwrap()]),
            node("FULL", NodeKind::Store, 41.9, -87.6, "1", "0", "0").with_capacity_orders(0),
            node("DC", NodeKind::Warehouse, 40.7, -74.2, "6", "0.006", "0.4"),
        ],
        vec![],
    )
    .unwrap();
    let s = stock(
        &net,
        &[
            ("OFF", "TEE", 1),
            ("GONE", "TEE", 1),
            ("LOCKER", "TEE", 1),
            ("POS-ONLY", "TEE", 1),
            ("FULL", "TEE", 1),
            ("DC", "TEE", 1),
        ],
    );
    let request = tee(1).exclude("GONE".parse().unwrap()).channel("web".parse().unwrap());
    let plan = route(&net, Strategy::new("s"), &s, &request);
    assert_eq!(nodes_of(&plan), ["DC"]);
    assert_eq!(removal(&plan, "OFF"), Removal::Disabled);
    assert_eq!(removal(&plan, "GONE"), Removal::Excluded);
    assert_eq!(removal(&plan, "LOCKER"), Removal::NoShipping);
    assert_eq!(removal(&plan, "POS-ONLY"), Removal::Channel);
    assert_eq!(removal(&plan, "FULL"), Removal::CapacityExhausted);
    let words = plan.explanation().to_words().join("\n");
    assert!(words.contains("GONE rejected this order before"), "{words}");
    assert!(words.contains("OFF is disabled"), "{words}");
}

#[test]
fn radius_kind_and_tag_filters_remove_nodes_and_say_which() {
    let net = network();
    let s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 5), ("STORE-B", "TEE", 5), ("VENDOR", "TEE", 5)]);
    let plan = route(&net, Strategy::new("near").filter(Filter::RadiusKm(200.0)), &s, &tee(1));
    assert_eq!(removal(&plan, "DC"), Removal::Radius { max_km: 200.0 });
    assert!(matches!(verdict(&plan, "STORE-B"), Verdict::NotChosen { .. }), "Milwaukee is within 200 km");

    let plan = route(&net, Strategy::new("w").filter(Filter::Kinds(vec![NodeKind::Warehouse])), &s, &tee(1));
    assert_eq!((nodes_of(&plan), removal(&plan, "STORE-A")), (vec!["DC"], Removal::Kind { kind: NodeKind::Store }));
    let plan = route(&net, Strategy::new("nv").filter(Filter::ExcludeKinds(vec![NodeKind::Store])), &s, &tee(1));
    assert!(!nodes_of(&plan).contains(&"STORE-A"));

    let plan = route(&net, Strategy::new("t").filter(Filter::ExcludeTags(vec!["flagship".into()])), &s, &tee(1));
    assert_eq!(removal(&plan, "STORE-A"), Removal::Tag { tag: "flagship".into(), required: false });
    assert_eq!(nodes_of(&plan), ["STORE-B"]);
    let plan = route(&net, Strategy::new("t").filter(Filter::RequireTags(vec!["flagship".into()])), &s, &tee(1));
    assert_eq!(
        (nodes_of(&plan), removal(&plan, "DC")),
        (vec!["STORE-A"], Removal::Tag { tag: "flagship".into(), required: true })
    );
}

#[test]
fn safety_stock_keeps_units_back_and_capacity_left_keeps_a_buffer() {
    let net = network();
    let s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 2), ("STORE-B", "TEE", 3)]);
    let safety = Strategy::new("s").filter(Filter::MinStock { safety: 2, kinds: vec![NodeKind::Store] });
    let plan = route(&net, safety.clone(), &s, &tee(1));
    assert_eq!(removal(&plan, "STORE-A"), Removal::SafetyStock, "2 held, 2 kept back");
    assert_eq!(nodes_of(&plan), ["STORE-B"], "3 held, 1 may go");
    let plan = route(&net, safety, &s, &tee(2));
    assert_eq!(nodes_of(&plan), ["DC"], "the stores may not give 2");

    let mut net_nodes = network().nodes().to_vec();
    net_nodes[2] = net_nodes[2].clone().with_capacity_units(3);
    let net = Network::new(net_nodes, network().lanes().to_vec()).unwrap();
    let plan = route(&net, Strategy::new("c").filter(Filter::CapacityLeft { units: 5, orders: 0 }), &s, &tee(1));
    assert_eq!(removal(&plan, "STORE-A"), Removal::CapacityLeft { units: 5, orders: 0 });
}

#[test]
fn a_code_filter_removes_nodes_under_its_name() {
    let net = network();
    let s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 5)]);
    let strategy =
        Strategy::new("s").filter_fn("no Illinois stores", |n: &Node, _: &Request| n.id().as_str() != "STORE-A");
    let plan = route(&net, strategy, &s, &tee(1));
    assert_eq!(removal(&plan, "STORE-A"), Removal::Custom { name: "no Illinois stores".into() });
    assert_eq!(nodes_of(&plan), ["DC"]);
}

// ---- rankers ----------------------------------------------------------------------------

#[test]
fn rankers_cost_distance_priority_depth_shipments_weights_and_code() {
    let net = network();
    // STORE-A: near, dear units; STORE-B: 130 km, priority 1; DC: far, cheap units.
    let s = stock(
        &net,
        &[("DC", "TEE", 50), ("STORE-A", "TEE", 1), ("STORE-B", "TEE", 9), ("DC", "CAP", 5), ("STORE-B", "CAP", 1)],
    );
    let by = |rankers: Vec<Ranker>| Strategy::new("r").ranking(Ranking::Lexicographic(rankers)).engine(Engine::Optimal);

    assert_eq!(nodes_of(&route(&net, by(vec![Ranker::Cost]), &s, &tee(1))), ["STORE-A"]);
    // Nearest is not cheapest: NEAR sits at the door but charges 20 a box; FAR is 500 km off.
    let two_nodes = Network::new(
        vec![
            node("NEAR", NodeKind::Store, CHICAGO.0, CHICAGO.1, "20.00", "0", "0"),
            node("FAR", NodeKind::Warehouse, 45.0, -88.0, "1.00", "0.0010", "0"),
        ],
        vec![],
    )
    .unwrap();
    let both = stock(&two_nodes, &[("NEAR", "TEE", 1), ("FAR", "TEE", 1)]);
    assert_eq!(nodes_of(&route(&two_nodes, by(vec![Ranker::Cost]), &both, &tee(1))), ["FAR"]);
    assert_eq!(nodes_of(&route(&two_nodes, by(vec![Ranker::Distance, Ranker::Cost]), &both, &tee(1))), ["NEAR"]);
    let no_a = stock(&net, &[("DC", "TEE", 50), ("STORE-B", "TEE", 9)]);
    assert_eq!(nodes_of(&route(&net, by(vec![Ranker::Cost]), &no_a, &tee(1))), ["STORE-B"]);
    assert_eq!(
        nodes_of(&route(&net, by(vec![Ranker::Priority, Ranker::Cost]), &no_a, &tee(1))),
        ["DC"],
        "STORE-B has priority 1"
    );
    // Stock depth: STORE-A holds 1 (scarce), STORE-B 9, DC 50.
    assert_eq!(nodes_of(&route(&net, by(vec![Ranker::StockDepth]), &s, &tee(1))), ["DC"]);
    // Two lines: cheapest is split (STORE-A tee + STORE-B cap); fewest shipments wants one box.
    let two = ship("O-2", CHICAGO.0, CHICAGO.1, &[("1", "TEE", 1), ("2", "CAP", 1)]);
    assert_eq!(nodes_of(&route(&net, by(vec![Ranker::FewestShipments, Ranker::Cost]), &s, &two)), ["STORE-B"]);
    // Weighted: cost plus 100 per shipment also consolidates.
    let weighted = Strategy::new("w")
        .ranking(Ranking::Weighted([(Ranker::Cost, dec!(1)), (Ranker::FewestShipments, dec!(100))].into()))
        .engine(Engine::Optimal);
    assert_eq!(route(&net, weighted, &s, &two).shipments().len(), 1);
    // A code ranker as the first level: prefer the vendor-free warehouse.
    let code = Strategy::new("c")
        .ranking(Ranking::Lexicographic(vec![]))
        .ranker_fn("warehouses first", |n: &Node, _: &Request| i64::from(n.kind() != NodeKind::Warehouse));
    assert!(RuleSet::single(code.clone()).is_err(), "an empty lexicographic ranking is refused");
    let code = Strategy::new("c").ranking(Ranking::Weighted(Default::default())).ranker_fn(
        "warehouses first",
        |n: &Node, _: &Request| if n.kind() == NodeKind::Warehouse { 0 } else { 1_000_000_000 },
    );
    assert_eq!(nodes_of(&route(&net, code, &s, &tee(1))), ["DC"]);
}

// ---- split policy -----------------------------------------------------------------------

#[test]
fn ship_complete_max_shipments_whole_lines_and_minimum_value() {
    let net = network();
    let s = stock(
        &net,
        &[("STORE-A", "TEE", 1), ("STORE-B", "TEE", 1), ("STORE-B", "CAP", 1), ("DC", "TEE", 9), ("DC", "CAP", 9)],
    );
    let two = ship("O-2", CHICAGO.0, CHICAGO.1, &[("1", "TEE", 2), ("2", "CAP", 1)]);
    let base = route(&net, Strategy::new("free").engine(Engine::Optimal), &s, &two);
    assert!(base.shipments().len() >= 2, "the cheapest plan splits: {:?}", nodes_of(&base));

    let mut complete = SplitPolicy::default();
    complete.mode = SplitMode::ShipComplete;
    let plan = route(&net, Strategy::new("c").split(complete).engine(Engine::Optimal), &s, &two);
    assert_eq!(nodes_of(&plan), ["DC"]);

    let mut whole = SplitPolicy::default();
    whole.split_lines = false;
    let plan = route(&net, Strategy::new("w").split(whole.clone()).engine(Engine::Optimal), &s, &two);
    let tee_sources: Vec<_> =
        plan.shipments().iter().filter(|s| s.lines().iter().any(|l| l.sku.as_str() == "TEE")).collect();
    assert_eq!(tee_sources.len(), 1, "2 tees from one node");

    let mut max1 = SplitPolicy::default();
    max1.max_shipments = Some(1);
    let s_small = stock(&net, &[("STORE-A", "TEE", 2), ("STORE-B", "CAP", 1)]);
    let plan = route(&net, Strategy::new("m").split(max1), &s_small, &two);
    assert_eq!(plan.status(), PlanStatus::Unfillable);
    assert!(plan.reasons().iter().all(|r| r.contains("more than 1 shipment")), "{:?}", plan.reasons());

    // Minimum value per shipment: a $3 cap may not ship on its own.
    let valued = Request::ship("O-3".parse().unwrap(), at(CHICAGO.0, CHICAGO.1))
        .valued_line("1".parse().unwrap(), "TEE".parse().unwrap(), 2, Money::new(dec!(20), Currency::USD))
        .valued_line("2".parse().unwrap(), "CAP".parse().unwrap(), 1, Money::new(dec!(3), Currency::USD));
    let mut min = SplitPolicy::default();
    min.min_shipment_value = Some(Money::new(dec!(10), Currency::USD));
    let plan = route(&net, Strategy::new("v").split(min).engine(Engine::Optimal), &s, &valued);
    assert!(
        plan.shipments().iter().all(|sh| sh.lines().iter().any(|l| l.sku.as_str() == "TEE")),
        "{:?}",
        nodes_of(&plan)
    );
}

// ---- partial policy and fallbacks -------------------------------------------------------

#[test]
fn reject_backorder_and_fallback_chains() {
    let net = network();
    let s = stock(&net, &[("STORE-A", "TEE", 1), ("DC", "TEE", 1)]);
    let reject = route(&net, Strategy::new("r"), &s, &tee(3));
    assert_eq!((reject.status(), reject.shipments().len(), reject.backordered().len()), (PlanStatus::Unfillable, 0, 0));
    assert_eq!(
        reject.reasons(),
        ["line 1 (TEE): 3 units not filled: only 2 available at the locations allowed for this order"]
    );

    let backorder = route(&net, Strategy::new("b").partial(PartialPolicy::Backorder), &s, &tee(3));
    assert_eq!((backorder.status(), backorder.units()), (PlanStatus::Partial, 2));
    assert_eq!(backorder.backordered()[0].quantity, 1);

    // Stores only, falling back to anything, which backorders.
    let rules = RuleSet::new(vec![
        Strategy::new("stores").filter(Filter::Kinds(vec![NodeKind::Store])).partial(PartialPolicy::Fallback),
        Strategy::new("anywhere").partial(PartialPolicy::Backorder),
    ])
    .unwrap();
    let router = Router::new(net.clone(), rules);
    let usage = Usage::new(router.network());
    let plan = router.route(&tee(2), &s, &usage).unwrap();
    assert_eq!(plan.strategy(), Some("anywhere"));
    let outcomes: Vec<Outcome> = plan.explanation().attempts().iter().map(Attempt::outcome).collect();
    assert_eq!(outcomes, [Outcome::FellBack, Outcome::Filled]);
    let first = router.route(&tee(1), &s, &usage).unwrap();
    assert_eq!(first.strategy(), Some("stores"), "the first strategy fills what it can");

    // Every strategy falls back: unfillable, explained by the last attempt.
    let all_fall =
        Router::new(net.clone(), RuleSet::single(Strategy::new("only").partial(PartialPolicy::Fallback)).unwrap());
    let plan = all_fall.route(&tee(3), &s, &usage).unwrap();
    assert_eq!((plan.status(), plan.strategy()), (PlanStatus::Unfillable, None));
    assert!(!plan.reasons().is_empty());

    // No strategy applies.
    let none = Router::new(
        net,
        RuleSet::single(Strategy::new("pos").when(Condition::Channel(vec!["pos".parse().unwrap()]))).unwrap(),
    );
    let plan = none.route(&tee(1), &s, &usage).unwrap();
    assert_eq!(plan.status(), PlanStatus::Unfillable);
    assert!(plan.reasons()[0].contains("no routing strategy applies"), "{:?}", plan.reasons());
}

#[test]
fn nothing_in_stock_is_explained_per_line() {
    let net = network();
    let s = stock(&net, &[("VENDOR", "CAP", 5)]);
    let request = ship("O", CHICAGO.0, CHICAGO.1, &[("1", "TEE", 1), ("2", "CAP", 1)]);
    let strategy = Strategy::new("no vendors")
        .filter(Filter::ExcludeKinds(vec![NodeKind::Vendor]))
        .partial(PartialPolicy::Backorder);
    let plan = route(&net, strategy, &s, &request);
    assert_eq!(plan.status(), PlanStatus::Unfillable);
    assert_eq!(plan.backordered().len(), 2, "with a backorder policy every unit is backordered");
    let reasons = plan.reasons();
    assert!(reasons[0].contains("no location has TEE in stock"), "{reasons:?}");
    assert!(reasons[1].contains("only at locations the routing rules exclude"), "{reasons:?}");
}

// ---- fulfillment shapes -----------------------------------------------------------------

#[test]
fn drop_ship_from_a_vendor_and_ship_from_store() {
    let net = network();
    let s = stock(&net, &[("VENDOR", "SOFA", 10), ("STORE-A", "TEE", 3)]);
    let plan =
        route(&net, Strategy::new("s"), &s, &ship("O", CHICAGO.0, CHICAGO.1, &[("1", "SOFA", 1), ("2", "TEE", 1)]));
    let kinds: Vec<(&str, ShipmentKind)> = plan.shipments().iter().map(|s| (s.node().as_str(), s.kind())).collect();
    assert_eq!(kinds, [("STORE-A", ShipmentKind::Ship), ("VENDOR", ShipmentKind::DropShip)]);
    check_feasible(
        &net,
        &s,
        &Usage::new(&net),
        &ship("O", CHICAGO.0, CHICAGO.1, &[("1", "SOFA", 1), ("2", "TEE", 1)]),
        &SplitPolicy::default(),
        PartialPolicy::Reject,
        &plan,
    );
}

#[test]
fn pickup_takes_local_units_and_transfers_the_rest_over_the_cheapest_multi_hop_path() {
    let net = network();
    // STORE-A has one lamp; STORE-B has more: STORE-B -> DC -> HUB -> STORE-A costs 1 + 3 + 2.5.
    let s = stock(&net, &[("STORE-A", "LAMP", 1), ("STORE-B", "LAMP", 2)]);
    let request = pickup("P", "STORE-A", &[("1", "LAMP", 3)]);
    let plan = route(&net, Strategy::new("p").engine(Engine::Optimal), &s, &request);
    let kinds: Vec<(&str, ShipmentKind, u32)> =
        plan.shipments().iter().map(|s| (s.node().as_str(), s.kind(), s.units())).collect();
    assert_eq!(kinds, [("STORE-A", ShipmentKind::Collect, 1), ("STORE-B", ShipmentKind::Transfer, 2)]);
    assert_eq!(plan.cost().to_decimal(), dec!(1.20) + dec!(6.50) + dec!(2.20));
    check_feasible(&net, &s, &Usage::new(&net), &request, &SplitPolicy::default(), PartialPolicy::Reject, &plan);

    // A node with no lane path to the pickup point is removed, and says so.
    let s = stock(&net, &[("VENDOR", "LAMP", 5)]);
    let plan = route(&net, Strategy::new("p"), &s, &pickup("P", "LOCKER", &[("1", "LAMP", 1)]));
    assert_eq!(plan.status(), PlanStatus::Unfillable);
    assert_eq!(removal(&plan, "VENDOR"), Removal::NoTransfer);
}

#[test]
fn capacity_runs_out_across_a_batch() {
    let mut nodes = network().nodes().to_vec();
    nodes[2] = nodes[2].clone().with_capacity_units(2); // STORE-A takes 2 units today
    let net = Network::new(nodes, network().lanes().to_vec()).unwrap();
    let router = Router::new(net, RuleSet::single(Strategy::new("s")).unwrap());
    let mut s = stock(router.network(), &[("STORE-A", "TEE", 10), ("DC", "TEE", 10)]);
    let mut usage = Usage::new(router.network());
    let mut sources = Vec::new();
    for i in 0..3 {
        let plan =
            router.route(&ship(&format!("O-{i}"), CHICAGO.0, CHICAGO.1, &[("1", "TEE", 1)]), &s, &usage).unwrap();
        s.take(&plan).unwrap();
        usage.record(&plan).unwrap();
        sources.push(nodes_of(&plan)[0].to_owned());
    }
    assert_eq!(sources, ["STORE-A", "STORE-A", "DC"]);
    let store = router.network().index_of(&"STORE-A".parse().unwrap()).unwrap();
    assert_eq!(usage.units_left(store), Some(0));
}

#[test]
fn a_rejecting_node_is_excluded_on_reroute() {
    let net = network();
    let s = stock(&net, &[("STORE-A", "TEE", 5), ("STORE-B", "TEE", 5)]);
    let first = route(&net, Strategy::new("s"), &s, &tee(1));
    assert_eq!(nodes_of(&first), ["STORE-A"]);
    let reroute = tee(1).exclude("STORE-A".parse().unwrap()).exclude("NOT-IN-NETWORK".parse().unwrap());
    let second = route(&net, Strategy::new("s"), &s, &reroute);
    assert_eq!(nodes_of(&second), ["STORE-B"]);
    assert_eq!(removal(&second, "STORE-A"), Removal::Excluded);
}

// ---- explanations and errors ------------------------------------------------------------

#[test]
fn every_candidate_has_a_verdict_and_the_words_read_well() {
    let net = network();
    let s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 5), ("STORE-B", "TEE", 5), ("VENDOR", "TEE", 5)]);
    let plan = route(&net, Strategy::new("cheapest").filter(Filter::ExcludeKinds(vec![NodeKind::Vendor])), &s, &tee(2));
    let attempt = &plan.explanation().attempts()[0];
    assert_eq!(attempt.candidates().len(), 4);
    assert!(matches!(verdict(&plan, "STORE-A"), Verdict::Chosen { units: 2, .. }));
    assert_eq!(attempt.ranks().iter().flatten().count(), 2, "two eligible nodes not chosen are ranked");
    let words = plan.explanation().to_words();
    assert_eq!(words[0], "strategy \"cheapest\" (greedy engine) filled the order");
    assert!(words[1].starts_with("  STORE-A ships 2 units for 6.9106"), "{words:?}");
    assert!(words[2].starts_with("  STORE-B (rank 1) could supply 2 units for 7.10"), "{words:?}");
    assert!(words.iter().any(|w| w.contains("VENDOR is a vendor, which this strategy does not use")), "{words:?}");
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["explanation"]["attempts"][0]["candidates"][0]["node"], "DC");
}

#[test]
fn explanations_read_later_describe_the_stock_the_order_saw() {
    // Given a plan routed against some stock,
    let net = network();
    let mut s = stock(&net, &[("DC", "TEE", 5), ("STORE-A", "TEE", 5), ("STORE-B", "TEE", 5)]);
    let plan = route(&net, Strategy::new("s"), &s, &tee(2));
    let copy = plan.clone();
    // when the stock moves before anyone reads the explanation,
    s.take(&plan).unwrap();
    s.set(&"STORE-B".parse().unwrap(), "TEE".parse().unwrap(), 0).unwrap();
    // then the verdicts are those of routing time, the same on every read and on a copy.
    assert!(matches!(verdict(&plan, "STORE-A"), Verdict::Chosen { units: 2, .. }));
    assert!(matches!(verdict(&plan, "STORE-B"), Verdict::NotChosen { could_supply: 2, .. }));
    assert_eq!(copy.explanation().to_words(), plan.explanation().to_words());
    assert_eq!(copy, plan);
    fn shareable<T: Send + Sync>(_: &T) {}
    shareable(&plan);
}

#[test]
fn invalid_requests_and_rules_are_refused_naming_the_problem() {
    let net = network();
    let s = stock(&net, &[]);
    let router = Router::new(net, RuleSet::single(Strategy::new("s")).unwrap());
    let usage = Usage::new(router.network());
    let err = |r: Request| router.route(&r, &s, &usage).unwrap_err().to_string();
    assert_eq!(err(Request::ship("O".parse().unwrap(), at(0.0, 0.0))), "request O: has no lines");
    assert_eq!(err(tee(0)), "request O-1 line 1: quantity must be at least 1");
    assert_eq!(err(ship("O", 0.0, 0.0, &[("1", "A", 1), ("1", "B", 1)])), "request O line 1: line id appears twice");
    assert_eq!(err(pickup("P", "NOPE", &[("1", "A", 1)])), "request P: pickup node NOPE is unknown");
    assert_eq!(
        err(pickup("P", "DC", &[("1", "A", 1)])),
        "request P: node DC is not a pickup point (it does not list pickup)"
    );
    let bad = RuleSet::from_json(r#"{"strategies": [{"name": "x", "split": {"max_shipments": 0}}]}"#).unwrap_err();
    assert_eq!(bad.to_string(), "strategy \"x\": max_shipments must be at least 1");
    let bad =
        RuleSet::from_json(r#"{"strategies": [{"name": "x", "rank": {"weighted": {"cost": "-1"}}}]}"#).unwrap_err();
    assert!(bad.to_string().contains("negative"), "{bad}");
    let deep = Strategy::new("deep").ranking(Ranking::Lexicographic(vec![
        Ranker::Cost,
        Ranker::Distance,
        Ranker::Priority,
        Ranker::StockDepth,
        Ranker::FewestShipments,
    ]));
    assert!(RuleSet::single(deep).is_err());
}
