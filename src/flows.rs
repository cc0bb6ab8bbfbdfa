//! The order flows: capture, reserve, route and allocate, lifecycle commands, expiry.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use oms_core::{
    CaptureOutcome, Clock, LineStatus, Metadata, Order, OrderCommand, OrderDraft, OrderEnvelope, OrderEvent, OrderId,
    OrderStore,
};
use oms_inventory::{InventoryStore, ReserveLine};
use oms_returns::ReturnStore;
use oms_routing::{Plan, Scratch, StockView};

use crate::integration::{feed_messages, order_messages};
use crate::oms::{lock, step, stock_key};
use crate::orders::Capture;
use crate::stable_id::IdText;
use crate::stock::{Footprint, effects};
use crate::{Error, Event, Oms, Outbox, Result, RoutedPlan};

impl<O, I, R, X, C> Oms<O, I, R, X, C>
where
    O: OrderStore,
    I: InventoryStore,
    R: ReturnStore,
    X: Outbox,
    C: Clock + 'static,
{
    /// Captures an order from any channel, once per channel order number.
    ///
    /// # Errors
    /// [`Error::Order`] for a refused draft (nothing written) or a store failure.
    pub fn capture(&self, draft: &OrderDraft, metadata: Metadata) -> Result<Vec<Event>> {
        let now = self.now();
        match self.orders.capture(draft, metadata)? {
            Capture::New { order, events } => {
                self.publish(order_messages(&order, &events, now))?;
                let id = order.id();
                Ok(events
                    .into_iter()
                    .map(|e| Event::Order { order: id.clone(), version: e.version, event: e.event })
                    .collect())
            }
            Capture::Other(CaptureOutcome::AlreadyCaptured { order_id, differences }) => {
                Ok(vec![Event::AlreadyCaptured { order: order_id, differences }])
            }
            Capture::Other(_) => Ok(Vec::new()),
        }
    }

    /// Holds network stock for the order's open units; what the channel cannot supply is
    /// backordered.
    ///
    /// # Errors
    /// An unknown order, a store failure, an inventory refusal (an unknown sku or channel).
    pub fn reserve(&self, order: &OrderId, metadata: Metadata) -> Result<Vec<Event>> {
        let _guard = self.lock_order(order);
        let mut events = Vec::new();
        let current = self.orders.load(order)?;
        self.reserve_locked(current, &metadata, &mut events)?;
        Ok(events)
    }

    /// Routes the order's units and allocates them at the chosen nodes, in one step: open units
    /// are reserved first, then routing picks nodes over the inventory's current stock, the
    /// inventory allocates at exactly those nodes, and the order records the allocation.
    ///
    /// # Errors
    /// As [`Oms::reserve`]; [`Error::NotGeocoded`] for a ship-to address without coordinates;
    /// [`Error::Inventory`] if a routed node's stock went in between (nothing recorded).
    pub fn route(&self, order: &OrderId, metadata: Metadata) -> Result<Vec<Event>> {
        let _guard = self.lock_order(order);
        let mut events = Vec::new();
        let current = self.orders.load(order)?;
        self.route_locked(current, &metadata, &mut events)?;
        Ok(events)
    }

    /// Runs a lifecycle command on an order (release, accept, pick, reject, short pick, ship,
    /// deliver, ready for pickup, collect, cancel, confirm or deny a cancel request, holds,
    /// modifications, parked units, expiry) and carries its stock effects into the inventory.
    /// Units a node rejects are routed again without that node.
    ///
    /// `Reserve` and `Allocate` are not taken here: they must go through [`Oms::reserve`] and
    /// [`Oms::route`], which take the stock first.
    ///
    /// # Errors
    /// [`Error::Order`] when the lifecycle refuses the command (nothing written); store failures.
    pub fn execute(&self, order: &OrderId, command: &OrderCommand, metadata: Metadata) -> Result<Vec<Event>> {
        if matches!(command, OrderCommand::Reserve { .. } | OrderCommand::Allocate { .. }) {
            return Err(Error::Order(oms_core::Error::Order(oms_core::OrderError::Invalid {
                order: order.clone(),
                line: None,
                problem: "reserve and allocate take stock: use Oms::reserve and Oms::route".into(),
            })));
        }
        let _guard = self.lock_order(order);
        let mut events = Vec::new();
        let current = self.orders.load(order)?;
        let done = self.record(current, std::slice::from_ref(command), &metadata, &mut events)?;
        // After a crash and recovery the units may already be reserved again: route those too.
        let waiting = done.order.units_in(LineStatus::Open) + done.order.units_in(LineStatus::Reserved);
        if done.reroute && waiting > 0 {
            self.route_locked(done.order, &step(&metadata, "reroute")?, &mut events)?;
        }
        Ok(events)
    }

    /// A modification's dry run: the events it would record and the money it would move.
    ///
    /// # Errors
    /// The refusal the modification would get.
    pub fn preview_modification(&self, order: &OrderId, modification: &oms_core::Modification) -> Result<Vec<Event>> {
        let current = self.orders.load(order)?;
        let preview = current.preview(modification).map_err(oms_core::Error::Order)?;
        Ok(vec![Event::ModificationPreview { order: order.clone(), preview }])
    }

    /// Expires what waited too long at `now`: backorders and uncollected pickups (by the
    /// lifecycle policy), lapsed inventory holds, returns that never arrived.
    ///
    /// # Errors
    /// Store failures.
    pub fn expire(&self, now: DateTime<Utc>, metadata: Metadata) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        for order in self.watched() {
            let _guard = self.lock_order(&order);
            let current = self.orders.load(&order)?;
            let command = OrderCommand::Expire { now };
            match self.record(
                current,
                std::slice::from_ref(&command),
                &step(&metadata, &format!("expire-{order}"))?,
                &mut events,
            ) {
                Ok(_) | Err(Error::Order(oms_core::Error::Order(oms_core::OrderError::NothingToDo { .. }))) => {}
                Err(e) => return Err(e),
            }
        }
        let key = crate::stock::key(format!("expire@{}", now.timestamp_millis()))?;
        let (_, feed) = self.stock.execute(&key, &oms_inventory::Command::Expire, now)?;
        self.publish(feed_messages(key.as_str(), &feed, now))?;
        events.extend(feed.into_iter().map(Event::AvailabilityChanged));
        for executed in self.returns.expire_due_at(now, metadata.clone())? {
            let order = executed.returns.order().clone();
            self.publish(crate::integration::return_messages(&order, &executed.events, now))?;
            events.extend(return_events(&order, &executed.events));
            let _guard = self.lock_order(&order);
            let current = self.orders.load(&order)?;
            self.after_returns(
                current,
                &executed.returns,
                &executed.events,
                &step(&metadata, "expire-returns")?,
                &mut events,
            )?;
        }
        Ok(events)
    }

    /// Reserves the order's open units (step of reserve and route).
    pub(crate) fn reserve_locked(
        &self,
        order: Arc<Order>,
        metadata: &Metadata,
        events: &mut Vec<Event>,
    ) -> Result<Arc<Order>> {
        if let Some(earlier) = self.orders.recorded_under(order.id(), metadata)? {
            events.extend(order_events(order.id(), &earlier));
            return Ok(self.orders.reload(order.id())?.unwrap_or(order));
        }
        let open: Vec<(oms_core::LineId, oms_core::Sku, u32)> = order
            .lines()
            .iter()
            .filter(|l| l.buckets().get(LineStatus::Open) > 0)
            .map(|l| (l.id().clone(), l.sku().clone(), l.buckets().get(LineStatus::Open)))
            .collect();
        if open.is_empty() {
            return Ok(order);
        }
        let now = self.now();
        let key = stock_key(order.id(), order.version(), "reserve")?;
        let lines = open.iter().map(|(_, sku, qty)| ReserveLine::new(sku.clone(), *qty)).collect();
        let (_, feed) = self.stock.reserve(order.id(), &order.channel().id, lines, &key, now)?;
        self.publish(feed_messages(key.as_str(), &feed, now))?;
        events.extend(feed.into_iter().map(Event::AvailabilityChanged));
        // What the reservation holds beyond what the order knows is what this step got (the
        // inventory goes first, so after a crash a retry finds the same surplus).
        let expected = Footprint::of_order(&order);
        let actual = self.stock.footprint(order.id())?;
        let mut surplus: std::collections::BTreeMap<oms_core::Sku, u64> = actual
            .held
            .iter()
            .map(|(sku, held)| (sku.clone(), held.saturating_sub(expected.held.get(sku).copied().unwrap_or(0))))
            .collect();
        let mut commands = Vec::new();
        for (line, sku, quantity) in open {
            let got = surplus.get_mut(&sku).map_or(0, |left| {
                let take = (*left).min(u64::from(quantity));
                *left -= take;
                take as u32
            });
            if got > 0 {
                commands.push(OrderCommand::Reserve { line: line.clone(), quantity: got });
            }
            if got < quantity {
                commands.push(OrderCommand::Backorder { line, quantity: quantity - got, at: now, expected_at: None });
            }
        }
        let recorded = self.record(order, &commands, metadata, events)?;
        Ok(recorded.order)
    }

    /// Reserves, routes and allocates (step of route and of rerouting).
    pub(crate) fn route_locked(
        &self,
        order: Arc<Order>,
        metadata: &Metadata,
        events: &mut Vec<Event>,
    ) -> Result<Arc<Order>> {
        let order = self.reserve_locked(order, &step(metadata, "reserve")?, events)?;
        let allocate = step(metadata, "allocate")?;
        if let Some(earlier) = self.orders.recorded_under(order.id(), &allocate)? {
            events.extend(order_events(order.id(), &earlier));
            return Ok(self.orders.reload(order.id())?.unwrap_or(order));
        }
        let requests = crate::fulfilment_plan::requests(&order)?;
        if requests.is_empty() {
            return Ok(order);
        }
        let plans: Vec<Plan> = self.stock.with_view(order.id(), &order.channel().id, |view| {
            let usage = lock(&self.usage);
            let mut scratch = Scratch::default();
            let mut plans: Vec<Plan> = Vec::with_capacity(requests.len());
            for request in &requests {
                // Later groups must not count on units the earlier ones took.
                let taken = Taken { view, plans: &plans };
                plans.push(self.router.route_with(&mut scratch, request, &taken, &usage)?);
            }
            Ok::<_, Error>(plans)
        })??;
        for plan in &plans {
            events.push(Event::Routed { order: order.id().clone(), plan: RoutedPlan::of(plan) });
        }
        let (plan, allocations) = crate::fulfilment_plan::allocation(&order, &plans);
        if allocations.is_empty() {
            return Ok(order);
        }
        let now = self.now();
        let key = stock_key(order.id(), order.version(), "convert")?;
        let feed = self.stock.convert(order.id(), allocations, &key, now)?;
        self.publish(feed_messages(key.as_str(), &feed, now))?;
        events.extend(feed.into_iter().map(Event::AvailabilityChanged));
        let recorded = self.record(order, &[OrderCommand::Allocate { plan }], &allocate, events)?;
        let mut usage = lock(&self.usage);
        for plan in &plans {
            // Capacity is a soft, daily figure: a plan the usage cannot record is still valid.
            let _ = usage.record(plan);
        }
        Ok(recorded.order)
    }

    /// Records commands on an order, then carries the events' stock effects into the inventory
    /// and their integration events into the outbox.
    pub(crate) fn record(
        &self,
        order: Arc<Order>,
        commands: &[OrderCommand],
        metadata: &Metadata,
        events: &mut Vec<Event>,
    ) -> Result<Done> {
        // Stock effects report availability changes; they follow the order events in `events`.
        let mut feed = Vec::new();
        let (order, envelopes) = match self.orders.recorded_under(order.id(), metadata)? {
            Some(earlier) => {
                let current = self.orders.reload(order.id())?.unwrap_or(order);
                // A retry after a crash between the two stores: make sure the effects happened.
                self.carry_effects(&current, &earlier, true, &mut feed)?;
                (current, earlier)
            }
            None => {
                let now = self.now();
                let recorded = self.orders.run(order, commands, metadata, now)?;
                self.publish(order_messages(&recorded.order, &recorded.events, now))?;
                self.carry_effects(&recorded.order, &recorded.events, false, &mut feed)?;
                self.watch_if_needed(&recorded.order);
                (recorded.order, recorded.events)
            }
        };
        let reroute = envelopes.iter().any(|e| {
            matches!(
                e.event,
                OrderEvent::FulfillmentRejected { parked: false, .. }
                    | OrderEvent::ParkedRerouted { .. }
                    | OrderEvent::LineDeallocated { .. }
                    | OrderEvent::UnitsWithdrawn { .. }
            )
        });
        let id = order.id();
        events.extend(envelopes.into_iter().map(|e| Event::Order {
            order: id.clone(),
            version: e.version,
            event: e.event,
        }));
        events.append(&mut feed);
        Ok(Done { order, reroute })
    }

    /// Applies the stock effects of recorded envelopes (keys from their versions).
    pub(crate) fn carry_effects(
        &self,
        order: &Order,
        envelopes: &[OrderEnvelope],
        skip_known: bool,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        let now = self.now();
        for envelope in envelopes {
            let effects = effects(order, &envelope.event);
            if effects.is_empty() {
                continue;
            }
            let id = order.id().as_str();
            let cause = IdText::with_capacity(id.len() + 24).text(id).text("#").number(envelope.version.get());
            let key_of = |k: usize| {
                IdText::with_capacity(cause.as_str().len() + 4).text(cause.as_str()).text(":").number(k as u64).finish()
            };
            let feed = self.stock.apply(order.id(), &effects, key_of, now, skip_known)?;
            self.publish(feed_messages(cause.as_str(), &feed, now))?;
            events.extend(feed.into_iter().map(Event::AvailabilityChanged));
        }
        Ok(())
    }
}

