//! The routing scenario format (version 1): one JSON document holding a network, its stock, a
//! batch of orders and a policy. Read and validate it as a whole ([`Scenario::from_json`]),
//! route the orders in document order consuming stock and capacity ([`Scenario::run`]), write
//! the result ([`ScenarioResult::to_json`]).
//!
//! The format is specified in `routing-scenario.md` beside this crate's manifest. Two points
//! it leaves open, decided here:
//! - With `partial: "backorder"`, an order of which nothing can be filled is `unfillable` and
//!   lists every unit as backordered; with `reject` it lists none.
//! - With `split_lines: false` and `partial: "backorder"`, a line may be partly filled from one
//!   node (the rest backordered): the rule forbids splitting a line across nodes.
//!
//! Optional extensions (a document without them is read as the format says):
//! - `policy.objective`: `"min_cost"` (the default) or `"min_shipments"` (fewest shipments,
//!   then cost, then the format's tie rule);
//! - `policy.search_budget`: search nodes the optimal engine may explore per order (default
//!   [`Budget::DEFAULT_NODES`](crate::Budget::DEFAULT_NODES));
//! - in the result, `"proven_optimal": false` on an order whose plan is the best found within
//!   that budget but not proven best (absent when proven).
//!
//! Costs are written exactly (millionths) with at least four decimals; `reasons` appears for
//! partial and unfillable orders.
//!
//! ```
//! let input = r#"{"version": 1,
//!   "nodes": [{"id": "W1", "kind": "warehouse", "location": {"lat": 34.05, "lon": -118.24},
//!              "methods": ["ship"], "shipment_cost": "5.00", "cost_per_km": "0", "unit_cost": "0.50"}],
//!   "inventory": [{"node": "W1", "sku": "SOFA", "available": 1}],
//!   "orders": [{"id": "C-1", "method": "ship", "destination": {"lat": 45.5, "lon": -122.7},
//!               "lines": [{"id": "1", "sku": "SOFA", "quantity": 2}]}],
//!   "policy": {"partial": "backorder"}}"#;
//! let result = oms_routing::scenario::Scenario::from_json(input)?.run()?;
//! assert_eq!(result.orders[0].status, "partial");
//! assert_eq!(result.orders[0].cost.to_string(), "5.500000");
//! assert_eq!(result.totals.units, 1);
//! assert!(result.to_json().contains("\"cost\": \"5.5000\""));
//!
//! let bad = input.replace("\"quantity\": 2", "\"quantity\": -2");
//! let err = oms_routing::scenario::Scenario::from_json(&bad).unwrap_err();
//! assert_eq!(err.to_string(), "scenario orders[0].lines[0] \"1\": quantity -2 must be at least 1");
//! # Ok::<(), oms_routing::Error>(())
//! ```

mod document;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Engine, Error, Plan, Request, Result, Router, RuleSet, Scratch, Stock, Strategy, Usage};

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    router: Router,
    stock: Stock,
    requests: Vec<Request>,
}

impl Scenario {
    /// Reads and validates a scenario document; an invalid one is refused as a whole.
    ///
    /// # Errors
    /// [`Error::InvalidScenario`] naming the element (`nodes[2] "STORE-MKE"`,
    /// `orders[4].lines[1] "2"`, `policy.mode`, `version`, or `document` for JSON that does
    /// not parse, with its line and column).
    pub fn from_json(json: &str) -> Result<Scenario> {
        let doc: document::Doc = serde_json::from_str(json)
            .map_err(|e| Error::InvalidScenario { element: "document".into(), problem: e.to_string() })?;
        let parts = doc.validate()?;
        let mut router = Router::new(parts.network, parts.rules);
        if let Some(budget) = parts.budget {
            router = router.with_budget(budget);
        }
        Ok(Scenario { router, stock: parts.stock, requests: parts.requests })
    }

    /// The same scenario with its policy's engine replaced (`greedy` or `optimal`).
    pub fn with_engine(self, engine: Engine) -> Result<Scenario> {
        let strategies: Vec<Strategy> =
            self.router.rules().strategies().iter().map(|s| s.clone().engine(engine)).collect();
        let router = Router::new(self.router.network().clone(), RuleSet::new(strategies)?)
            .with_budget(self.router.budget().clone());
        Ok(Scenario { router, ..self })
    }

    /// The router built from the network and policy.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The stock at the start of the batch.
    pub fn stock(&self) -> &Stock {
        &self.stock
    }

    /// The orders, in document order.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }

    /// Routes every order in document order; each plan consumes stock and capacity before the
    /// next order is routed. `visit` sees each plan (with its full explanation) as it is made.
    ///
    /// # Errors
    /// Only on an internal inconsistency (a plan taking more than is left), never on input.
    pub fn for_each_plan(&self, mut visit: impl FnMut(Plan)) -> Result<()> {
        let mut stock = self.stock.clone();
        let mut usage = Usage::new(self.router.network());
        let mut scratch = Scratch::new();
        for request in &self.requests {
            let plan = self.router.route_with(&mut scratch, request, &stock, &usage)?;
            stock.take(&plan)?;
            usage.record(&plan)?;
            visit(plan);
        }
        Ok(())
    }

