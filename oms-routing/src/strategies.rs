//! Proptest strategies (feature `proptest`) for networks, stock and requests, so you can
//! property-test your own rules; and a seeded generator of large routing scenarios.
//!
//! ```
//! use oms_routing::strategies::{small_world, WorldConfig};
//! use oms_routing::*;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! // Property: your rule never routes from a node tagged "closed".
//! let rules = RuleSet::single(Strategy::new("open only").filter(Filter::ExcludeTags(vec!["closed".into()])))?;
//! TestRunner::default()
//!     .run(&small_world(WorldConfig::default()), |world| {
//!         let router = Router::new(world.network.clone(), rules.clone());
//!         let usage = Usage::new(router.network());
//!         for request in &world.requests {
//!             let plan = router.route(request, &world.stock, &usage).unwrap();
//!             for s in plan.shipments() {
//!                 prop_assert!(!router.network().node_by_id(s.node()).unwrap().has_tag("closed"));
//!             }
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! # Ok::<(), oms_routing::Error>(())
//! ```

use oms_core::GeoPoint;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::{Lane, Network, Node, NodeKind, PartialPolicy, Request, SplitMode, SplitPolicy, Stock};

mod generate;
pub use generate::{ScenarioConfig, scenario_json};

/// A network, its stock, and a batch of requests over it.
#[derive(Debug, Clone)]
pub struct World {
    /// The network.
    pub network: Network,
    /// Stock at the start.
    pub stock: Stock,
    /// Requests, routed in order.
    pub requests: Vec<Request>,
}

/// Sizes of a generated [`World`].
#[derive(Debug, Clone, Copy)]
pub struct WorldConfig {
    /// At most this many nodes (at least 1).
    pub max_nodes: usize,
    /// At most this many skus.
    pub max_skus: usize,
    /// At most this many requests.
    pub max_requests: usize,
    /// At most this many lines per request.
    pub max_lines: usize,
}

impl Default for WorldConfig {
    /// Up to 6 nodes, 4 skus, 4 requests of up to 3 lines: small enough for exhaustive checks.
    fn default() -> WorldConfig {
        WorldConfig { max_nodes: 6, max_skus: 4, max_requests: 4, max_lines: 3 }
    }
}

fn kind() -> impl Strategy<Value = NodeKind> {
    prop_oneof![Just(NodeKind::Warehouse), Just(NodeKind::Store), Just(NodeKind::Vendor), Just(NodeKind::Locker)]
}

fn money(max_cents: i64) -> impl Strategy<Value = Decimal> {
    (0..=max_cents).prop_map(|c| Decimal::new(c, 2))
}

/// A node with a random kind, place (around one region, so distances matter but do not
/// dominate), costs, capacity (sometimes), enabled flag (mostly true) and tags.
pub fn node(id: String) -> impl Strategy<Value = Node> {
    (
        kind(),
        30.0f64..45.0,
        -100.0f64..-75.0,
        money(900),
        (0i64..=80).prop_map(|m| Decimal::new(m, 4)),
        money(150),
        proptest::option::weighted(0.3, 0u32..=6),
        proptest::bool::weighted(0.9),
        proptest::bool::weighted(0.2),
    )
        .prop_filter_map("valid node", move |(kind, lat, lon, ship, per_km, unit, cap, enabled, tagged)| {
            let location = GeoPoint::new(lat, lon).ok()?;
            let mut n =
                Node::new(id.parse().ok()?, kind, location).with_costs(ship, per_km, unit).with_enabled(enabled);
            if let Some(cap) = cap {
                n = n.with_capacity_units(cap);
            }
            Some(if tagged { n.with_tag("closed") } else { n })
        })
}

/// A valid network of `1..=max_nodes` nodes (`N0`, `N1`, ...) with random lanes.
pub fn network(max_nodes: usize) -> impl Strategy<Value = Network> {
    (1..=max_nodes.max(1))
        .prop_flat_map(|n| {
            let nodes: Vec<_> = (0..n).map(|i| node(format!("N{i}"))).collect();
            let lanes = proptest::collection::vec((0..n, 0..n, money(800)), 0..=n * 2);
            (nodes, lanes)
        })
        .prop_map(|(nodes, lanes)| {
            let lanes = lanes
                .into_iter()
                .filter(|(a, b, _)| a != b)
                .filter_map(|(a, b, cost)| {
                    Some(Lane { from: format!("N{a}").parse().ok()?, to: format!("N{b}").parse().ok()?, cost })
                })
                .collect();
            Network::new(nodes, lanes)
        })
        .prop_filter_map("valid network", Result::ok)
}

/// A world: a network, stock of `S0..` skus at its nodes, and requests (mostly ship, some
/// pickup at nodes that list pickup).
pub fn small_world(config: WorldConfig) -> impl Strategy<Value = World> {
    let skus = config.max_skus.max(1);
    network(config.max_nodes)
        .prop_flat_map(move |network| {
            let n = network.len();
            let stock = proptest::collection::vec((0..n, 0..skus, 0u32..=8), 0..=n * skus);
            let line = (0..skus, 1u32..=4);
            let request = (
                proptest::collection::vec(line, 1..=config.max_lines.max(1)),
                30.0f64..45.0,
                -100.0f64..-75.0,
                proptest::option::weighted(0.25, 0..n),
            );
            (Just(network), stock, proptest::collection::vec(request, 1..=config.max_requests.max(1)))
        })
        .prop_map(|(network, stock_rows, request_rows)| {
            let mut stock = Stock::new(&network);
            for (node, sku, units) in stock_rows {
                if let (Some(node), Ok(sku)) = (network.nodes().get(node), format!("S{sku}").parse()) {
                    let _ = stock.set(node.id(), sku, units);
                }
            }
            let requests = request_rows
                .into_iter()
                .enumerate()
                .filter_map(|(i, (lines, lat, lon, pickup))| {
                    let order = format!("O{i}").parse().ok()?;
                    let pickup_node = pickup
                        .and_then(|p| network.nodes().get(p))
                        .filter(|n| n.supports(crate::Method::Pickup))
                        .map(|n| n.id().clone());
                    let mut r = match pickup_node {
                        Some(at) => Request::pickup(order, at),
                        None => Request::ship(order, GeoPoint::new(lat, lon).ok()?),
                    };
                    for (j, (sku, qty)) in lines.into_iter().enumerate() {
                        r = r.line(format!("L{j}").parse().ok()?, format!("S{sku}").parse().ok()?, qty);
                    }
                    Some(r)
                })
                .collect();
            World { network, stock, requests }
        })
}

/// A split policy: allowed or ship complete, sometimes a shipment limit, sometimes lines whole.
pub fn split_policy() -> impl Strategy<Value = SplitPolicy> {
    (proptest::bool::weighted(0.25), proptest::option::weighted(0.3, 1u32..=3), proptest::bool::weighted(0.7)).prop_map(
        |(complete, max, split_lines)| SplitPolicy {
            mode: if complete { SplitMode::ShipComplete } else { SplitMode::Allowed },
            max_shipments: max,
            split_lines,
            ..SplitPolicy::default()
        },
    )
}

/// Reject or backorder.
pub fn partial_policy() -> impl Strategy<Value = PartialPolicy> {
    prop_oneof![Just(PartialPolicy::Reject), Just(PartialPolicy::Backorder)]
}
