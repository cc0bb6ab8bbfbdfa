//! Rankers: which plan is better.
//!
//! Every ranker is an additive term of a plan's score, with a part per shipment and a part per
//! unit, so both engines optimise the same objective:
//!
//! | ranker | per shipment | per unit | unit of measure |
//! |---|---|---|---|
//! | `cost` | shipment or transfer cost (+ per-km part) | handling cost | millionths of currency |
//! | `distance` | km from the node to the destination (pickup point) | — | metres |
//! | `priority` | the node's priority | — | priority steps |
//! | `stock_depth` | — | 1,000,000 ÷ units the node holds of the sku | scarcity |
//! | `fewest_shipments` | 1 | — | shipments |
//! | code ranker | what the closure returns | — | its own |
//!
//! Lower is better. `lexicographic` compares plans on the first ranker, then the next, ...
//! (at most [`MAX_LEVELS`]); `weighted` adds the rankers up after converting each into money
//! with its weight: currency per km, per priority step, per shipment, per scarcity point
//! (`stock_depth`: weight w costs w when a unit is taken from a node holding only one), and
//! `cost` × its weight. Code rankers add a lexicographic level, or count as millionths of
//! currency in a weighted ranking.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Node, Request};

/// Most lexicographic levels a ranking may have.
pub const MAX_LEVELS: usize = 4;

/// A built-in ranker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Ranker {
    /// The plan's cost (the scenario format's cost model).
    Cost,
    /// Great-circle distance of each shipment.
    Distance,
    /// The nodes' configured priorities.
    Priority,
    /// Prefer taking units where stock is deep.
    StockDepth,
    /// Fewer shipments.
    FewestShipments,
}

impl Ranker {
    /// The ranker's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Ranker::Cost => "cost",
            Ranker::Distance => "distance",
            Ranker::Priority => "priority",
            Ranker::StockDepth => "stock_depth",
            Ranker::FewestShipments => "fewest_shipments",
        }
    }
}

/// How rankers combine.
///
/// ```
/// use oms_routing::{Ranker, Ranking};
/// let r: Ranking = serde_json::from_str(r#"{"lexicographic": ["fewest_shipments", "cost"]}"#)?;
/// assert_eq!(r, Ranking::Lexicographic(vec![Ranker::FewestShipments, Ranker::Cost]));
/// let w: Ranking = serde_json::from_str(r#"{"weighted": {"cost": "1", "distance": "0.002"}}"#)?;
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Ranking {
    /// Compare on the first ranker, ties on the next, ...
    Lexicographic(Vec<Ranker>),
    /// One sum, each ranker converted to money by its weight (a decimal string).
    Weighted(#[serde(with = "weights")] BTreeMap<Ranker, Decimal>),
}

impl Default for Ranking {
    /// Cost alone.
    fn default() -> Ranking {
        Ranking::Lexicographic(vec![Ranker::Cost])
    }
}

mod weights {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Ranker;

    #[derive(Serialize, Deserialize)]
    struct W(#[serde(with = "oms_core::decimal_str")] Decimal);

    pub fn serialize<S: Serializer>(map: &BTreeMap<Ranker, Decimal>, s: S) -> Result<S::Ok, S::Error> {
        map.iter().map(|(k, v)| (*k, W(*v))).collect::<BTreeMap<_, _>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Ranker, Decimal>, D::Error> {
        Ok(BTreeMap::<Ranker, W>::deserialize(d)?.into_iter().map(|(k, W(v))| (k, v)).collect())
    }
}

/// A ranker as code: a per-shipment score for a node (lower is preferred). Closures
/// `Fn(&Node, &Request) -> i64` implement it.
pub trait NodeRanker: Send + Sync {
    /// The node's score for this request.
    fn score(&self, node: &Node, request: &Request) -> i64;
}

impl<F: Fn(&Node, &Request) -> i64 + Send + Sync> NodeRanker for F {
    fn score(&self, node: &Node, request: &Request) -> i64 {
        self(node, request)
    }
}