    /// Every plan, in document order (explanations included: memory grows with the batch).
    ///
    /// # Errors
    /// As [`Scenario::for_each_plan`].
    pub fn plans(&self) -> Result<Vec<Plan>> {
        let mut plans = Vec::with_capacity(self.requests.len());
        self.for_each_plan(|p| plans.push(p))?;
        Ok(plans)
    }

    /// Routes the batch and summarises it in the result format (explanations are reduced to
    /// their reasons as each order is routed).
    ///
    /// # Errors
    /// As [`Scenario::for_each_plan`].
    pub fn run(&self) -> Result<ScenarioResult> {
        let mut result = ScenarioResult::default();
        self.for_each_plan(|plan| result.push(&plan))?;
        Ok(result)
    }
}

/// Reads, validates, routes and writes: the whole format in one call.
///
/// # Errors
/// As [`Scenario::from_json`] and [`Scenario::run`].
pub fn run_json(json: &str) -> Result<String> {
    Ok(Scenario::from_json(json)?.run()?.to_json())
}

mod cost_str {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        let mut d = value.normalize();
        if d.scale() < 4 {
            d.rescale(4);
        }
        s.collect_str(&d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        oms_core::decimal_str::deserialize(d)
    }
}

/// Units of a line, as written in a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultLine {
    /// Line id.
    pub line: String,
    /// Sku.
    pub sku: String,
    /// Units.
    pub quantity: u32,
}

/// One shipment of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultShipment {
    /// Source node.
    pub node: String,
    /// Shipment or transfer cost plus unit costs.
    #[serde(with = "cost_str")]
    pub cost: Decimal,
    /// Lines and units.
    pub lines: Vec<ResultLine>,
}

/// One order of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderResult {
    /// Order id.
    pub order: String,
    /// `routed`, `partial` or `unfillable`.
    pub status: String,
    /// Cost of the order's shipments.
    #[serde(with = "cost_str")]
    pub cost: Decimal,
    /// Shipments, by node id.
    pub shipments: Vec<ResultShipment>,
    /// Units backordered.
    pub backordered: Vec<ResultLine>,
    /// Why the order is partial or unfillable, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Extension: `false` when the optimal engine's search budget ran out before it proved the
    /// plan best (absent otherwise: proven, or greedy mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proven_optimal: Option<bool>,
}

/// Totals of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Orders.
    pub orders: u64,
    /// Orders routed whole.
    pub routed: u64,
    /// Orders partly routed.
    pub partial: u64,
    /// Orders not routed.
    pub unfillable: u64,
    /// Shipments (including transfers and units collected at the pickup point).
    pub shipments: u64,
    /// Units routed.
    pub units: u64,
    /// Total cost.
    #[serde(with = "cost_str")]
    pub cost: Decimal,
}

/// A scenario's result document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Per order, in document order.
    pub orders: Vec<OrderResult>,
    /// Sums.
    pub totals: Totals,
}

impl Default for ScenarioResult {
    fn default() -> ScenarioResult {
        ScenarioResult {
            orders: Vec::new(),
            totals: Totals {
                orders: 0,
                routed: 0,
                partial: 0,
                unfillable: 0,
                shipments: 0,
                units: 0,
                cost: Decimal::ZERO,
            },
        }
    }
}

fn result_line(l: &crate::LineQuantity) -> ResultLine {
    ResultLine { line: l.line.to_string(), sku: l.sku.to_string(), quantity: l.quantity }
}

impl ScenarioResult {
    /// Summarises plans in the result format.
    pub fn from_plans(plans: &[Plan]) -> ScenarioResult {
        let mut result = ScenarioResult::default();
        for plan in plans {
            result.push(plan);
        }
        result
    }

    /// Adds one plan.
    pub fn push(&mut self, plan: &Plan) {
        let totals = &mut self.totals;
        totals.orders += 1;
        match plan.status() {
            crate::PlanStatus::Routed => totals.routed += 1,
            crate::PlanStatus::Partial => totals.partial += 1,
            crate::PlanStatus::Unfillable => totals.unfillable += 1,
        }
        totals.shipments += plan.shipments().len() as u64;
        totals.units += u64::from(plan.units());
        // Exact: both are whole millionths.
        totals.cost += plan.cost().to_decimal();
        self.orders.push(OrderResult {
            order: plan.order().to_string(),
            status: plan.status().as_str().to_owned(),
            cost: plan.cost().to_decimal(),
            shipments: plan
                .shipments()
                .iter()
                .map(|s| ResultShipment {
                    node: s.node().to_string(),
                    cost: s.cost().to_decimal(),
                    lines: s.lines().iter().map(result_line).collect(),
                })
                .collect(),
            backordered: plan.backordered().iter().map(result_line).collect(),
            reasons: plan.reasons(),
            proven_optimal: matches!(plan.optimality(), crate::Optimality::Unproven { .. }).then_some(false),
        });
    }

    /// The result as JSON (indented by one space, like the format's samples).
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(256 * self.orders.len() + 256);
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        // Strings, integers and decimals only: serialization cannot fail.
        if self.serialize(&mut ser).is_err() {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
