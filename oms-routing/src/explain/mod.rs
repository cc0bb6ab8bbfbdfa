//! Explanations: why each candidate node was removed, chosen or passed over, and why any
//! quantity was not filled — structured, and in words a customer-service agent can read.
//!
//! Routing records each attempt compactly ([`draft`]: per candidate its node, the units it
//! could supply and the units chosen); the verdicts with their costs are written from that
//! record the first time anyone reads them, so routing a batch does not pay for explanations
//! nobody opens, and an opened one is complete and identical.

pub(crate) mod draft;

use std::fmt;
use std::sync::{Arc, OnceLock};

use oms_core::{LineId, NodeId, Sku};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::{Cost, Engine, NodeIndex, NodeKind, Optimality};

/// The check or filter that removed a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "filter", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Removal {
    /// The node is disabled.
    Disabled,
    /// The node rejected this order before.
    Excluded,
    /// The node does not ship to customers.
    NoShipping,
    /// The node does not transfer stock (pickup orders).
    NoTransfer,
    /// No lane path leads from the node to the pickup point.
    NoLane,
    /// The node does not serve the order's channel.
    Channel,
    /// The node has no units or orders of capacity left.
    CapacityExhausted,
    /// The node is beyond the strategy's radius.
    Radius {
        /// The limit.
        max_km: f64,
    },
    /// The node's kind is not allowed by the strategy.
    Kind {
        /// The node's kind.
        kind: NodeKind,
    },
    /// The node lacks a required tag or carries an excluded one.
    Tag {
        /// The tag.
        tag: String,
        /// True: required but missing; false: present but excluded.
        required: bool,
    },
    /// The node has less capacity left than the strategy asks.
    CapacityLeft {
        /// Units asked for.
        units: u32,
        /// Orders asked for.
        orders: u32,
    },
    /// The node holds nothing above the strategy's safety stock.
    SafetyStock,
    /// A code filter removed it.
    Custom {
        /// The filter's name.
        name: Arc<str>,
    },
}

impl fmt::Display for Removal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Removal::Disabled => write!(f, "is disabled"),
            Removal::Excluded => write!(f, "rejected this order before"),
            Removal::NoShipping => write!(f, "does not ship to customers"),
            Removal::NoTransfer => write!(f, "cannot transfer stock to the pickup point"),
            Removal::NoLane => write!(f, "has no transfer lane to the pickup point"),
            Removal::Channel => write!(f, "does not serve this sales channel"),
            Removal::CapacityExhausted => write!(f, "has no capacity left today"),
            Removal::Radius { max_km } => write!(f, "is farther than {max_km} km"),
            Removal::Kind { kind } => write!(f, "is a {}, which this strategy does not use", kind.as_str()),
            Removal::Tag { tag, required: true } => write!(f, "lacks the tag {tag:?}"),
            Removal::Tag { tag, required: false } => write!(f, "carries the excluded tag {tag:?}"),
            Removal::CapacityLeft { units, orders } => {
                write!(f, "has less capacity left than required ({units} units, {orders} orders)")
            }
            Removal::SafetyStock => write!(f, "holds no more than its safety stock"),
            Removal::Custom { name } => write!(f, "was removed by the rule {name:?}"),
        }
    }
}

/// What became of a candidate node (one holding stock for at least one line).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// Removed before ranking.
    Removed {
        /// By what.
        removal: Removal,
    },
    /// Part of the plan.
    Chosen {
        /// Units it ships.
        units: u32,
        /// Its shipment's cost.
        cost: Cost,
    },
    /// Eligible, not used.
    NotChosen {
        /// Units of the order it could supply alone.
        could_supply: u32,
        /// Cost of supplying those units from it alone (a lower bound when `exact` is false:
        /// the engine proved it could not win without pricing the distance exactly).
        cost: Cost,
        /// Whether `cost` is exact.
        exact: bool,
    },
}

/// One node's line in an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateNote {
    pub(crate) node: NodeIndex,
    pub(crate) verdict: Verdict,
}

impl CandidateNote {
    /// The node's index in the network.
    pub fn node(&self) -> NodeIndex {
        self.node
    }

    /// What became of it.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }
}

/// Why some units were not filled.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShortfallReason {
    /// No node holds the item.
    NoStock,
    /// Only nodes the rules removed hold it.
    OnlyAtRemovedNodes {
        /// Units held there.
        held: u64,
    },
    /// Eligible nodes hold too few.
    NotEnoughStock {
        /// Units eligible nodes hold.
        eligible: u64,
    },
    /// Eligible nodes hold it but have too little capacity left.
    Capacity,
    /// No single node can ship the whole order.
    ShipComplete,
    /// The order would need more shipments than allowed.
    MaxShipments {
        /// The limit.
        max: u32,
    },
    /// No node holds the whole line, and lines may not be split.
    LinesWhole,
    /// Every way to fill it leaves a shipment below the minimum value.
    MinShipmentValue,
    /// The greedy engine found no plan that fills it (the optimal engine may).
    NotFound,
    /// No strategy applies to the order.
    NoStrategy,
    /// This line could be filled, but the order as a whole could not, and the strategy rejects
    /// partial orders.
    OrderRejected,
}

