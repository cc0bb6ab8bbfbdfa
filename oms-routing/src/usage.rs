//! Capacity used so far today, per node: routing's own bookkeeping.

use std::sync::Arc;

use oms_core::NodeId;

use crate::{Error, Network, NodeIndex, Plan, Result};

/// Units and orders each node has taken so far (in a day, a batch): the input that makes
/// capacity limits bite across orders. Routing reads it; the caller records each plan it
/// accepts with [`Usage::record`].
///
/// Capacity is the routing crate's own state (derived from the plans it made), so unlike stock
/// it is a value, not a port.
#[derive(Debug, Clone)]
pub struct Usage {
    network: Arc<[NodeId]>,
    limits: Vec<(Option<u32>, Option<u32>)>,
    used: Vec<(u32, u32)>,
    /// Per node, what admission asks: units left (`u32::MAX`: unlimited) and whether it can
    /// take no more orders today. Kept in step with `used`.
    left: Vec<(u32, bool)>,
}

fn left_of(limits: (Option<u32>, Option<u32>), used: (u32, u32)) -> (u32, bool) {
    let units_left = limits.0.map_or(u32::MAX, |l| l.saturating_sub(used.0));
    let no_orders = limits.1.is_some_and(|l| l <= used.1);
    (units_left, (limits.0.is_some() && units_left == 0) || no_orders)
}

impl Usage {
    /// Nothing used yet, for `network`.
    pub fn new(network: &Network) -> Usage {
        let limits: Vec<(Option<u32>, Option<u32>)> =
            network.nodes().iter().map(|n| (n.capacity_units(), n.capacity_orders())).collect();
        Usage {
            network: Arc::clone(network.ids()),
            left: limits.iter().map(|&l| left_of(l, (0, 0))).collect(),
            limits,
            used: vec![(0, 0); network.len()],
        }
    }

    pub(crate) fn check(&self, network: &Network) -> Result<()> {
        if Arc::ptr_eq(&self.network, network.ids()) || *self.network == **network.ids() {
            Ok(())
        } else {
            Err(Error::ForeignState { what: "usage" })
        }
    }

    /// Units and orders `node` has taken.
    pub fn used(&self, node: NodeIndex) -> (u32, u32) {
        self.used.get(node.get()).copied().unwrap_or((0, 0))
    }

    /// Units `node` may still take (`None`: unlimited).
    pub fn units_left(&self, node: NodeIndex) -> Option<u32> {
        let limit = self.limits.get(node.get()).and_then(|l| l.0)?;
        Some(limit.saturating_sub(self.used(node).0))
    }

    /// Orders `node` may still take (`None`: unlimited).
    pub fn orders_left(&self, node: NodeIndex) -> Option<u32> {
        let limit = self.limits.get(node.get()).and_then(|l| l.1)?;
        Some(limit.saturating_sub(self.used(node).1))
    }

    /// Units left (`u32::MAX`: unlimited) and whether the node can take no more orders today
    /// (no units or no orders left): the capacity check admission makes for every candidate.
    #[inline]
    pub(crate) fn left(&self, node: NodeIndex) -> (u32, bool) {
        self.left.get(node.get()).copied().unwrap_or((u32::MAX, false))
    }

    /// Counts a plan's units and shipments against its nodes, all or nothing.
    ///
    /// # Errors
    /// [`Error::Overdraw`] (nothing recorded) when a node would exceed its capacity;
    /// [`Error::UnknownNode`] for a plan from another network.
    pub fn record(&mut self, plan: &Plan) -> Result<()> {
        let mut adds = Vec::with_capacity(plan.shipments().len());
        for shipment in plan.shipments() {
            let index = if self.network.get(shipment.index().get()) == Some(shipment.node()) {
                shipment.index()
            } else {
                self.network
                    .iter()
                    .position(|id| id == shipment.node())
                    .map(NodeIndex::new)
                    .ok_or_else(|| Error::UnknownNode { context: "usage".into(), node: shipment.node().clone() })?
            };
            let units = shipment.units();
            let (units_left, orders_left) = (self.units_left(index), self.orders_left(index));
            if units_left.is_some_and(|left| left < units) || orders_left == Some(0) {
                return Err(Error::Overdraw {
                    order: plan.order().clone(),
                    problem: format!("{units} units at {} beyond its capacity", shipment.node()),
                });
            }
            adds.push((index, units));
        }
        for (index, units) in adds {
            if let Some(used) = self.used.get_mut(index.get()) {
                used.0 = used.0.saturating_add(units);
                used.1 = used.1.saturating_add(1);
                if let (Some(left), Some(&limits)) = (self.left.get_mut(index.get()), self.limits.get(index.get())) {
                    *left = left_of(limits, *used);
                }
            }
        }
        Ok(())
    }
}
