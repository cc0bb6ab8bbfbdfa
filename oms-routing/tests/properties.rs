//! Properties over generated networks, stock and orders: never more than stock or capacity;
//! ship-complete and max shipments held; every unit routed, backordered or explained;
//! deterministic (whatever order the stock view reports holders in); greedy cost >= optimal;
//! and the optimal engine's cost equals a brute-force minimum over every unit assignment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::check_feasible;
use oms_core::{NodeId, Sku};
use oms_routing::strategies::{WorldConfig, partial_policy, small_world, split_policy};
use oms_routing::*;
use proptest::prelude::*;

/// The same stock, reported in reverse order.
struct Reversed<'a>(&'a Stock);

impl StockView for Reversed<'_> {
    fn for_each_holder(&self, sku: &Sku, visit: &mut dyn FnMut(&NodeId, u32)) {
        let mut all: Vec<(NodeId, u32)> = Vec::new();
        self.0.for_each_holder(sku, &mut |n, u| all.push((n.clone(), u)));
        for (n, u) in all.into_iter().rev() {
            visit(&n, u);
        }
    }
}

fn router(world: &strategies::World, split: &SplitPolicy, partial: PartialPolicy, engine: Engine) -> Router {
    let strategy = oms_routing::Strategy::new("p").split(split.clone()).partial(partial).engine(engine);
    Router::new(world.network.clone(), RuleSet::single(strategy).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn batches_stay_within_stock_capacity_and_policy(
        world in small_world(WorldConfig::default()),
        split in split_policy(),
        partial in partial_policy(),
        optimal in any::<bool>(),
    ) {
        let engine = if optimal { Engine::Optimal } else { Engine::Greedy };
        let router = router(&world, &split, partial, engine);
        let mut stock = world.stock.clone();
        let mut usage = Usage::new(router.network());
        for request in &world.requests {
            let plan = router.route(request, &stock, &usage).unwrap();
            check_feasible(router.network(), &stock, &usage, request, &split, partial, &plan);
            stock.take(&plan).unwrap();
            usage.record(&plan).unwrap();
        }
    }

    #[test]
    fn routing_is_deterministic_whatever_the_holder_order(
        world in small_world(WorldConfig::default()),
        split in split_policy(),
        partial in partial_policy(),
        optimal in any::<bool>(),
    ) {
        let engine = if optimal { Engine::Optimal } else { Engine::Greedy };
        let router = router(&world, &split, partial, engine);
        let usage = Usage::new(router.network());
        for request in &world.requests {
            let a = router.route(request, &world.stock, &usage).unwrap();
            let b = router.route(request, &world.stock, &usage).unwrap();
            prop_assert_eq!(&a, &b);
            let c = router.route(request, &Reversed(&world.stock), &usage).unwrap();
            prop_assert_eq!(a.shipments(), c.shipments());
            prop_assert_eq!(a.backordered(), c.backordered());
            prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&c).unwrap());
        }
    }

    /// Orders with more skus than a candidate row holds (and with several lines of one sku)
    /// take the wide paths: still feasible, still no better than optimal, and the same plans
    /// whatever order the stock view reports holders in.
    #[test]
    fn wide_orders_are_feasible_deterministic_and_never_beat_optimal(
        world in small_world(WorldConfig { max_nodes: 5, max_skus: 7, max_requests: 3, max_lines: 6 }),
        split in split_policy(),
        partial in partial_policy(),
    ) {
        let greedy = router(&world, &split, partial, Engine::Greedy);
        let optimal = router(&world, &split, partial, Engine::Optimal);
        let mut stock = world.stock.clone();
        let mut usage = Usage::new(greedy.network());
        for request in &world.requests {
            let g = greedy.route(request, &stock, &usage).unwrap();
            check_feasible(greedy.network(), &stock, &usage, request, &split, partial, &g);
            let again = greedy.route(request, &Reversed(&stock), &usage).unwrap();
            prop_assert_eq!(serde_json::to_string(&g).unwrap(), serde_json::to_string(&again).unwrap());
            let o = optimal.route(request, &stock, &usage).unwrap();
            check_feasible(optimal.network(), &stock, &usage, request, &split, partial, &o);
            prop_assert!(o.units() >= g.units(), "optimal fills {} < greedy {}", o.units(), g.units());
            if o.units() == g.units() {
                prop_assert!(g.cost() >= o.cost(), "greedy {} < optimal {}", g.cost(), o.cost());
            }
            stock.take(&g).unwrap();
            usage.record(&g).unwrap();
        }
    }

    #[test]
    fn greedy_never_beats_optimal(
        world in small_world(WorldConfig { max_nodes: 7, ..WorldConfig::default() }),
        split in split_policy(),
        partial in partial_policy(),
    ) {
        let greedy = router(&world, &split, partial, Engine::Greedy);
        let optimal = router(&world, &split, partial, Engine::Optimal);
        let usage = Usage::new(greedy.network());
        for request in &world.requests {
            let g = greedy.route(request, &world.stock, &usage).unwrap();
            let o = optimal.route(request, &world.stock, &usage).unwrap();
            prop_assert!(o.units() >= g.units(), "optimal fills {} < greedy {}", o.units(), g.units());
            if o.units() == g.units() {
                prop_assert!(g.cost() >= o.cost(), "greedy {} < optimal {}", g.cost(), o.cost());
            }
        }
    }
}