/// Units of one line that were not filled, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    /// The line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// Units not filled.
    pub quantity: u32,
    /// Why.
    #[serde(flatten)]
    pub reason: ShortfallReason,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, sku, n) = (&self.line, &self.sku, self.quantity);
        write!(f, "line {line} ({sku}): {n} unit{} not filled: ", if n == 1 { "" } else { "s" })?;
        match &self.reason {
            ShortfallReason::NoStock => write!(f, "no location has {sku} in stock"),
            ShortfallReason::OnlyAtRemovedNodes { held } => {
                write!(f, "{held} in stock, but only at locations the routing rules exclude for this order")
            }
            ShortfallReason::NotEnoughStock { eligible } => {
                write!(f, "only {eligible} available at the locations allowed for this order")
            }
            ShortfallReason::Capacity => write!(f, "the locations holding it have no capacity left today"),
            ShortfallReason::ShipComplete => {
                write!(f, "the order must ship complete and no single location has every item")
            }
            ShortfallReason::MaxShipments { max } => {
                write!(f, "filling it would need more than {max} shipment{}", if *max == 1 { "" } else { "s" })
            }
            ShortfallReason::LinesWhole => write!(f, "lines may not be split and no location has the whole line"),
            ShortfallReason::MinShipmentValue => {
                write!(f, "every way to fill it leaves a shipment below the minimum value")
            }
            ShortfallReason::NotFound => write!(f, "the fast router found no complete plan"),
            ShortfallReason::NoStrategy => write!(f, "no routing strategy applies to this order"),
            ShortfallReason::OrderRejected => {
                write!(f, "other items cannot be filled and the order may not ship partially")
            }
        }
    }
}

/// How one strategy's attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every unit routed.
    Filled,
    /// Some units routed, the rest backordered.
    Backordered,
    /// Nothing taken: the order is unfillable under this strategy.
    Rejected,
    /// Not filled whole; the next strategy was tried.
    FellBack,
}

/// One strategy's attempt at the order.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub(crate) strategy: Arc<str>,
    pub(crate) engine: Engine,
    pub(crate) candidates: Vec<CandidateNote>,
    pub(crate) shortfalls: Vec<Shortfall>,
    pub(crate) outcome: Outcome,
    pub(crate) optimality: Optimality,
}

impl Attempt {
    /// The strategy's name.
    pub fn strategy(&self) -> &str {
        &self.strategy
    }

    /// The engine used.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Every candidate node, in the order routing met them (words and JSON sort them).
    pub fn candidates(&self) -> &[CandidateNote] {
        &self.candidates
    }

    /// What was not filled, and why.
    pub fn shortfalls(&self) -> &[Shortfall] {
        &self.shortfalls
    }

    /// How it ended.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Whether the engine proved its plan (or its refusal) best.
    pub fn optimality(&self) -> Optimality {
        self.optimality
    }

    /// Each candidate's rank among the eligible nodes not chosen: most units it could supply
    /// first, then cheapest, then network order (1 is best; `None` for chosen or removed nodes).
    /// Parallel to [`Attempt::candidates`].
    pub fn ranks(&self) -> Vec<Option<u32>> {
        let mut order: Vec<(u32, Cost, NodeIndex, usize)> = self
            .candidates
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n.verdict {
                Verdict::NotChosen { could_supply, cost, .. } => Some((u32::MAX - could_supply, cost, n.node, i)),
                _ => None,
            })
            .collect();
        order.sort_unstable();
        let mut ranks = vec![None; self.candidates.len()];
        for (rank, (.., i)) in order.into_iter().enumerate() {
            if let Some(r) = ranks.get_mut(i) {
                *r = Some(u32::try_from(rank + 1).unwrap_or(u32::MAX));
            }
        }
        ranks
    }
}

/// Everything routing can say about one plan: each strategy tried, each candidate's verdict,
/// each shortfall.
#[derive(Clone)]
pub struct Explanation {
    pub(crate) record: draft::Record,
    attempts: OnceLock<Vec<Attempt>>,
}

impl fmt::Debug for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explanation").field("attempts", &self.attempts()).finish()
    }
}

impl PartialEq for Explanation {
    fn eq(&self, other: &Explanation) -> bool {
        self.attempts() == other.attempts() && *self.record.names() == *other.record.names()
    }
}

