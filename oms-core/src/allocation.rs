//! Allocation: recording a routing plan as fulfillment orders, and releasing them to nodes.

use crate::transitions::{FulfillmentStatus, FulfillmentTrigger};
use crate::{
    AllocationPlan, Destination, FulfillmentIntent, FulfillmentMethod, FulfillmentOrderId, LineId, LineStatus, NodeId,
    Order, OrderError, OrderEvent,
};

/// Statuses an allocation takes units from, in the order it takes them: units already holding
/// network stock first.
pub(crate) const ALLOCATABLE: [LineStatus; 3] = [LineStatus::Reserved, LineStatus::Open, LineStatus::Backordered];

/// A fulfillment order a plan puts units in: an open one, or one the plan creates.
struct Target {
    id: FulfillmentOrderId,
    node: NodeId,
    method: FulfillmentMethod,
    destination: Destination,
}

impl Order {
    pub(crate) fn decide_allocate(&self, plan: &AllocationPlan) -> Result<Vec<OrderEvent>, OrderError> {
        if plan.allocations.is_empty() {
            return Err(OrderError::Invalid {
                order: self.id().clone(),
                line: None,
                problem: "the plan allocates nothing".into(),
            });
        }
        let mut events = Vec::with_capacity(plan.allocations.len() + 1);
        let mut created: Vec<Target> = Vec::new();
        // Units each line still has to give, per source status, as the plan consumes them.
        let mut taken: Vec<(LineId, [u32; 3])> = Vec::new();
        for step in &plan.allocations {
            let line = self.known_line(&step.line)?;
            if step.quantity == 0 {
                return Err(OrderError::ZeroQuantity { order: self.id().clone(), line: step.line.clone() });
            }
            self.check_not_held(&step.line)?;
            if line.excluded_nodes().binary_search(&step.node).is_ok() {
                return Err(OrderError::NodeExcluded {
                    order: self.id().clone(),
                    line: step.line.clone(),
                    node: step.node.clone(),
                });
            }
            let destination = self.destination(&step.line, line.fulfillment(), &step.node, step.method)?;
            let used = match taken.iter_mut().position(|(l, _)| l == &step.line) {
                Some(i) => i,
                None => {
                    taken.push((step.line.clone(), [0; 3]));
                    taken.len() - 1
                }
            };
            let Some((_, used)) = taken.get_mut(used) else { continue };
            let left: Vec<u32> =
                ALLOCATABLE.iter().zip(used.iter()).map(|(&s, &u)| line.buckets().get(s) - u).collect();
            let available: u64 = left.iter().map(|&n| u64::from(n)).sum();
            if u64::from(step.quantity) > available {
                return Err(OrderError::NotEnoughUnits {
                    order: self.id().clone(),
                    line: step.line.clone(),
                    statuses: ALLOCATABLE.to_vec(),
                    requested: step.quantity,
                    available,
                });
            }
            let fo = match self.open_target(&step.node, step.method, &destination, &created) {
                Some(id) => id,
                None => {
                    let id = self.next_fulfillment_order_id(created.len())?;
                    events.push(OrderEvent::FulfillmentOrderCreated {
                        fulfillment_order: id.clone(),
                        node: step.node.clone(),
                        method: step.method,
                        destination: destination.clone(),
                    });
                    created.push(Target { id: id.clone(), node: step.node.clone(), method: step.method, destination });
                    id
                }
            };
            let mut want = step.quantity;
            for ((&status, &free), slot) in ALLOCATABLE.iter().zip(&left).zip(used.iter_mut()) {
                let n = want.min(free);
                if n > 0 {
                    *slot += n;
                    want -= n;
                    events.push(OrderEvent::LineAllocated {
                        line: step.line.clone(),
                        from: status,
                        quantity: n,
                        fulfillment_order: fo.clone(),
                        node: step.node.clone(),
                    });
                }
            }
        }
        Ok(events)
    }

