//! The optimal engine against an independent solver: every seeded random instance is also
//! written as a mixed-integer program and solved by `microlp` (see `support/milp.rs`). Costs
//! must agree within 1e-6, shipments too under the fewest-shipments objective and units with
//! backorders; every plan must be feasible, proven optimal, and no dearer than the greedy plan.
//!
//! 1,000 instances, 70% of 2–7 nodes and 1–4 lines, 30% of 6–13 nodes and 1–6 lines: about three
//! seconds in a debug build, and every rule combination (ship or pickup with lanes, capacity,
//! ship complete, shipment limits, whole lines, reject or backorder, both objectives) is drawn
//! dozens of times. The greedy engine is optimal on almost all of them, so this checks the
//! router end to end; `src/engine/optimal/tests.rs` checks the search itself, without it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/milp.rs"]
mod milp;

use common::check_feasible;
use milp::{instance, oracle};
use oms_routing::*;
use rust_decimal::prelude::ToPrimitive;

const INSTANCES: u64 = 1_000;

#[test]
fn optimal_engine_agrees_with_a_milp_solver_on_random_instances() {
    let mut compared = 0;
    let mut greedy_worse = 0;
    for seed in 0..INSTANCES {
        let inst = instance(seed);
        let ctx = format!("seed {seed}: {:?} {:?}", inst.request, inst.strategy);
        let router = Router::new(inst.network.clone(), RuleSet::single(inst.strategy.clone()).unwrap());
        let usage = Usage::new(router.network());
        let plan = router.route(&inst.request, &inst.stock, &usage).unwrap();
        check_feasible(
            router.network(),
            &inst.stock,
            &usage,
            &inst.request,
            inst.strategy.split_policy(),
            inst.strategy.partial_policy(),
            &plan,
        );
        assert!(plan.optimality().is_proven(), "{ctx}: {:?}", plan.optimality());
        match oracle(&inst) {
            None => assert_eq!(plan.status(), PlanStatus::Unfillable, "{ctx}: the MILP finds no plan: {plan:?}"),
            Some(best) => {
                compared += 1;
                let cost = plan.cost().to_decimal().to_f64().unwrap();
                assert_eq!(plan.units(), best.units, "{ctx}: units, MILP {best:?}");
                assert!((cost - best.cost).abs() <= 1e-6, "{ctx}: cost {cost} vs MILP {best:?}\n{plan:?}");
                if inst.shipments_first {
                    assert_eq!(plan.shipments().len(), best.shipments, "{ctx}: shipments, MILP {best:?}");
                }
            }
        }
        // The greedy engine never beats it.
        let greedy =
            Router::new(inst.network.clone(), RuleSet::single(inst.strategy.clone().engine(Engine::Greedy)).unwrap());
        let g = greedy.route(&inst.request, &inst.stock, &usage).unwrap();
        assert!(g.units() <= plan.units(), "{ctx}: greedy fills more");
        if g.units() == plan.units() && g.units() > 0 {
            let key = |p: &Plan| {
                let ships = if inst.shipments_first { p.shipments().len() } else { 0 };
                (ships, p.cost())
            };
            assert!(key(&g) >= key(&plan), "{ctx}: greedy {:?} beats optimal {:?}", key(&g), key(&plan));
            greedy_worse += usize::from(key(&g) > key(&plan));
        }
    }
    // Most instances have a plan: the comparison is not vacuous.
    assert!(compared > INSTANCES / 2, "only {compared} instances had a plan");
    eprintln!("{compared} of {INSTANCES} instances compared, greedy worse on {greedy_worse}");
}
