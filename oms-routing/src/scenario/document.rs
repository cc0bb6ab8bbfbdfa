//! The scenario document as written (permissive types), and its validation into a
//! [`Scenario`](super::Scenario) that names the offending element on every refusal.

use crate::network::{Map, Set};
use std::borrow::Cow;

use oms_core::{GeoPoint, LineId, NodeId, OrderId, Sku};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::{
    Budget, Engine, Error, Lane, Method, Network, Node, NodeKind, PartialPolicy, Ranker, Ranking, Request, Result,
    RuleSet, SplitMode, SplitPolicy, Stock, Strategy,
};

#[derive(Deserialize)]
pub(super) struct Doc<'a> {
    version: Option<serde_json::Value>,
    nodes: Option<Vec<RawNode>>,
    #[serde(default)]
    lanes: Vec<RawLane>,
    #[serde(borrow)]
    inventory: Option<Vec<RawStock<'a>>>,
    #[serde(borrow)]
    orders: Option<Vec<RawOrder<'a>>>,
    #[serde(default)]
    policy: RawPolicy,
}

#[derive(Deserialize)]
struct RawPoint {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct RawNode {
    id: String,
    kind: String,
    location: RawPoint,
    methods: Vec<String>,
    shipment_cost: String,
    cost_per_km: String,
    unit_cost: String,
    capacity_units: Option<i64>,
    enabled: Option<bool>,
}

#[derive(Deserialize)]
struct RawLane {
    from: String,
    to: String,
    cost: String,
}

#[derive(Deserialize)]
struct RawStock<'a> {
    #[serde(borrow)]
    node: Cow<'a, str>,
    #[serde(borrow)]
    sku: Cow<'a, str>,
    available: i64,
}

#[derive(Deserialize)]
struct RawOrder<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    method: Cow<'a, str>,
    destination: Option<RawPoint>,
    #[serde(borrow)]
    pickup_node: Option<Cow<'a, str>>,
    #[serde(borrow)]
    lines: Vec<RawLine<'a>>,
}

#[derive(Deserialize)]
struct RawLine<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    sku: Cow<'a, str>,
    quantity: i64,
}

#[derive(Deserialize, Default)]
struct RawPolicy {
    mode: Option<String>,
    split: Option<String>,
    max_shipments: Option<i64>,
    split_lines: Option<bool>,
    partial: Option<String>,
    /// Extension: `"min_cost"` (default) or `"min_shipments"` (fewest shipments, then cost).
    objective: Option<String>,
    /// Extension: search nodes the optimal engine may explore per order.
    search_budget: Option<i64>,
}

fn invalid(element: impl Into<String>, problem: impl Into<String>) -> Error {
    Error::InvalidScenario { element: element.into(), problem: problem.into() }
}

fn decimal(element: &str, field: &str, text: &str) -> Result<Decimal> {
    let value = Decimal::from_str_exact(text)
        .map_err(|_| invalid(element, format!("{field} {text:?} is not a decimal string")))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(invalid(element, format!("{field} {text} is negative")));
    }
    Ok(value)
}

fn point(element: &str, field: &str, p: &RawPoint) -> Result<GeoPoint> {
    GeoPoint::new(p.lat, p.lon).map_err(|e| invalid(element, format!("{field}: {e}")))
}

fn id<T: std::str::FromStr<Err = oms_core::IdError>>(element: &str, field: &str, text: &str) -> Result<T> {
    text.parse().map_err(|e| invalid(element, format!("{field}: {e}")))
}

/// The validated parts of a scenario.
pub(super) struct Parts {
    pub network: Network,
    pub rules: RuleSet,
    pub budget: Option<Budget>,
    pub stock: Stock,
    pub requests: Vec<Request>,
}