    /// Where units of a line go by `method` from `node`, refusing methods that do not fit the line.
    fn destination(
        &self,
        line: &LineId,
        intent: &FulfillmentIntent,
        node: &NodeId,
        method: FulfillmentMethod,
    ) -> Result<Destination, OrderError> {
        let mismatch =
            |problem| OrderError::MethodMismatch { order: self.id().clone(), line: line.clone(), method, problem };
        match (intent, method) {
            (FulfillmentIntent::Ship { address }, FulfillmentMethod::Ship) => {
                Ok(Destination::Address { address: address.clone() })
            }
            (FulfillmentIntent::Ship { .. }, _) => Err(mismatch("the line ships to an address")),
            (FulfillmentIntent::Pickup { .. }, FulfillmentMethod::Ship) => {
                Err(mismatch("the line is collected at a store"))
            }
            (FulfillmentIntent::Pickup { node: store }, FulfillmentMethod::Pickup) if store != node => {
                Err(mismatch("a pickup is fulfilled by the pickup store itself; use a transfer from another node"))
            }
            (FulfillmentIntent::Pickup { node: store }, FulfillmentMethod::TransferToPickupStore) if store == node => {
                Err(mismatch("a transfer comes from another node than the pickup store"))
            }
            (FulfillmentIntent::Pickup { node: store }, _) => Ok(Destination::Store { node: store.clone() }),
        }
    }

    /// A fulfillment order that is still being allocated for this node, method and destination.
    fn open_target(
        &self,
        node: &NodeId,
        method: FulfillmentMethod,
        destination: &Destination,
        created: &[Target],
    ) -> Option<FulfillmentOrderId> {
        let existing = self.fulfillment_orders().iter().find(|f| {
            f.status() == FulfillmentStatus::Created
                && f.node() == node
                && f.method() == method
                && f.destination() == destination
        });
        existing.map(|f| f.id().clone()).or_else(|| {
            created
                .iter()
                .find(|t| &t.node == node && t.method == method && &t.destination == destination)
                .map(|t| t.id.clone())
        })
    }

    /// `FO-n`, numbering fulfillment orders within the order.
    fn next_fulfillment_order_id(&self, already_created: usize) -> Result<FulfillmentOrderId, OrderError> {
        let n = self.fulfillment_orders().len() + already_created + 1;
        FulfillmentOrderId::new(format!("FO-{n}")).map_err(|e| OrderError::Invalid {
            order: self.id().clone(),
            line: None,
            problem: e.to_string(),
        })
    }

    pub(crate) fn decide_release(&self, fo: Option<&FulfillmentOrderId>) -> Result<Vec<OrderEvent>, OrderError> {
        let candidates: Vec<_> = match fo {
            Some(id) => vec![self.known_fulfillment_order(id)?],
            None => self.fulfillment_orders().iter().filter(|f| f.status() == FulfillmentStatus::Created).collect(),
        };
        let mut events = Vec::with_capacity(candidates.len());
        let mut first_refusal = None;
        for f in candidates {
            self.check_transition(f, FulfillmentTrigger::Release)?;
            let lines = f.line_quantities(LineStatus::Allocated);
            if let Some(held) = lines.iter().find_map(|l| self.check_not_held(&l.line).err()) {
                if fo.is_some() {
                    return Err(held);
                }
                first_refusal.get_or_insert(held);
                continue;
            }
            events.push(OrderEvent::FulfillmentOrderReleased {
                fulfillment_order: f.id().clone(),
                node: f.node().clone(),
                lines,
            });
        }
        match (events.is_empty(), first_refusal) {
            (true, Some(refusal)) => Err(refusal),
            (true, None) => Err(OrderError::NothingToDo {
                order: self.id().clone(),
                action: "release",
                statuses: vec![LineStatus::Allocated],
            }),
            (false, _) => Ok(events),
        }
    }
}