/// Every way to fill the request whole (units per line per node), by brute force.
fn brute_force_min_cost(
    world: &strategies::World,
    split: &SplitPolicy,
    request: &Request,
) -> Option<rust_decimal::Decimal> {
    let net = &world.network;
    let eligible: Vec<&Node> = net
        .nodes()
        .iter()
        .filter(|n| {
            n.is_enabled()
                && match request.destination() {
                    Destination::Ship { .. } => n.supports(Method::Ship),
                    Destination::Pickup { at } if at == n.id() => true,
                    Destination::Pickup { at } => {
                        n.supports(Method::Transfer)
                            && net.transfer_cost(net.index_of(n.id()).unwrap(), net.index_of(at).unwrap()).is_some()
                    }
                }
        })
        .collect();
    // All splits of each line over the eligible nodes.
    fn splits(q: u32, k: usize) -> Vec<Vec<u32>> {
        if k == 0 {
            return if q == 0 { vec![vec![]] } else { vec![] };
        }
        (0..=q)
            .flat_map(|first| {
                splits(q - first, k - 1).into_iter().map(move |mut rest| {
                    rest.insert(0, first);
                    rest
                })
            })
            .collect()
    }
    let per_line: Vec<Vec<Vec<u32>>> = request.lines().iter().map(|l| splits(l.quantity, eligible.len())).collect();
    if per_line.iter().any(Vec::is_empty) {
        return None; // some line has no eligible node at all
    }
    let mut best: Option<rust_decimal::Decimal> = None;
    let mut choice = vec![0usize; per_line.len()];
    loop {
        // Evaluate this combination.
        let mut units = vec![0u32; eligible.len()];
        let mut ok = true;
        for (n, node) in eligible.iter().enumerate() {
            for sku in request.lines().iter().map(|l| &l.sku).collect::<std::collections::BTreeSet<_>>() {
                let taken: u32 = request
                    .lines()
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| &l.sku == sku)
                    .map(|(i, _)| per_line[i][choice[i]][n])
                    .sum();
                ok &= taken <= world.stock.available(node.id(), sku);
            }
            units[n] = (0..per_line.len()).map(|i| per_line[i][choice[i]][n]).sum();
            ok &= node.capacity_units().is_none_or(|cap| units[n] <= cap);
        }
        let used = units.iter().filter(|&&u| u > 0).count();
        ok &= used <= split.max_nodes();
        if !split.split_lines {
            ok &= (0..per_line.len()).all(|i| per_line[i][choice[i]].iter().filter(|&&u| u > 0).count() <= 1);
        }
        if ok {
            let mut plan_cost = rust_decimal::Decimal::ZERO;
            for (n, node) in eligible.iter().enumerate().filter(|(n, _)| units[*n] > 0) {
                let fixed = match request.destination() {
                    Destination::Ship { to } => {
                        node.shipment_cost()
                            + node.cost_per_km()
                                * rust_decimal::Decimal::from_f64_retain(node.location().distance_km(to)).unwrap()
                    }
                    Destination::Pickup { at } if at == node.id() => rust_decimal::Decimal::ZERO,
                    Destination::Pickup { at } => world
                        .network
                        .transfer_cost(world.network.index_of(node.id()).unwrap(), world.network.index_of(at).unwrap())
                        .unwrap()
                        .to_decimal(),
                };
                plan_cost += fixed + node.unit_cost() * rust_decimal::Decimal::from(units[n]);
            }
            best = Some(best.map_or(plan_cost, |b: rust_decimal::Decimal| b.min(plan_cost)));
        }
        // Next combination.
        let mut i = 0;
        loop {
            if i == choice.len() {
                return best;
            }
            choice[i] += 1;
            if choice[i] < per_line[i].len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The optimal engine's cost equals a brute-force minimum over every assignment of units.
    #[test]
    fn optimal_matches_brute_force_on_tiny_worlds(
        world in small_world(WorldConfig { max_nodes: 4, max_skus: 2, max_requests: 2, max_lines: 2 }),
        split in split_policy(),
    ) {
        let optimal = router(&world, &split, PartialPolicy::Reject, Engine::Optimal);
        let usage = Usage::new(optimal.network());
        for request in &world.requests {
            if request.units() > 6 {
                continue; // keep the brute force small
            }
            let plan = optimal.route(request, &world.stock, &usage).unwrap();
            let brute = brute_force_min_cost(&world, &split, request);
            match brute {
                None => prop_assert_eq!(plan.status(), PlanStatus::Unfillable),
                Some(min) => {
                    prop_assert_eq!(plan.status(), PlanStatus::Routed);
                    let got = common::exact_cost(&world.network, request, &plan);
                    prop_assert!((got - min).abs() <= rust_decimal::Decimal::new(1, 5), "optimal {} vs brute force {}", got, min);
                }
            }
        }
    }
}
