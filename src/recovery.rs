//! Recovery: bring the inventory back in line with orders after a crash between the stores.

use std::collections::BTreeMap;

use oms_core::{
    AllocationPlan, Clock, FulfillmentIntent, FulfillmentMethod, LineStatus, Metadata, NodeId, Order, OrderCommand,
    OrderId, OrderStore, PlannedAllocation, Sku,
};
use oms_inventory::{InventoryStore, ReserveLine};
use oms_returns::ReturnStore;

use crate::oms::stock_key;
use crate::stock::{Effect, Footprint};
use crate::{Error, Event, Oms, Outbox, Result};

impl<O, I, R, X, C> Oms<O, I, R, X, C>
where
    O: OrderStore,
    I: InventoryStore,
    R: ReturnStore,
    X: Outbox,
    C: Clock + 'static,
{
    /// Brings the inventory and an order back in line after an interruption between the two
    /// stores (see the write order in [`crate::stock`]), and returns what it did:
    ///
    /// 1. the stock effects of every recorded event are applied if they were not (keys make
    ///    repeats harmless);
    /// 2. an allocation the inventory made for units the order still shows as reserved (a
    ///    crash after the inventory converted, before the order recorded it) is recorded on the
    ///    order: the allocation is kept, not lost;
    /// 3. holds the inventory took for open units (a crash after it reserved, before the order
    ///    recorded it) are recorded on the order as reserved;
    /// 4. stock the inventory still holds beyond what the order records is released.
    ///
    /// Running it on a consistent order does nothing. It is the recovery pass a host runs at
    /// start-up over recently active orders.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] when the order records stock the inventory does not hold (which
    /// the facade's write order never produces); store failures.
    pub fn recover(&self, order: &OrderId, metadata: Metadata) -> Result<Vec<Event>> {
        let _guard = self.lock_order(order);
        let mut events = Vec::new();
        let Some(mut current) = self.orders.reload(order)? else {
            return Ok(events);
        };
        let history = self.orders.history(order)?;
        self.carry_effects(&current, &history, true, &mut events)?;

        let actual = self.stock.footprint(order)?;
        let expected = Footprint::of_order(&current);
        let plan = roll_forward(&current, &expected, &actual);
        if !plan.allocations.is_empty() {
            current = self.record(&current, &[OrderCommand::Allocate { plan }], &metadata, &mut events)?.order;
        }

        // Holds the inventory took for open units just before a crash: record them too.
        let expected = Footprint::of_order(&current);
        let reserve = roll_forward_holds(&current, &expected, &actual);
        if !reserve.is_empty() {
            current = self.record(&current, &reserve, &metadata, &mut events)?.order;
        }

        let expected = Footprint::of_order(&current);
        let mut surplus = Vec::new();
        for ((sku, node), allocated) in &expected.allocated {
            let held = actual.allocated.get(&(sku.clone(), node.clone())).copied().unwrap_or(0);
            if held < *allocated {
                return Err(inconsistent(
                    order,
                    format!("{allocated} of {sku} allocated at {node}, the inventory holds {held}"),
                ));
            }
        }
        for ((sku, node), held) in &actual.allocated {
            let want = expected.allocated.get(&(sku.clone(), node.clone())).copied().unwrap_or(0);
            if *held > want {
                surplus.push(Effect::Deallocate { sku: sku.clone(), node: node.clone(), quantity: units(held - want) });
            }
        }
        for (sku, held) in &actual.held {
            let want = expected.held.get(sku).copied().unwrap_or(0);
            if *held > want {
                surplus.push(Effect::Release { sku: sku.clone(), quantity: units(held - want) });
            }
        }
        let now = self.now();
        let version = current.version().get();
        if !surplus.is_empty() {
            let feed = self.stock.apply(order, &surplus, |k| format!("{order}@{version}:recover:{k}"), now, false)?;
            events.extend(feed.into_iter().map(Event::AvailabilityChanged));
        }
        // Holds the order records but the inventory lost (never under the facade's write
        // order; possible if a host released them by hand): take them again if they are there.
        let missing: Vec<ReserveLine> = expected
            .held
            .iter()
            .filter_map(|(sku, want)| {
                let held = actual.held.get(sku).copied().unwrap_or(0);
                (held < *want).then(|| ReserveLine::new(sku.clone(), units(want - held)))
            })
            .collect();
        if !missing.is_empty() {
            let key = stock_key(order, current.version(), "recover-reserve")?;
            self.stock.reserve(order, &current.channel().id, missing, &key, now)?;
            let after = self.stock.footprint(order)?;
            for (sku, want) in &expected.held {
                let held = after.held.get(sku).copied().unwrap_or(0);
                if held < *want {
                    return Err(inconsistent(order, format!("{want} of {sku} reserved, the inventory holds {held}")));
                }
            }
        }
        Ok(events)
    }
}

