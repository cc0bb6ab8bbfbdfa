//! The validated fulfillment network: nodes, lanes and the cheapest transfer costs between them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use oms_core::{GeoPoint, NodeId};
use petgraph::graph::{DiGraph, NodeIndex as GraphIndex};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cost::MAX_COST_PARAMETER;
use crate::lanes::Paths;
use crate::{Cost, Error, Node, Result};

/// Hash maps and sets keyed by ids (node ids, skus): foldhash, seeded per process.
pub(crate) type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type Set<K> = HashSet<K, foldhash::fast::RandomState>;

/// A node's position in its [`Network`]: a cheap handle for hot paths and stock adapters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIndex(u32);

impl NodeIndex {
    pub(crate) fn new(i: usize) -> NodeIndex {
        NodeIndex(u32::try_from(i).unwrap_or(u32::MAX))
    }

    /// The position as a `usize`.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// A directed transfer lane between two nodes, with the cost of one transfer shipment over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    /// Where transfers leave from.
    pub from: NodeId,
    /// Where they arrive.
    pub to: NodeId,
    /// Cost of one transfer shipment over this lane.
    #[serde(with = "oms_core::decimal_str")]
    pub cost: Decimal,
}

/// Per-node numbers the engines read millions of times, precomputed once.
#[derive(Debug, Clone)]
pub(crate) struct NodeFacts {
    pub location: GeoPoint,
    pub shipment_cost: Cost,
    pub cost_per_km: Cost,
    pub unit_cost: Cost,
    pub methods: u8,
    pub enabled: bool,
    /// True when the node serves only some channels.
    pub restricted: bool,
    /// Unit vector of the location, for cheap distance lower bounds.
    pub unit_vector: [f64; 3],
    /// Cosine of the latitude, for haversine distances.
    pub cos_lat: f64,
}

/// A destination prepared for distances from many nodes: its unit vector (chord bounds) and
/// the cosine of its latitude (haversine), computed once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target {
    pub point: GeoPoint,
    pub unit_vector: [f64; 3],
    pub cos_lat: f64,
}

impl Target {
    pub fn new(point: GeoPoint) -> Target {
        Target { point, unit_vector: unit_vector(point), cos_lat: point.lat().to_radians().cos() }
    }
}

impl NodeFacts {
    /// The great-circle distance to `to` in km: exactly `GeoPoint::distance_km` from this node
    /// (same operations in the same order, bit for bit), with both latitudes' cosines taken
    /// from tables instead of computed per call.
    pub fn km_to(&self, to: &Target) -> f64 {
        let (from, other) = (self.location, to.point);
        let d_phi = (other.lat() - from.lat()).to_radians();
        let d_lambda = (other.lon() - from.lon()).to_radians();
        let a = (d_phi / 2.0).sin().powi(2) + self.cos_lat * to.cos_lat * (d_lambda / 2.0).sin().powi(2);
        2.0 * oms_core::EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }

    /// A lower bound of [`NodeFacts::km_to`] from the chord between unit vectors.
    #[inline]
    pub fn km_lb_to(&self, to: &Target) -> f64 {
        km_lower_bound(&self.unit_vector, &to.unit_vector)
    }

    /// The fixed part of a shipment to a customer `km` away (exact distance).
    pub fn ship_cost(&self, km: f64) -> Cost {
        self.shipment_cost + self.cost_per_km.per_km_fast(km)
    }

    /// The same at a lower bound of the distance, rounded down: a bound for pruning.
    pub fn ship_cost_floor(&self, km_lb: f64) -> Cost {
        self.shipment_cost + self.cost_per_km.per_km_floor(km_lb)
    }
}

/// What plans and explanations need of a network after routing: ids, per-node facts and
/// transfer costs, shared (an explanation resolves its verdicts from it on demand).
#[derive(Debug)]
pub(crate) struct Table {
    pub ids: Arc<[NodeId]>,
    pub facts: Vec<NodeFacts>,
    /// For each pickup-capable node: `(source, cheapest path cost)` sorted by source.
    pub transfers: Vec<Vec<(NodeIndex, Cost)>>,
}

