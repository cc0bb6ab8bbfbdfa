//! The inventory side of the facade: one reservation per order, the stock effects of order
//! events, and the view of stock routing reads.
//!
//! # Write order (why a crash can neither oversell nor lose an allocation)
//! - **Taking stock** (reserving, converting to node allocations) goes to the inventory first,
//!   with a key derived from the order and its version (`O-1@7:reserve`), and only then to the
//!   order. The inventory refuses what it does not have, so nothing is oversold; the order only
//!   ever records stock the inventory already gave it, so no allocation is lost. A crash in
//!   between leaves the inventory holding *more* than the order knows: [`recover`] gives it back.
//! - **Giving stock back or consuming it** (shipments, cancellations, rejections) goes to the
//!   order first, then to the inventory with a key derived from the event (`O-1#9:0`). A crash in
//!   between leaves the inventory holding more than the order; [`recover`] re-applies the
//!   effects of every event (the keys make repeats harmless).
//!
//! Either way the inventory never holds less than the order believes, which is the invariant
//! the crash test checks after every interruption.
//!
//! [`recover`]: crate::Oms::recover

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use oms_core::{
    ChannelId, FulfillmentMethod, IdempotencyKey, LineStatus, NodeId, Order, OrderEvent, OrderId, Sku, StockLocation,
};
use oms_inventory::{
    Allocation, AvailabilityChanged, Command, Condition, Inventory, InventoryStore, Outcome, Policy, ReservationId,
    ReservationState, Reserve, ReserveLine, ReservedLine, SyncedInventory,
};
use oms_routing::StockView;

use crate::Result;

/// The inventory reservation that holds an order's stock: the order id itself.
pub(crate) fn reservation_of(order: &OrderId) -> Result<ReservationId> {
    ReservationId::new(order.as_str())
        .map_err(|e| crate::Error::Setup { field: "order id".into(), problem: e.to_string() })
}

/// A key for a stock command, derived from what caused it.
pub(crate) fn key(text: String) -> Result<IdempotencyKey> {
    IdempotencyKey::new(&text)
        .map_err(|e| crate::Error::Setup { field: "idempotency key".into(), problem: e.to_string() })
}

/// What an order event does to stock (taking stock is not here: the facade takes it before
/// recording the event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Network holds let go.
    Release { sku: Sku, quantity: u32 },
    /// Units allocated at a node let go.
    Deallocate { sku: Sku, node: NodeId, quantity: u32 },
    /// Allocated units left a node.
    Ship { sku: Sku, node: NodeId, quantity: u32 },
    /// Units that had left a node for a pickup store are back in that store's stock.
    Restock { sku: Sku, node: NodeId, quantity: u32 },
}

fn sku_of(order: &Order, line: &oms_core::LineId) -> Option<Sku> {
    order.line(line).map(|l| l.sku().clone())
}

fn method_of(order: &Order, fulfillment_order: &oms_core::FulfillmentOrderId) -> Option<FulfillmentMethod> {
    order.fulfillment_orders().iter().find(|f| f.id() == fulfillment_order).map(|f| f.method())
}

