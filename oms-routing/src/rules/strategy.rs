//! Strategies and rule sets: conditions choose a strategy; a strategy filters, ranks, splits.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use super::ranker::MAX_LEVELS;
use crate::{
    Condition, Engine, Error, Filter, NodeFilter, NodeRanker, PartialPolicy, Ranking, Request, RequestCondition,
    Result, SplitPolicy,
};

#[derive(Clone)]
pub(crate) enum When {
    Data(Condition),
    Code(String, Arc<dyn RequestCondition>),
}

#[derive(Clone)]
pub(crate) enum FilterRule {
    Data(Filter),
    Code(String, Arc<dyn NodeFilter>),
}

/// One routing strategy: when it applies, which nodes it allows, how it ranks plans, how it
/// splits, and what it does with what it cannot fill.
///
/// Built from JSON (see [`RuleSet`]) or in code:
///
/// ```
/// use oms_routing::*;
/// let strategy = Strategy::new("gold customers, ship from stores nearby")
///     .when(Condition::Attribute { key: "tier".into(), value: "gold".into() })
///     .filter(Filter::RadiusKm(300.0))
///     .filter_fn("not flagship", |node: &Node, _: &Request| !node.has_tag("flagship"))
///     .ranking(Ranking::Lexicographic(vec![Ranker::FewestShipments, Ranker::Cost]))
///     .partial(PartialPolicy::Fallback);
/// assert_eq!(strategy.name(), "gold customers, ship from stores nearby");
/// ```
#[derive(Clone)]
pub struct Strategy {
    name: Arc<str>,
    pub(crate) when: When,
    pub(crate) filters: Vec<FilterRule>,
    pub(crate) ranking: Ranking,
    pub(crate) code_rankers: Vec<(String, Arc<dyn NodeRanker>)>,
    pub(crate) split: SplitPolicy,
    pub(crate) partial: PartialPolicy,
    pub(crate) engine: Engine,
}

impl fmt::Debug for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let when = match &self.when {
            When::Data(c) => format!("{c:?}"),
            When::Code(name, _) => format!("code {name:?}"),
        };
        let filters: Vec<String> = self
            .filters
            .iter()
            .map(|r| match r {
                FilterRule::Data(d) => format!("{d:?}"),
                FilterRule::Code(name, _) => format!("code {name:?}"),
            })
            .collect();
        f.debug_struct("Strategy")
            .field("name", &self.name)
            .field("when", &when)
            .field("filters", &filters)
            .field("ranking", &self.ranking)
            .field("code_rankers", &self.code_rankers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("split", &self.split)
            .field("partial", &self.partial)
            .field("engine", &self.engine)
            .finish()
    }
}

impl Strategy {
    /// A strategy that applies always, keeps every node the built-in checks keep, ranks by cost,
    /// allows splits, rejects what it cannot fill, and uses the greedy engine.
    pub fn new(name: impl Into<String>) -> Strategy {
        Strategy {
            name: Arc::from(name.into()),
            when: When::Data(Condition::Always),
            filters: Vec::new(),
            ranking: Ranking::default(),
            code_rankers: Vec::new(),
            split: SplitPolicy::default(),
            partial: PartialPolicy::Reject,
            engine: Engine::Greedy,
        }
    }

    /// The strategy's name (it appears in explanations).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name, shared (plans and explanations hold it without copying).
    pub(crate) fn shared_name(&self) -> &Arc<str> {
        &self.name
    }

    /// Applies when the condition holds.
    pub fn when(mut self, condition: Condition) -> Strategy {
        self.when = When::Data(condition);
        self
    }

    /// Applies when the code condition holds.
    pub fn when_fn(mut self, name: impl Into<String>, condition: impl RequestCondition + 'static) -> Strategy {
        self.when = When::Code(name.into(), Arc::new(condition));
        self
    }

    /// Adds a filter (filters run in the order added; the first that removes a node is the one
    /// the explanation names).
    pub fn filter(mut self, filter: Filter) -> Strategy {
        self.filters.push(FilterRule::Data(filter));
        self
    }

    /// Adds a code filter, named for explanations.
    pub fn filter_fn(mut self, name: impl Into<String>, filter: impl NodeFilter + 'static) -> Strategy {
        self.filters.push(FilterRule::Code(name.into(), Arc::new(filter)));
        self
    }

    /// Sets how plans are ranked.
    pub fn ranking(mut self, ranking: Ranking) -> Strategy {
        self.ranking = ranking;
        self
    }

    /// Adds a code ranker (a new last level, or millionths of currency in a weighted ranking).
    pub fn ranker_fn(mut self, name: impl Into<String>, ranker: impl NodeRanker + 'static) -> Strategy {
        self.code_rankers.push((name.into(), Arc::new(ranker)));
        self
    }

    /// Sets the split policy.
    pub fn split(mut self, split: SplitPolicy) -> Strategy {
        self.split = split;
        self
    }

    /// Sets what happens to what cannot be filled.
    pub fn partial(mut self, partial: PartialPolicy) -> Strategy {
        self.partial = partial;
        self
    }

    /// Sets the engine.
    pub fn engine(mut self, engine: Engine) -> Strategy {
        self.engine = engine;
        self
    }

    /// The split policy.
    pub fn split_policy(&self) -> &SplitPolicy {
        &self.split
    }

