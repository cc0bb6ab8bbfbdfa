//! Properties over generated networks, stock and orders: never more than stock or capacity;
//! ship-complete and max shipments held; every unit routed, backordered or explained;
//! deterministic (whatever order the stock view reports holders in); greedy cost >= optimal.

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