/// The stock effects of one event. `order` is any state of the order at or after the event
/// (line skus and fulfillment-order methods never change).
pub(crate) fn effects(order: &Order, event: &OrderEvent) -> Vec<Effect> {
    let lines = |lines: &[oms_core::LineQuantity], f: &dyn Fn(Sku, u32) -> Effect| -> Vec<Effect> {
        lines.iter().filter_map(|l| sku_of(order, &l.line).map(|sku| f(sku, l.quantity))).collect()
    };
    match event {
        OrderEvent::LineBackordered { line, from: LineStatus::Reserved, quantity, .. } => {
            sku_of(order, line).map(|sku| Effect::Release { sku, quantity: *quantity }).into_iter().collect()
        }
        OrderEvent::LineDeallocated { line, quantity, node, .. } => sku_of(order, line)
            .map(|sku| Effect::Deallocate { sku, node: node.clone(), quantity: *quantity })
            .into_iter()
            .collect(),
        OrderEvent::FulfillmentRejected { node, lines: units, .. }
        | OrderEvent::UnitsWithdrawn { node, lines: units, .. } => {
            lines(units, &|sku, quantity| Effect::Deallocate { sku, node: node.clone(), quantity })
        }
        OrderEvent::Shipped { node, shipment, .. } => {
            lines(&shipment.lines, &|sku, quantity| Effect::Ship { sku, node: node.clone(), quantity })
        }
        OrderEvent::Collected { fulfillment_order, store, lines: units } => {
            // Units transferred to the store already left their source when they shipped.
            if method_of(order, fulfillment_order) == Some(FulfillmentMethod::Pickup) {
                lines(units, &|sku, quantity| Effect::Ship { sku, node: store.clone(), quantity })
            } else {
                Vec::new()
            }
        }
        OrderEvent::Cancelled(cancellation) => cancellation
            .stock_to_release()
            .filter_map(|units| {
                let effect = match &units.stock {
                    StockLocation::Nothing => return None,
                    StockLocation::Network => Effect::Release { sku: units.sku.clone(), quantity: units.quantity },
                    StockLocation::Node(node) => {
                        let transferred = units.from == LineStatus::ReadyForPickup
                            && units
                                .fulfillment_order
                                .as_ref()
                                .and_then(|f| method_of(order, f))
                                .is_some_and(|m| m == FulfillmentMethod::TransferToPickupStore);
                        if transferred {
                            Effect::Restock { sku: units.sku.clone(), node: node.clone(), quantity: units.quantity }
                        } else {
                            Effect::Deallocate { sku: units.sku.clone(), node: node.clone(), quantity: units.quantity }
                        }
                    }
                };
                Some(effect)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Stock held for an order: what the order records, or what the inventory holds for it.
/// After every command (and after [`recover`](crate::Oms::recover)) the two are equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Network holds per sku.
    pub held: BTreeMap<Sku, u64>,
    /// Allocations per (sku, node).
    pub allocated: BTreeMap<(Sku, NodeId), u64>,
}

impl Footprint {
    /// The footprint an order's state implies: reserved units are held; units a node still has
    /// to ship (allocated, released, under a cancel request, or waiting in a pickup store that
    /// holds them itself) are allocated there.
    pub(crate) fn of_order(order: &Order) -> Footprint {
        let mut footprint = Footprint::default();
        for line in order.lines() {
            let reserved = u64::from(line.buckets().get(LineStatus::Reserved));
            if reserved > 0 {
                *footprint.held.entry(line.sku().clone()).or_default() += reserved;
            }
        }
        for fo in order.fulfillment_orders() {
            let mut at_node = vec![LineStatus::Allocated, LineStatus::Released, LineStatus::CancelRequested];
            if fo.method() == FulfillmentMethod::Pickup {
                at_node.push(LineStatus::ReadyForPickup);
            }
            for fl in fo.lines() {
                let units: u64 = at_node.iter().map(|&s| u64::from(fl.buckets.get(s))).sum();
                if units == 0 {
                    continue;
                }
                if let Some(line) = order.line(&fl.line) {
                    *footprint.allocated.entry((line.sku().clone(), fo.node().clone())).or_default() += units;
                }
            }
        }
        footprint
    }

    /// What the inventory holds under the order's reservation.
    pub(crate) fn in_inventory(state: Option<ReservationState>) -> Footprint {
        let mut footprint = Footprint::default();
        if let Some(ReservationState::Open(view)) = state {
            for units in view.units {
                if units.held > 0 {
                    *footprint.held.entry(units.sku.clone()).or_default() += u64::from(units.held);
                }
                if units.allocated > 0 {
                    *footprint.allocated.entry((units.sku, units.node)).or_default() += u64::from(units.allocated);
                }
            }
        }
        footprint
    }
}

/// The inventory engine behind the facade.
pub(crate) struct StockDesk<I> {
    inventory: SyncedInventory<I>,
}

impl<I: InventoryStore> StockDesk<I> {
    pub fn new(inventory: SyncedInventory<I>) -> Self {
        StockDesk { inventory }
    }

    pub fn synced(&self) -> &SyncedInventory<I> {
        &self.inventory
    }

    /// Runs one stock command; returns its outcome and the availability feed it produced.
    pub fn execute(
        &self,
        key: &IdempotencyKey,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<(Outcome, Vec<AvailabilityChanged>)> {
        let synced = self.inventory.execute(key, command, now)?;
        Ok((synced.outcome, synced.feed))
    }

    /// Holds network stock for an order (extending its reservation), as much as there is.
    pub fn reserve(
        &self,
        order: &OrderId,
        channel: &ChannelId,
        lines: Vec<ReserveLine>,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<(Vec<ReservedLine>, Vec<AvailabilityChanged>)> {
        let command = Command::Reserve(Reserve {
            reservation: reservation_of(order)?,
            channel: channel.clone(),
            lines,
            expires_at: None,
            policy: Policy::AsMuchAsPossible,
        });
        let (outcome, feed) = self.execute(key, &command, now)?;
        let reserved = match outcome {
            Outcome::Reserved { lines } => lines,
            // A repeated key: the first attempt's holds are in the reservation; the caller
            // reads them back from the order's footprint.
            _ => Vec::new(),
        };
        Ok((reserved, feed))
    }

    /// Turns an order's holds into allocations at the routed nodes, all or nothing.
    pub fn convert(
        &self,
        order: &OrderId,
        allocations: Vec<Allocation>,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<Vec<AvailabilityChanged>> {
        let command = Command::Convert { reservation: reservation_of(order)?, allocations };
        Ok(self.execute(key, &command, now)?.1)
    }

    /// Carries out stock effects; `key_of(i)` keys the i-th.
    pub fn apply(
        &self,
        order: &OrderId,
        effects: &[Effect],
        key_of: impl Fn(usize) -> String,
        now: DateTime<Utc>,
        skip_known: bool,
    ) -> Result<Vec<AvailabilityChanged>> {
        let reservation = reservation_of(order)?;
        let mut feed = Vec::new();
        for (i, effect) in effects.iter().enumerate() {
            let key = key(key_of(i))?;
            if skip_known && self.inventory.store().find_key(&key).map_err(oms_inventory::Error::Store)?.is_some() {
                continue;
            }
            let command = match effect.clone() {
                Effect::Release { sku, quantity } => {
                    Command::ReleaseUnits { reservation: reservation.clone(), sku, quantity }
                }
                Effect::Deallocate { sku, node, quantity } => {
                    Command::Deallocate { reservation: reservation.clone(), sku, node, quantity }
                }
                Effect::Ship { sku, node, quantity } => {
                    Command::Ship { reservation: reservation.clone(), sku, node, quantity }
                }
                Effect::Restock { sku, node, quantity } => {
                    Command::ReturnToStock { sku, node, quantity, condition: Condition::Sellable }
                }
            };
            feed.extend(self.execute(&key, &command, now)?.1);
        }
        Ok(feed)
    }

    /// What the inventory holds for an order.
    pub fn footprint(&self, order: &OrderId) -> Result<Footprint> {
        let reservation = reservation_of(order)?;
        Ok(Footprint::in_inventory(self.inventory.read(|engine| engine.reservation(&reservation))))
    }

    /// Reads the engine with a stock view for an order's channel.
    pub fn with_view<R>(
        &self,
        order: &OrderId,
        channel: &ChannelId,
        f: impl FnOnce(&OrderStockView<'_>) -> R,
    ) -> Result<R> {
        let reservation = reservation_of(order)?;
        Ok(self.inventory.read(|engine| {
            let own = match engine.reservation(&reservation) {
                Some(ReservationState::Open(view)) => {
                    view.units.into_iter().filter(|u| u.held > 0).map(|u| (u.sku, u.node, u.held)).collect()
                }
                _ => Vec::new(),
            };
            f(&OrderStockView { engine, channel, own })
        }))
    }
}

/// Stock as routing sees it for one order: what its channel may take at each node, plus the
/// order's own network holds where they sit (they are the order's already).
pub(crate) struct OrderStockView<'a> {
    engine: &'a Inventory,
    channel: &'a ChannelId,
    own: Vec<(Sku, NodeId, u32)>,
}

impl StockView for OrderStockView<'_> {
    fn for_each_holder(&self, sku: &Sku, visit: &mut dyn FnMut(&NodeId, u32)) {
        for (node, _) in self.engine.positions_of(sku) {
            let own: u32 = self.own.iter().filter(|(s, n, _)| s == sku && n == node).map(|(_, _, held)| *held).sum();
            let units = self.engine.available(sku, node, self.channel).saturating_add(own);
            if units > 0 {
                visit(node, units);
            }
        }
    }
}