    /// The partial policy.
    pub fn partial_policy(&self) -> PartialPolicy {
        self.partial
    }

    /// The engine.
    pub fn engine_kind(&self) -> Engine {
        self.engine
    }

    pub(crate) fn applies_to(&self, request: &Request) -> bool {
        match &self.when {
            When::Data(c) => c.matches(request),
            When::Code(_, c) => c.matches(request),
        }
    }

    fn validate(&self) -> Result<()> {
        let invalid = |problem: String| Error::InvalidRules { strategy: self.name.to_string(), problem };
        let levels = match &self.ranking {
            Ranking::Lexicographic(rankers) if rankers.is_empty() => {
                return Err(invalid("the lexicographic ranking is empty".into()));
            }
            Ranking::Lexicographic(rankers) => rankers.len() + self.code_rankers.len(),
            Ranking::Weighted(weights) => {
                if weights.is_empty() && self.code_rankers.is_empty() {
                    return Err(invalid("the weighted ranking is empty".into()));
                }
                if let Some((r, w)) = weights.iter().find(|(_, w)| w.is_sign_negative() && !w.is_zero()) {
                    return Err(invalid(format!("weight {w} of {} is negative", r.as_str())));
                }
                if let Some((r, w)) = weights.iter().find(|(_, w)| **w > rust_decimal::Decimal::from(1_000_000)) {
                    return Err(invalid(format!("weight {w} of {} is above 1000000", r.as_str())));
                }
                1
            }
        };
        if levels > MAX_LEVELS {
            return Err(invalid(format!("{levels} ranking levels; at most {MAX_LEVELS} (combine more with weights)")));
        }
        if self.split.max_shipments == Some(0) {
            return Err(invalid("max_shipments must be at least 1".into()));
        }
        for rule in &self.filters {
            if let FilterRule::Data(Filter::RadiusKm(km)) = rule
                && !(km.is_finite() && *km >= 0.0)
            {
                return Err(invalid(format!("radius_km {km} must be a finite number >= 0")));
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyDoc {
    name: String,
    #[serde(default = "always")]
    when: Condition,
    #[serde(default)]
    filters: Vec<Filter>,
    #[serde(default)]
    rank: Ranking,
    #[serde(default)]
    split: SplitPolicy,
    #[serde(default)]
    partial: PartialPolicy,
    #[serde(default)]
    engine: Engine,
}

fn always() -> Condition {
    Condition::Always
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSetDoc {
    strategies: Vec<StrategyDoc>,
}

/// Strategies in order: the first whose condition holds is tried; with
/// [`PartialPolicy::Fallback`] the next one whose condition holds gets what it could not fill.
///
/// ```
/// use oms_routing::RuleSet;
/// let rules = RuleSet::from_json(r#"{"strategies": [
///   {"name": "marketplace: one box from a warehouse",
///    "when": {"channel": ["amazon-us"]},
///    "filters": [{"kinds": ["warehouse"]}],
///    "split": {"mode": "ship_complete"},
///    "partial": "fallback"},
///   {"name": "everything else: cheapest, backorder the rest",
///    "rank": {"weighted": {"cost": "1", "fewest_shipments": "2.00"}},
///    "split": {"max_shipments": 3},
///    "partial": "backorder",
///    "engine": "optimal"}
/// ]}"#)?;
/// assert_eq!(rules.strategies().len(), 2);
/// assert!(RuleSet::from_json(r#"{"strategies": [{"name": "x", "rank": {"lexicographic": []}}]}"#).is_err());
/// # Ok::<(), oms_routing::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet {
    strategies: Vec<Strategy>,
}

impl RuleSet {
    /// A rule set from strategies, checked.
    ///
    /// # Errors
    /// [`Error::InvalidRules`] naming the strategy (no strategies, an empty or too deep ranking,
    /// a negative weight, `max_shipments` 0, a bad radius).
    pub fn new(strategies: Vec<Strategy>) -> Result<RuleSet> {
        if strategies.is_empty() {
            return Err(Error::InvalidRules { strategy: String::new(), problem: "a rule set needs a strategy".into() });
        }
        for s in &strategies {
            s.validate()?;
        }
        Ok(RuleSet { strategies })
    }

    /// One strategy that always applies.
    pub fn single(strategy: Strategy) -> Result<RuleSet> {
        RuleSet::new(vec![strategy])
    }

    /// Reads a rule set from JSON: `{"strategies": [{"name", "when", "filters", "rank", "split",
    /// "partial", "engine"}, ...]}` (every field but `name` optional).
    ///
    /// # Errors
    /// [`Error::InvalidRules`] for JSON that does not parse or rules that do not validate.
    pub fn from_json(json: &str) -> Result<RuleSet> {
        let doc: RuleSetDoc = serde_json::from_str(json)
            .map_err(|e| Error::InvalidRules { strategy: String::new(), problem: e.to_string() })?;
        RuleSet::new(
            doc.strategies
                .into_iter()
                .map(|d| {
                    let mut s = Strategy::new(d.name).when(d.when).ranking(d.rank).split(d.split).partial(d.partial);
                    s.engine = d.engine;
                    s.filters = d.filters.into_iter().map(FilterRule::Data).collect();
                    s
                })
                .collect(),
        )
    }

    /// The strategies, in order.
    pub fn strategies(&self) -> &[Strategy] {
        &self.strategies
    }
}
