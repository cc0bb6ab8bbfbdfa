//! The compact record routing keeps of each attempt, and the verdicts written from it.
//!
//! Per candidate the record holds its node, the units it could supply alone and the units
//! chosen from it (12 bytes); everything else a verdict states (costs, bounds, which
//! runners-up are priced exactly) is a function of those numbers, the network and the
//! destination, so it is computed when the explanation is first read.

use std::sync::Arc;

use oms_core::{GeoPoint, NodeId};

use super::{Attempt, CandidateNote, Outcome, Removal, Shortfall, Verdict};
use crate::network::{Table, Target};
use crate::{Cost, Engine, NodeIndex, Optimality};

/// How a candidate reaches the customer: shipped to a point, or handed over at a pickup point
/// (the pickup point's own units are collected there, other nodes transfer over lanes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Reach {
    Ship(GeoPoint),
    Pickup(NodeIndex),
}

/// One candidate as routing left it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seen {
    pub node: NodeIndex,
    /// Units of the order it could supply alone.
    pub could: u32,
    /// Units the plan takes from it (0: not chosen).
    pub chosen: u32,
}

/// One strategy's attempt, before its verdicts are written.
#[derive(Clone, Debug)]
pub(crate) struct Draft {
    pub strategy: Arc<str>,
    pub engine: Engine,
    pub outcome: Outcome,
    pub shortfalls: Vec<Shortfall>,
    pub seen: Vec<Seen>,
    pub removed: Vec<(NodeIndex, Removal)>,
    pub optimality: Optimality,
}

/// Every attempt at one order, with what is needed to explain it.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    table: Arc<Table>,
    reach: Option<Reach>,
    drafts: Vec<Draft>,
}

/// How many passed-over nodes get an exact price in an explanation: the runners-up.
const PRICED_RUNNERS_UP: usize = 3;

impl Record {
    pub fn new(table: Arc<Table>, reach: Option<Reach>, drafts: Vec<Draft>) -> Record {
        Record { table, reach, drafts }
    }

    pub fn names(&self) -> &Arc<[NodeId]> {
        &self.table.ids
    }

    pub fn last_optimality(&self) -> Optimality {
        self.drafts.last().map_or(Optimality::Heuristic, |d| d.optimality)
    }

    pub fn last_shortfalls(&self) -> &[Shortfall] {
        self.drafts.last().map_or(&[], |d| d.shortfalls.as_slice())
    }

    pub fn resolve(&self) -> Vec<Attempt> {
        let point = match self.reach {
            Some(Reach::Ship(p)) => Some(Target::new(p)),
            _ => None,
        };
        self.drafts
            .iter()
            .map(|d| Attempt {
                strategy: Arc::clone(&d.strategy),
                engine: d.engine,
                candidates: self.notes(d, point),
                shortfalls: d.shortfalls.clone(),
                outcome: d.outcome,
                optimality: d.optimality,
            })
            .collect()
    }

    /// The cost of `units` from `node` alone: exact, or with the distance at its chord lower
    /// bound (the same numbers the engines priced with).
    fn cost(&self, node: NodeIndex, units: u32, point: Option<Target>, exact: bool) -> Cost {
        let Some(facts) = self.table.facts(node) else { return Cost::ZERO };
        let fixed = match (self.reach, point) {
            (Some(Reach::Ship(_)), Some(to)) => {
                if exact {
                    facts.ship_cost(facts.km_to(&to))
                } else {
                    facts.ship_cost_floor(facts.km_lb_to(&to))
                }
            }
            (Some(Reach::Pickup(at)), _) if at != node => self.table.transfer_cost(node, at).unwrap_or(Cost::ZERO),
            _ => Cost::ZERO,
        };
        fixed + facts.unit_cost.times(units)
    }

    /// Every candidate's verdict: removed (by what), chosen (units, cost), or passed over. The
    /// [`PRICED_RUNNERS_UP`] passed-over nodes with the lowest cost bounds (ties by node) are
    /// priced exactly; the others are reported as "at least" their bound. The rule depends only
    /// on the inputs, never on which nodes an engine happened to price.
    fn notes(&self, d: &Draft, point: Option<Target>) -> Vec<CandidateNote> {
        let mut notes = Vec::with_capacity(d.seen.len() + d.removed.len());
        let mut runners_up: Vec<(Cost, NodeIndex, usize)> = Vec::with_capacity(PRICED_RUNNERS_UP + 1);
        for s in &d.seen {
            let verdict = if s.chosen > 0 {
                Verdict::Chosen { units: s.chosen, cost: self.cost(s.node, s.chosen, point, true) }
            } else {
                let bound = self.cost(s.node, s.could, point, false);
                if runners_up.len() < PRICED_RUNNERS_UP
                    || runners_up.last().is_some_and(|last| (bound, s.node) < (last.0, last.1))
                {
                    let at = runners_up.partition_point(|r| (r.0, r.1) < (bound, s.node));
                    runners_up.insert(at, (bound, s.node, notes.len()));
                    runners_up.truncate(PRICED_RUNNERS_UP);
                }
                Verdict::NotChosen { could_supply: s.could, cost: bound, exact: false }
            };
            notes.push(CandidateNote { node: s.node, verdict });
        }
        for (_, node, at) in runners_up {
            if let Some(CandidateNote { verdict: Verdict::NotChosen { could_supply, cost, exact }, .. }) =
                notes.get_mut(at)
            {
                *cost = self.cost(node, *could_supply, point, true);
                *exact = true;
            }
        }
        for (node, removal) in &d.removed {
            notes.push(CandidateNote { node: *node, verdict: Verdict::Removed { removal: removal.clone() } });
        }
        notes
    }
}