/// What recording commands did.
pub(crate) struct Done {
    /// The order after them.
    pub order: Arc<Order>,
    /// True when units went back to routing (a rejection, a withdrawal, a deallocation).
    pub reroute: bool,
}

/// A stock view minus what earlier plans of the same order took.
struct Taken<'a, V: StockView> {
    view: &'a V,
    plans: &'a [Plan],
}

impl<V: StockView> StockView for Taken<'_, V> {
    fn for_each_holder(&self, sku: &oms_core::Sku, visit: &mut dyn FnMut(&oms_core::NodeId, u32)) {
        self.view.for_each_holder(sku, &mut |node, units| {
            let taken: u32 = self
                .plans
                .iter()
                .flat_map(|p| p.shipments())
                .filter(|s| s.node() == node)
                .flat_map(|s| s.lines())
                .filter(|l| &l.sku == sku)
                .map(|l| l.quantity)
                .sum();
            let left = units.saturating_sub(taken);
            if left > 0 {
                visit(node, left);
            }
        });
    }
}

pub(crate) fn order_events(order: &OrderId, envelopes: &[OrderEnvelope]) -> Vec<Event> {
    envelopes
        .iter()
        .map(|e| Event::Order { order: order.clone(), version: e.version, event: e.event.clone() })
        .collect()
}

pub(crate) fn return_events(order: &OrderId, envelopes: &[oms_returns::ReturnEnvelope]) -> Vec<Event> {
    envelopes
        .iter()
        .map(|e| Event::Return { order: order.clone(), version: e.version, event: e.event.clone() })
        .collect()
}
