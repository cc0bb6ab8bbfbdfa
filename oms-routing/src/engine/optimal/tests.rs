//! The search itself against the MILP oracle (`tests/support/milp.rs`): on the same 1,000 seeded
//! instances as the router-level test, solved with no incumbent at all and from a poor one (every
//! candidate at once), it must reach the MILP's optimum and prove it, and agree exactly with
//! the search seeded by the greedy plan. The greedy engine is optimal on nearly all of these
//! instances, so without this test a search that lost optima would go unnoticed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../tests/support/milp.rs"]
mod milp;

use super::{Budget, Optimality, solve};
use crate::admission::Admission;
use crate::engine::{Solution, assign, greedy};
use crate::problem::{Problem, Scratch};
use crate::score::Objective;
use crate::{Cost, PartialPolicy, Usage};

const INSTANCES: u64 = 1_000;

fn cost(p: &Problem<'_>, s: &Solution) -> Cost {
    s.nodes.iter().map(|&c| p.shipment_cost(c, s.takes.iter().filter(|t| t.cand == c).map(|t| t.units).sum())).sum()
}

#[test]
fn the_search_alone_reaches_and_proves_the_milp_optimum() {
    let mut searched = 0;
    for seed in 0..INSTANCES {
        // Given an instance and its order's problem.
        let inst = milp::instance(seed);
        let objective = Objective::compile(&inst.strategy);
        let admission = Admission::new(&inst.network, &inst.strategy, &objective);
        let usage = Usage::new(&inst.network);
        let mut scratch = Scratch::new();
        let p = Problem::build(
            &inst.network,
            &inst.strategy,
            &objective,
            &admission,
            &inst.request,
            &inst.stock,
            &usage,
            &mut scratch,
        )
        .unwrap();
        let ctx = format!("seed {seed}: {:?} {:?}", inst.request, inst.strategy);
        let all: Vec<usize> = (0..p.cands.len()).collect();
        let poor = if all.is_empty() { None } else { assign::evaluate(&p, &all) };
        let seeded = solve(&p, greedy::solve(&p, &mut scratch.greedy), &Budget::default());
        let optimum = milp::oracle(&inst);
        // When the search starts from nothing, or from a poor plan.
        for start in [None, poor] {
            let out = solve(&p, start, &Budget::default());
            // Then it proves the MILP's optimum, the same plan the seeded search finds.
            assert!(matches!(out.optimality, Optimality::Proven { .. }), "{ctx}");
            assert_eq!(out.best, seeded.best, "{ctx}");
            match &optimum {
                None => assert!(out.best.is_none(), "{ctx}: the MILP finds no plan"),
                Some(best) => {
                    let s = out.best.as_ref().expect("a plan");
                    assert_eq!(s.units, best.units, "{ctx}: {best:?}");
                    let got = cost(&p, s).to_decimal();
                    let got: f64 = got.try_into().unwrap();
                    assert!((got - best.cost).abs() <= 1e-6, "{ctx}: cost {got} vs MILP {best:?}");
                    if inst.shipments_first {
                        assert_eq!(s.nodes.len(), best.shipments, "{ctx}: {best:?}");
                    }
                }
            }
            if let Optimality::Proven { explored } = out.optimality {
                searched += usize::from(explored > 1);
            }
        }
        assert!(inst.strategy.partial_policy() != PartialPolicy::Fallback);
    }
    // The tree did real work on many of them (not only the root).
    assert!(searched > 200, "only {searched} searches went past the root");
}
