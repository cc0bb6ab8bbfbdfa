//! What routing may take: the stock view (given as input, never read from a store).

use crate::network::Map;
use std::sync::Arc;

use oms_core::{NodeId, Sku};

use crate::{Error, Network, NodeIndex, Plan, Result};

/// Units available to promise per node and sku, as routing sees them.
///
/// Routing never reads an inventory store: the caller hands it a view. The facade adapts
/// `oms-inventory` to this trait; [`Stock`] is a plain value implementation.
///
/// # Contract
/// - [`StockView::for_each_holder`] calls `visit` once per node holding units of `sku` that may
///   be promised (already net of safety stock and reservations), with that count (> 0).
///   Order does not matter: routing breaks every tie by node, not by visit order. A node
///   reported twice counts with the sum of its reports.
/// - Nodes the network does not know are ignored.
pub trait StockView {
    /// Calls `visit(node, units)` for every node holding units of `sku`.
    fn for_each_holder(&self, sku: &Sku, visit: &mut dyn FnMut(&NodeId, u32));

    /// The holders of `sku` as a borrowed slice of `(index, units)` (units may be 0), when the
    /// view keeps them that way for this network: the fastest path. `None` (the default) makes
    /// routing use [`StockView::for_each_holder_indexed`].
    fn holders_in(&self, network: &Network, sku: &Sku) -> Option<&[(NodeIndex, u32)]> {
        let _ = (network, sku);
        None
    }

    /// The same by node index. The provided method maps ids through the network; a view that
    /// already knows the network's indexes (like [`Stock`]) overrides it to skip the lookup.
    fn for_each_holder_indexed(&self, network: &Network, sku: &Sku, visit: &mut dyn FnMut(NodeIndex, u32)) {
        self.for_each_holder(sku, &mut |node, units| {
            if let Some(index) = network.index_of(node) {
                visit(index, units);
            }
        });
    }
}

/// A stock table for one network: the value implementation of [`StockView`].
///
/// ```
/// use oms_routing::{Network, Node, NodeKind, Stock};
/// let dc = Node::new("DC".parse()?, NodeKind::Warehouse, oms_core::GeoPoint::new(40.7, -74.2)?);
/// let network = Network::new(vec![dc], vec![])?;
/// let mut stock = Stock::new(&network);
/// stock.set(&"DC".parse()?, "TEE-M".parse()?, 50)?;
/// assert_eq!(stock.available(&"DC".parse()?, &"TEE-M".parse()?), 50);
/// assert!(stock.set(&"NOPE".parse()?, "TEE-M".parse()?, 1).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stock {
    network: Arc<[NodeId]>,
    index: Map<NodeId, NodeIndex>,
    /// Per sku: holders sorted by node index.
    by_sku: Map<Sku, Vec<(NodeIndex, u32)>>,
}

impl Stock {
    /// An empty table for `network`.
    pub fn new(network: &Network) -> Stock {
        let index = network.nodes().iter().enumerate().map(|(i, n)| (n.id().clone(), NodeIndex::new(i))).collect();
        Stock { network: Arc::clone(network.ids()), index, by_sku: Map::default() }
    }

    fn locate(&self, node: &NodeId) -> Result<NodeIndex> {
        self.index.get(node).copied().ok_or_else(|| Error::UnknownNode { context: "stock".into(), node: node.clone() })
    }

    /// Sets the units of `sku` available at `node`.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] when the network has no such node.
    pub fn set(&mut self, node: &NodeId, sku: Sku, units: u32) -> Result<()> {
        let index = self.locate(node)?;
        let holders = self.by_sku.entry(sku).or_default();
        match holders.binary_search_by_key(&index, |&(n, _)| n) {
            Ok(at) => {
                if let Some(entry) = holders.get_mut(at) {
                    entry.1 = units;
                }
            }
            Err(at) => holders.insert(at, (index, units)),
        }
        Ok(())
    }