/// The allocation plan that records, on the order, allocations the inventory made for units
/// the order still shows as reserved: per sku, as many units as both lack, at the nodes where
/// the inventory allocated them.
fn roll_forward(order: &Order, expected: &Footprint, actual: &Footprint) -> AllocationPlan {
    let mut surplus: BTreeMap<(Sku, NodeId), u64> = actual
        .allocated
        .iter()
        .filter_map(|(at, held)| {
            let want = expected.allocated.get(at).copied().unwrap_or(0);
            (*held > want).then(|| (at.clone(), held - want))
        })
        .collect();
    let mut unbacked: BTreeMap<Sku, u64> = expected
        .held
        .iter()
        .filter_map(|(sku, want)| {
            let held = actual.held.get(sku).copied().unwrap_or(0);
            (*want > held).then(|| (sku.clone(), want - held))
        })
        .collect();
    let mut allocations = Vec::new();
    for line in order.lines() {
        let mut reserved = u64::from(line.buckets().get(LineStatus::Reserved));
        for ((sku, node), extra) in surplus.iter_mut() {
            if sku != line.sku() || reserved == 0 {
                continue;
            }
            let Some(lacking) = unbacked.get_mut(sku) else { continue };
            let take = reserved.min(*extra).min(*lacking);
            if take == 0 {
                continue;
            }
            reserved -= take;
            *extra -= take;
            *lacking -= take;
            let method = match line.fulfillment() {
                FulfillmentIntent::Ship { .. } => FulfillmentMethod::Ship,
                FulfillmentIntent::Pickup { node: store } if store == node => FulfillmentMethod::Pickup,
                FulfillmentIntent::Pickup { .. } => FulfillmentMethod::TransferToPickupStore,
            };
            allocations.push(PlannedAllocation {
                line: line.id().clone(),
                node: node.clone(),
                quantity: units(take),
                method,
            });
        }
    }
    AllocationPlan { allocations }
}

/// Reserve commands that record holds the inventory has beyond what the order records, on the
/// order's open units of the same sku.
fn roll_forward_holds(order: &Order, expected: &Footprint, actual: &Footprint) -> Vec<OrderCommand> {
    let mut extra: BTreeMap<&Sku, u64> = actual
        .held
        .iter()
        .filter_map(|(sku, held)| {
            let want = expected.held.get(sku).copied().unwrap_or(0);
            (*held > want).then_some((sku, held - want))
        })
        .collect();
    let mut commands = Vec::new();
    for line in order.lines() {
        let Some(left) = extra.get_mut(line.sku()) else { continue };
        let take = (*left).min(u64::from(line.buckets().get(LineStatus::Open)));
        if take > 0 {
            *left -= take;
            commands.push(OrderCommand::Reserve { line: line.id().clone(), quantity: units(take) });
        }
    }
    commands
}

fn inconsistent(order: &OrderId, problem: String) -> Error {
    Error::Inconsistent { order: order.clone(), problem }
}

fn units(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