impl Table {
    pub fn facts(&self, index: NodeIndex) -> Option<&NodeFacts> {
        self.facts.get(index.get())
    }

    pub fn transfer_cost(&self, source: NodeIndex, pickup: NodeIndex) -> Option<Cost> {
        let sources = self.transfers.get(pickup.get())?;
        sources.binary_search_by_key(&source, |&(n, _)| n).ok().and_then(|i| sources.get(i)).map(|&(_, c)| c)
    }
}

pub(crate) const SHIP: u8 = 1;
pub(crate) const PICKUP: u8 = 2;
pub(crate) const TRANSFER: u8 = 4;

/// A validated network. Built once with [`Network::new`]; cheap to share behind an `Arc`.
///
/// Transfer costs for pickup orders are the cheapest path over lanes (multi-hop), computed
/// once here with Dijkstra's algorithm on a `petgraph` graph, for every node that lists
/// [`Method::Pickup`](crate::Method::Pickup). Paths may pass through any node, enabled or not: lanes are transport
/// links, and "disabled" only stops a node from being a source (the scenario format's reading).
///
/// ```
/// use oms_routing::{Lane, Network, Node, NodeKind};
/// use oms_core::GeoPoint;
/// use rust_decimal_macros::dec;
/// let at = |lat, lon| GeoPoint::new(lat, lon).unwrap();
/// let network = Network::new(
///     vec![
///         Node::new("DC".parse()?, NodeKind::Warehouse, at(33.75, -84.39)),
///         Node::new("HUB".parse()?, NodeKind::Warehouse, at(35.23, -80.84)),
///         Node::new("STORE-1".parse()?, NodeKind::Store, at(35.78, -78.64)),
///     ],
///     vec![
///         Lane { from: "DC".parse()?, to: "HUB".parse()?, cost: dec!(3.00) },
///         Lane { from: "HUB".parse()?, to: "STORE-1".parse()?, cost: dec!(2.50) },
///         Lane { from: "DC".parse()?, to: "STORE-1".parse()?, cost: dec!(9.00) },
///     ],
/// )?;
/// let (dc, store) = (network.index_of(&"DC".parse()?).unwrap(), network.index_of(&"STORE-1".parse()?).unwrap());
/// assert_eq!(network.transfer_cost(dc, store).unwrap().to_decimal(), dec!(5.5)); // two hops beat one
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Network {
    nodes: Vec<Node>,
    index: Map<NodeId, NodeIndex>,
    lanes: Vec<Lane>,
    table: Arc<Table>,
}

fn cost_param(element: impl Fn() -> String, field: &'static str, value: Decimal) -> Result<Cost> {
    let invalid = |problem| Error::InvalidCost { element: element(), field, value, problem };
    if value.is_sign_negative() && !value.is_zero() {
        return Err(invalid("negative"));
    }
    if value > Decimal::from(MAX_COST_PARAMETER) {
        return Err(invalid("above the limit of 1000000000"));
    }
    Cost::from_decimal(value).ok_or_else(|| invalid("above the limit of 1000000000"))
}