    /// Adds a row that must be new; false (and nothing changes) when the pair is already set.
    pub(crate) fn insert_new(&mut self, index: NodeIndex, sku: Sku, units: u32) -> bool {
        let holders = self.by_sku.entry(sku).or_default();
        // Rows usually arrive grouped by node, so the new holder belongs at the end.
        match holders.last() {
            Some(&(last, _)) if last < index => {
                holders.push((index, units));
                true
            }
            None => {
                holders.push((index, units));
                true
            }
            Some(_) => match holders.binary_search_by_key(&index, |&(n, _)| n) {
                Ok(_) => false,
                Err(at) => {
                    holders.insert(at, (index, units));
                    true
                }
            },
        }
    }

    /// Units of `sku` available at `node` (0 when unknown).
    pub fn available(&self, node: &NodeId, sku: &Sku) -> u32 {
        let Some(&index) = self.index.get(node) else { return 0 };
        self.by_sku
            .get(sku)
            .and_then(|h| h.binary_search_by_key(&index, |&(n, _)| n).ok().and_then(|at| h.get(at)))
            .map_or(0, |&(_, units)| units)
    }

    /// Takes the units a plan ships, all or nothing.
    ///
    /// # Errors
    /// [`Error::Overdraw`] (and nothing changes) when the plan takes more than is available;
    /// [`Error::UnknownNode`] for a plan from another network.
    pub fn take(&mut self, plan: &Plan) -> Result<()> {
        let mut needs: Vec<(&Sku, NodeIndex, u32, &NodeId)> = Vec::new();
        for shipment in plan.shipments() {
            let index = self.locate(shipment.node())?;
            for line in shipment.lines() {
                match needs.iter_mut().find(|(s, n, _, _)| *s == &line.sku && *n == index) {
                    Some(need) => need.2 = need.2.saturating_add(line.quantity),
                    None => needs.push((&line.sku, index, line.quantity, shipment.node())),
                }
            }
        }
        for &(sku, index, units, node) in &needs {
            let have = self.units_at(sku, index);
            if have < units {
                return Err(Error::Overdraw {
                    order: plan.order().clone(),
                    problem: format!("{units} of {sku} at {node}, {have} available"),
                });
            }
        }
        for (sku, index, units, _) in needs {
            if let Some(holders) = self.by_sku.get_mut(sku)
                && let Ok(at) = holders.binary_search_by_key(&index, |&(n, _)| n)
                && let Some(entry) = holders.get_mut(at)
            {
                entry.1 -= units;
            }
        }
        Ok(())
    }

    fn units_at(&self, sku: &Sku, index: NodeIndex) -> u32 {
        self.by_sku
            .get(sku)
            .and_then(|h| h.binary_search_by_key(&index, |&(n, _)| n).ok().and_then(|at| h.get(at)))
            .map_or(0, |&(_, units)| units)
    }
}

impl StockView for Stock {
    fn holders_in(&self, network: &Network, sku: &Sku) -> Option<&[(NodeIndex, u32)]> {
        if Arc::ptr_eq(&self.network, network.ids()) {
            Some(self.by_sku.get(sku).map_or(&[][..], Vec::as_slice))
        } else {
            None
        }
    }

    fn for_each_holder(&self, sku: &Sku, visit: &mut dyn FnMut(&NodeId, u32)) {
        for &(index, units) in self.by_sku.get(sku).map_or(&[][..], Vec::as_slice) {
            if units > 0
                && let Some(id) = self.network.get(index.get())
            {
                visit(id, units);
            }
        }
    }

    fn for_each_holder_indexed(&self, network: &Network, sku: &Sku, visit: &mut dyn FnMut(NodeIndex, u32)) {
        if !Arc::ptr_eq(&self.network, network.ids()) {
            // A table from another network: go through ids, which stays correct.
            return self.for_each_holder(sku, &mut |node, units| {
                if let Some(index) = network.index_of(node) {
                    visit(index, units);
                }
            });
        }
        for &(index, units) in self.by_sku.get(sku).map_or(&[][..], Vec::as_slice) {
            if units > 0 {
                visit(index, units);
            }
        }
    }
}
