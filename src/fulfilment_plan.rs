//! From an order to routing requests, and from routing plans to an allocation plan.

use std::collections::BTreeMap;

use oms_core::{AllocationPlan, FulfillmentIntent, FulfillmentMethod, Order, PlannedAllocation, RoutingNeed};
use oms_inventory::Allocation;
use oms_routing::{Plan, Request, ShipmentKind};

use crate::{Error, Result};

/// One routing request per destination for the order's reserved, unheld units: an order may
/// mix shipped lines (to one or several addresses) and pickup lines.
pub(crate) fn requests(order: &Order) -> Result<Vec<Request>> {
    let mut groups: Vec<(FulfillmentIntent, Vec<RoutingNeed>)> = Vec::new();
    for need in order.routing_needs() {
        if need.held || need.reserved == 0 {
            continue;
        }
        match groups.iter_mut().find(|(intent, _)| *intent == need.fulfillment) {
            Some((_, needs)) => needs.push(need),
            None => groups.push((need.fulfillment.clone(), vec![need])),
        }
    }
    let mut requests = Vec::with_capacity(groups.len());
    for (intent, needs) in groups {
        let Some(first) = needs.first() else { continue };
        let mut request = match &intent {
            FulfillmentIntent::Ship { address } => {
                let geo = address
                    .geo
                    .ok_or_else(|| Error::NotGeocoded { order: order.id().clone(), line: first.line.clone() })?;
                Request::ship(order.id().clone(), geo)
            }
            FulfillmentIntent::Pickup { node } => Request::pickup(order.id().clone(), node.clone()),
        };
        request = request.channel(order.channel().id.clone());
        for (key, value) in order.attributes() {
            request = request.attribute(key.clone(), value.clone());
        }
        for need in needs {
            request = match order.line(&need.line) {
                Some(line) => request.valued_line(need.line, need.sku, need.reserved, line.pricing().unit_price),
                None => request.line(need.line, need.sku, need.reserved),
            };
            for node in need.excluded_nodes {
                request = request.exclude(node);
            }
        }
        requests.push(request);
    }
    Ok(requests)
}

/// The order's allocation plan and the inventory allocations (per sku and node) for routing plans.
pub(crate) fn allocation(order: &Order, plans: &[Plan]) -> (AllocationPlan, Vec<Allocation>) {
    let mut allocations = Vec::new();
    let mut stock: BTreeMap<(oms_core::Sku, oms_core::NodeId), u32> = BTreeMap::new();
    for plan in plans {
        for shipment in plan.shipments() {
            let method = match shipment.kind() {
                ShipmentKind::Collect => FulfillmentMethod::Pickup,
                ShipmentKind::Transfer => FulfillmentMethod::TransferToPickupStore,
                _ => FulfillmentMethod::Ship,
            };
            for line in shipment.lines() {
                if line.quantity == 0 || order.line(&line.line).is_none() {
                    continue;
                }
                allocations.push(PlannedAllocation {
                    line: line.line.clone(),
                    node: shipment.node().clone(),
                    quantity: line.quantity,
                    method,
                });
                *stock.entry((line.sku.clone(), shipment.node().clone())).or_default() += line.quantity;
            }
        }
    }
    let stock = stock.into_iter().map(|((sku, node), quantity)| Allocation { sku, node, quantity }).collect();
    (AllocationPlan { allocations }, stock)
}