impl Explanation {
    pub(crate) fn new(record: draft::Record) -> Explanation {
        Explanation { record, attempts: OnceLock::new() }
    }

    /// The strategies tried, in order.
    pub fn attempts(&self) -> &[Attempt] {
        self.attempts.get_or_init(|| self.record.resolve())
    }

    /// The id of a candidate's node.
    pub fn node_id(&self, note: &CandidateNote) -> Option<&NodeId> {
        self.record.names().get(note.node.get())
    }

    /// Why units were not filled, in words (empty when everything was routed). Only the final
    /// attempt's shortfalls count: earlier attempts fell back.
    pub fn reasons(&self) -> Vec<String> {
        self.record.last_shortfalls().iter().map(ToString::to_string).collect()
    }

    /// The whole explanation in words: per attempt, each candidate's verdict and each shortfall.
    pub fn to_words(&self) -> Vec<String> {
        let mut out = Vec::new();
        for attempt in self.attempts() {
            let outcome = match attempt.outcome {
                Outcome::Filled => "filled the order",
                Outcome::Backordered => "filled part of the order and backordered the rest",
                Outcome::Rejected => "could not fill the order whole and rejected it",
                Outcome::FellBack => "could not fill the order whole; the next strategy was tried",
            };
            out.push(format!("strategy {:?} ({} engine) {outcome}", attempt.strategy, attempt.engine.as_str()));
            match attempt.optimality {
                Optimality::Proven { explored } => {
                    out.push(format!("  proven optimal ({explored} search nodes)"));
                }
                Optimality::Unproven { explored } => out.push(format!(
                    "  the best plan found within the search budget ({explored} search nodes), not proven optimal"
                )),
                Optimality::Heuristic => {}
            }
            let ranks = attempt.ranks();
            let mut notes: Vec<(&CandidateNote, Option<u32>)> = attempt.candidates.iter().zip(ranks).collect();
            notes.sort_by_key(|(n, rank)| match n.verdict {
                Verdict::Chosen { .. } => (0, 0, n.node),
                Verdict::NotChosen { .. } => (1, rank.unwrap_or(0), n.node),
                Verdict::Removed { .. } => (2, 0, n.node),
            });
            for (note, rank) in notes {
                let node = self.node_id(note).map_or("?", |n| n.as_str());
                out.push(match &note.verdict {
                    Verdict::Removed { removal } => format!("  {node} {removal}"),
                    Verdict::Chosen { units, cost } => format!("  {node} ships {units} units for {cost}"),
                    Verdict::NotChosen { could_supply, cost, exact } => format!(
                        "  {node} (rank {}) could supply {could_supply} units for {}{cost} but was not needed",
                        rank.unwrap_or(0),
                        if *exact { "" } else { "at least " }
                    ),
                });
            }
            for s in &attempt.shortfalls {
                out.push(format!("  {s}"));
            }
        }
        out
    }
}

impl Serialize for CandidateNoteRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Candidate", 3)?;
        st.serialize_field("node", self.0)?;
        st.serialize_field("outcome", &self.1.verdict)?;
        if let Some(rank) = self.2 {
            st.serialize_field("rank", &rank)?;
        }
        st.end()
    }
}

struct CandidateNoteRef<'a>(&'a str, &'a CandidateNote, Option<u32>);

struct AttemptRef<'a>(&'a Explanation, &'a Attempt);

impl Serialize for AttemptRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (e, a) = (self.0, self.1);
        let mut candidates: Vec<CandidateNoteRef<'_>> = a
            .candidates
            .iter()
            .zip(a.ranks())
            .map(|(n, rank)| CandidateNoteRef(e.node_id(n).map_or("?", |id| id.as_str()), n, rank))
            .collect();
        candidates.sort_by(|x, y| x.0.cmp(y.0));
        let mut st = s.serialize_struct("Attempt", 6)?;
        st.serialize_field("strategy", &a.strategy)?;
        st.serialize_field("engine", &a.engine)?;
        st.serialize_field("outcome", &a.outcome)?;
        st.serialize_field("search", &a.optimality)?;
        st.serialize_field("candidates", &candidates)?;
        st.serialize_field("shortfalls", &a.shortfalls)?;
        st.end()
    }
}

impl Serialize for Explanation {
    /// `{"attempts": [{"strategy", "engine", "outcome", "search": {"optimality", "explored"},
    /// "candidates": [{"node", "outcome": {...}}], "shortfalls": [...]}]}` with node ids resolved.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let attempts: Vec<AttemptRef<'_>> = self.attempts().iter().map(|a| AttemptRef(self, a)).collect();
        let mut st = s.serialize_struct("Explanation", 1)?;
        st.serialize_field("attempts", &attempts)?;
        st.end()
    }
}