impl Doc<'_> {
    pub fn validate(self) -> Result<Parts> {
        match &self.version {
            Some(serde_json::Value::Number(n)) if n.as_i64() == Some(1) => {}
            Some(other) => return Err(invalid("version", format!("{other} is not supported (expected 1)"))),
            None => return Err(invalid("version", "is missing")),
        }
        let nodes = self.nodes.ok_or_else(|| invalid("nodes", "is missing"))?;
        let inventory = self.inventory.ok_or_else(|| invalid("inventory", "is missing"))?;
        let orders = self.orders.ok_or_else(|| invalid("orders", "is missing"))?;

        let mut built = Vec::with_capacity(nodes.len());
        let mut seen = Set::with_capacity_and_hasher(nodes.len(), Default::default());
        for (i, n) in nodes.iter().enumerate() {
            let element = format!("nodes[{i}] {:?}", n.id);
            let node_id: NodeId = id(&element, "id", &n.id)?;
            if !seen.insert(node_id.clone()) {
                return Err(invalid(element, "duplicate node id"));
            }
            let kind = match n.kind.as_str() {
                "warehouse" => NodeKind::Warehouse,
                "store" => NodeKind::Store,
                "vendor" => NodeKind::Vendor,
                "locker" => NodeKind::Locker, // extension
                other => return Err(invalid(element, format!("kind {other:?} is not warehouse, store or vendor"))),
            };
            let mut methods = Vec::new();
            for m in &n.methods {
                match m.as_str() {
                    // A node that ships may also transfer to a pickup point (the format's rule).
                    "ship" => methods.extend([Method::Ship, Method::Transfer]),
                    "pickup" => methods.push(Method::Pickup),
                    other => return Err(invalid(element, format!("method {other:?} is not ship or pickup"))),
                }
            }
            let mut node = Node::new(node_id, kind, point(&element, "location", &n.location)?)
                .with_methods(methods)
                .with_costs(
                    decimal(&element, "shipment_cost", &n.shipment_cost)?,
                    decimal(&element, "cost_per_km", &n.cost_per_km)?,
                    decimal(&element, "unit_cost", &n.unit_cost)?,
                )
                .with_enabled(n.enabled.unwrap_or(true));
            if let Some(units) = n.capacity_units {
                let units = u32::try_from(units)
                    .map_err(|_| invalid(&element, format!("capacity_units {units} must be 0..=4294967295")))?;
                node = node.with_capacity_units(units);
            }
            built.push(node);
        }
        let mut lanes = Vec::with_capacity(self.lanes.len());
        for (i, l) in self.lanes.iter().enumerate() {
            let element = format!("lanes[{i}] {:?} -> {:?}", l.from, l.to);
            let from: NodeId = id(&element, "from", &l.from)?;
            let to: NodeId = id(&element, "to", &l.to)?;
            for end in [&from, &to] {
                if !seen.contains(end) {
                    return Err(invalid(&element, format!("unknown node {end}")));
                }
            }
            lanes.push(Lane { from, to, cost: decimal(&element, "cost", &l.cost)? });
        }
        let network = Network::new(built, lanes).map_err(|e| invalid("nodes", e.to_string()))?;

        let mut stock = Stock::new(&network);
        // Skus repeat across thousands of rows: share one id per sku.
        let mut skus: Map<String, Sku> = Map::default();
        let mut sku_of = |element: &dyn Fn() -> String, text: &str| -> Result<Sku> {
            if let Some(sku) = skus.get(text) {
                return Ok(sku.clone());
            }
            let sku: Sku = id(&element(), "sku", text)?;
            skus.insert(text.to_owned(), sku.clone());
            Ok(sku)
        };
        for (i, s) in inventory.iter().enumerate() {
            let element = || format!("inventory[{i}] {:?}/{:?}", s.node, s.sku);
            let index =
                network.index_of_str(&s.node).ok_or_else(|| invalid(element(), format!("unknown node {}", s.node)))?;
            let sku = sku_of(&element, &s.sku)?;
            let available = u32::try_from(s.available)
                .map_err(|_| invalid(element(), format!("available {} must be 0..=4294967295", s.available)))?;
            if !stock.insert_new(index, sku, available) {
                return Err(invalid(element(), "this (node, sku) pair appears twice"));
            }
        }

        let mut requests = Vec::with_capacity(orders.len());
        let mut order_ids = Set::with_capacity_and_hasher(orders.len(), Default::default());
        for (i, o) in orders.iter().enumerate() {
            let element = format!("orders[{i}] {:?}", o.id);
            let order: OrderId = id(&element, "id", &o.id)?;
            if !order_ids.insert(order.clone()) {
                return Err(invalid(element, "duplicate order id"));
            }
            let mut request = match o.method.as_ref() {
                "ship" => {
                    let to =
                        o.destination.as_ref().ok_or_else(|| invalid(&element, "a ship order needs destination"))?;
                    Request::ship(order, point(&element, "destination", to)?)
                }
                "pickup" => {
                    let at = o
                        .pickup_node
                        .as_deref()
                        .ok_or_else(|| invalid(&element, "a pickup order needs pickup_node"))?;
                    let at: NodeId = id(&element, "pickup_node", at)?;
                    let node = network
                        .node_by_id(&at)
                        .ok_or_else(|| invalid(&element, format!("unknown pickup_node {at}")))?;
                    if !node.supports(Method::Pickup) {
                        return Err(invalid(element, format!("pickup_node {at} does not list pickup")));
                    }
                    Request::pickup(order, at)
                }
                other => return Err(invalid(element, format!("method {other:?} is not ship or pickup"))),
            };
            if o.lines.is_empty() {
                return Err(invalid(element, "has no lines"));
            }
            for (j, l) in o.lines.iter().enumerate() {
                let element = format!("orders[{i}].lines[{j}] {:?}", l.id);
                let line: LineId = id(&element, "id", &l.id)?;
                if o.lines.iter().take(j).any(|earlier| earlier.id == l.id) {
                    return Err(invalid(element, "duplicate line id in the order"));
                }
                let quantity = u32::try_from(l.quantity)
                    .ok()
                    .filter(|&q| q >= 1)
                    .ok_or_else(|| invalid(&element, format!("quantity {} must be at least 1", l.quantity)))?;
                request = request.line(line, sku_of(&|| element.clone(), &l.sku)?, quantity);
            }
            if request.units() > u64::from(u32::MAX) {
                return Err(invalid(element, "asks for more than 4294967295 units"));
            }
            requests.push(request);
        }
        let rules = self.policy.strategy().and_then(RuleSet::single)?;
        let budget = self.policy.budget()?;
        Ok(Parts { network, rules, budget, stock, requests })
    }
}