pub(crate) fn unit_vector(p: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (p.lat().to_radians(), p.lon().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// A lower bound of the haversine distance from the chord between two unit vectors
/// (`2R·asin(c/2) ≥ R·c`), shaved so float error can never lift it above the true distance.
pub(crate) fn km_lower_bound(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    let chord = (dx * dx + dy * dy + dz * dz).sqrt();
    (chord * oms_core::EARTH_RADIUS_KM * (1.0 - 1e-9) - 1e-9).max(0.0)
}

impl Network {
    /// Validates nodes and lanes and precomputes transfer costs.
    ///
    /// # Errors
    /// [`Error::DuplicateNode`], [`Error::UnknownNode`] for a lane end, [`Error::InvalidCost`]
    /// for a negative or absurd cost.
    pub fn new(nodes: Vec<Node>, lanes: Vec<Lane>) -> Result<Network> {
        let mut index = Map::with_capacity_and_hasher(nodes.len(), Default::default());
        let mut facts = Vec::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if index.insert(node.id().clone(), NodeIndex::new(i)).is_some() {
                return Err(Error::DuplicateNode { node: node.id().clone() });
            }
            let element = || format!("node {}", node.id());
            facts.push(NodeFacts {
                location: node.location(),
                shipment_cost: cost_param(element, "shipment_cost", node.shipment_cost())?,
                cost_per_km: cost_param(element, "cost_per_km", node.cost_per_km())?,
                unit_cost: cost_param(element, "unit_cost", node.unit_cost())?,
                methods: node.method_bits(),
                enabled: node.is_enabled(),
                restricted: !node.serves(None),
                unit_vector: unit_vector(node.location()),
                cos_lat: node.location().lat().to_radians().cos(),
            });
        }
        let mut graph: DiGraph<(), Cost> = DiGraph::with_capacity(nodes.len(), lanes.len());
        for _ in &nodes {
            graph.add_node(());
        }
        for lane in &lanes {
            let context = || format!("lane {} -> {}", lane.from, lane.to);
            let end = |id: &NodeId| {
                index.get(id).copied().ok_or_else(|| Error::UnknownNode { context: context(), node: id.clone() })
            };
            let (from, to) = (end(&lane.from)?, end(&lane.to)?);
            let cost = cost_param(context, "cost", lane.cost)?;
            graph.add_edge(GraphIndex::new(from.get()), GraphIndex::new(to.get()), cost);
        }
        // Cheapest path from every source *to* each pickup point.
        let mut paths = Paths::default();
        let transfers = facts
            .iter()
            .enumerate()
            .map(|(p, f)| if f.methods & PICKUP == 0 { Vec::new() } else { paths.to(&graph, p) })
            .collect();
        let ids: Arc<[NodeId]> = nodes.iter().map(|n| n.id().clone()).collect();
        Ok(Network { nodes, index, lanes, table: Arc::new(Table { ids, facts, transfers }) })
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the network has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The index of a node id.
    pub fn index_of(&self, id: &NodeId) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// The node at an index (`None` for an index from another, larger network).
    pub fn node(&self, index: NodeIndex) -> Option<&Node> {
        self.nodes.get(index.get())
    }

    /// The index of a node id given as text.
    pub fn index_of_str(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// The node with an id.
    pub fn node_by_id(&self, id: &NodeId) -> Option<&Node> {
        self.index_of(id).and_then(|i| self.node(i))
    }

    /// All nodes, in the order given to [`Network::new`] (their indexes).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The lanes as given.
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// Cheapest transfer cost from `source` to the pickup point `pickup` over lanes, if any
    /// path exists and `pickup` lists [`Method::Pickup`](crate::Method::Pickup).
    pub fn transfer_cost(&self, source: NodeIndex, pickup: NodeIndex) -> Option<Cost> {
        self.table.transfer_cost(source, pickup)
    }

    /// Every source with a lane path to the pickup point `pickup`, with its cost.
    pub(crate) fn transfers_to(&self, pickup: NodeIndex) -> &[(NodeIndex, Cost)] {
        self.table.transfers.get(pickup.get()).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn facts(&self, index: NodeIndex) -> &NodeFacts {
        // Indexes reaching here come from this network (checked at the boundary).
        &self.table.facts[index.get()]
    }

    pub(crate) fn table(&self) -> &Arc<Table> {
        &self.table
    }

    pub(crate) fn ids(&self) -> &Arc<[NodeId]> {
        &self.table.ids
    }

    pub(crate) fn id(&self, index: NodeIndex) -> &NodeId {
        &self.table.ids[index.get()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NodeKind;
    use rust_decimal_macros::dec;

    fn node(id: &str) -> Node {
        Node::new(id.parse().unwrap(), NodeKind::Store, GeoPoint::new(40.0, -80.0).unwrap())
    }

    fn lane(from: &str, to: &str, cost: Decimal) -> Lane {
        Lane { from: from.parse().unwrap(), to: to.parse().unwrap(), cost }
    }

    #[test]
    fn refuses_duplicates_unknown_lane_ends_and_negative_costs() {
        assert_eq!(
            Network::new(vec![node("A"), node("A")], vec![]).unwrap_err(),
            Error::DuplicateNode { node: "A".parse().unwrap() }
        );
        let err = Network::new(vec![node("A")], vec![lane("A", "B", dec!(1))]).unwrap_err();
        assert!(err.to_string().contains("lane A -> B: unknown node B"), "{err}");
        let err = Network::new(vec![node("A").with_costs(dec!(-1), dec!(0), dec!(0))], vec![]).unwrap_err();
        assert!(err.to_string().contains("node A: shipment_cost -1 is negative"), "{err}");
        let err = Network::new(vec![node("A"), node("B")], vec![lane("A", "B", dec!(-0.01))]).unwrap_err();
        assert!(matches!(err, Error::InvalidCost { field: "cost", .. }), "{err}");
    }

    #[test]
    fn transfer_costs_take_the_cheapest_multi_hop_path() {
        let network = Network::new(
            vec![node("A"), node("B"), node("C"), node("D")],
            vec![lane("A", "B", dec!(1)), lane("B", "C", dec!(1)), lane("A", "C", dec!(5)), lane("C", "D", dec!(0.5))],
        )
        .unwrap();
        let ix = |id: &str| network.index_of(&id.parse().unwrap()).unwrap();
        assert_eq!(network.transfer_cost(ix("A"), ix("C")), Some(Cost::from_micros(2_000_000)));
        assert_eq!(network.transfer_cost(ix("A"), ix("D")), Some(Cost::from_micros(2_500_000)));
        assert_eq!(network.transfer_cost(ix("D"), ix("A")), None, "lanes are directed");
    }

    #[test]
    fn distances_from_tables_equal_distance_km_bit_for_bit() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut points: Vec<GeoPoint> =
            (0..200).map(|_| GeoPoint::new(next() * 180.0 - 90.0, next() * 360.0 - 180.0).unwrap()).collect();
        points.extend(
            [(0.0, 0.0), (90.0, 0.0), (-90.0, 180.0), (41.85, -87.65), (41.85, 92.35)]
                .map(|(a, b)| GeoPoint::new(a, b).unwrap()),
        );
        let nodes: Vec<Node> = points
            .iter()
            .enumerate()
            .map(|(i, &p)| Node::new(format!("N{i}").parse().unwrap(), NodeKind::Store, p))
            .collect();
        let network = Network::new(nodes, vec![]).unwrap();
        for (i, from) in points.iter().enumerate() {
            let facts = network.facts(NodeIndex::new(i));
            for to in points.iter().step_by(7) {
                let target = Target::new(*to);
                assert_eq!(facts.km_to(&target).to_bits(), from.distance_km(to).to_bits(), "{from:?} -> {to:?}");
                assert!(facts.km_lb_to(&target) <= from.distance_km(to));
            }
        }
    }

    #[test]
    fn chord_bound_never_exceeds_haversine() {
        let points = [(0.0, 0.0), (41.85, -87.65), (-33.9, 151.2), (89.9, 10.0), (40.7, -74.0), (40.7001, -74.0)];
        for a in points {
            for b in points {
                let (pa, pb) = (GeoPoint::new(a.0, a.1).unwrap(), GeoPoint::new(b.0, b.1).unwrap());
                let lb = km_lower_bound(&unit_vector(pa), &unit_vector(pb));
                assert!(lb <= pa.distance_km(&pb), "{a:?} {b:?}");
            }
        }
    }
}