impl RawPolicy {
    fn strategy(&self) -> Result<Strategy> {
        let engine = match self.mode.as_deref() {
            None | Some("optimal") => Engine::Optimal,
            Some("greedy") => Engine::Greedy,
            Some(other) => return Err(invalid("policy.mode", format!("{other:?} is not optimal or greedy"))),
        };
        let mut split = SplitPolicy::default();
        split.mode = match self.split.as_deref() {
            None | Some("allowed") => SplitMode::Allowed,
            Some("ship_complete") => SplitMode::ShipComplete,
            Some(other) => return Err(invalid("policy.split", format!("{other:?} is not allowed or ship_complete"))),
        };
        if let Some(max) = self.max_shipments {
            let max = u32::try_from(max)
                .ok()
                .filter(|&m| m >= 1)
                .ok_or_else(|| invalid("policy.max_shipments", format!("{max} must be at least 1")))?;
            split.max_shipments = Some(max);
        }
        split.split_lines = self.split_lines.unwrap_or(true);
        let partial = match self.partial.as_deref() {
            None | Some("reject") => PartialPolicy::Reject,
            Some("backorder") => PartialPolicy::Backorder,
            Some(other) => return Err(invalid("policy.partial", format!("{other:?} is not reject or backorder"))),
        };
        let ranking = match self.objective.as_deref() {
            None | Some("min_cost") => Ranking::default(),
            Some("min_shipments") => Ranking::Lexicographic(vec![Ranker::FewestShipments, Ranker::Cost]),
            Some(other) => {
                return Err(invalid("policy.objective", format!("{other:?} is not min_cost or min_shipments")));
            }
        };
        Ok(Strategy::new("scenario policy").engine(engine).split(split).partial(partial).ranking(ranking))
    }

    fn budget(&self) -> Result<Option<Budget>> {
        self.search_budget
            .map(|nodes| {
                u64::try_from(nodes)
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(Budget::nodes)
                    .ok_or_else(|| invalid("policy.search_budget", format!("{nodes} must be at least 1")))
            })
            .transpose()
    }
}
