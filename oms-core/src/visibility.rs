//! What customers and operations see: a customer-facing status and a per-line breakdown.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::transitions::FulfillmentStatus;
use crate::{FulfillmentMethod, FulfillmentOrderId, LineId, LineStatus, NodeId, Order, Sku};

/// Where an order stands, in the customer's terms (no holds, nodes or buckets).
///
/// Its [`Display`](fmt::Display) is the sentence to show: "2 of 3 items shipped", "Ready for
/// pickup at STORE-1", "On backorder, expected 2026-12-01".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerStatus {
    /// Items ordered and not cancelled.
    pub items: u64,
    /// Items cancelled.
    pub cancelled: u64,
    /// Items shipped to the customer (delivered ones included).
    pub shipped: u64,
    /// Items delivered or collected.
    pub delivered: u64,
    /// Items returned or being returned.
    pub returned: u64,
    /// Items waiting at each pickup store.
    pub ready_for_pickup: Vec<(NodeId, u64)>,
    /// Items on their way to each pickup store.
    pub on_the_way_to_store: Vec<(NodeId, u64)>,
    /// Items waiting for stock, and the latest expected date when every batch has one.
    pub backordered: u64,
    /// When backordered stock is expected.
    pub expected_at: Option<DateTime<Utc>>,
}

fn add(list: &mut Vec<(NodeId, u64)>, node: &NodeId, n: u64) {
    if n == 0 {
        return;
    }
    match list.iter_mut().find(|(s, _)| s == node) {
        Some((_, total)) => *total += n,
        None => list.push((node.clone(), n)),
    }
}

impl fmt::Display for CustomerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items = |n: u64| if n == 1 { "item" } else { "items" };
        if self.items == 0 {
            return f.write_str("Cancelled");
        }
        if self.returned == self.items {
            return f.write_str("Returned");
        }
        if self.delivered + self.returned == self.items {
            return f.write_str("Delivered");
        }
        let mut parts = Vec::new();
        let waiting = self.items - self.delivered - self.returned;
        for (store, n) in &self.ready_for_pickup {
            parts.push(if *n == waiting {
                format!("Ready for pickup at {store}")
            } else {
                format!("{n} of {} {} ready for pickup at {store}", self.items, items(self.items))
            });
        }
        if self.shipped > 0 {
            parts.push(if self.shipped + self.returned == self.items {
                "Shipped".to_owned()
            } else {
                format!("{} of {} {} shipped", self.shipped, self.items, items(self.items))
            });
        }
        for (store, n) in &self.on_the_way_to_store {
            parts.push(format!("{n} {} on the way to {store}", items(*n)));
        }
        if parts.is_empty() {
            parts.push(if self.backordered == self.items {
                match self.expected_at {
                    Some(at) => format!("On backorder, expected {}", at.format("%Y-%m-%d")),
                    None => "On backorder".to_owned(),
                }
            } else {
                "Processing".to_owned()
            });
        }
        if self.cancelled > 0 {
            parts.push(format!("{} {} cancelled", self.cancelled, items(self.cancelled)));
        }
        f.write_str(&parts.join("; "))
    }
}

/// One line's units, status by status, and where they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineBreakdown {
    /// The line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// Units ordered (cancelled ones included).
    pub quantity: u32,
    /// Units per status, statuses with none left out.
    pub buckets: Vec<(LineStatus, u32)>,
    /// Its units in each fulfillment order.
    pub fulfillment: Vec<FulfillmentShare>,
    /// Nodes routing must avoid for it.
    pub excluded_nodes: Vec<NodeId>,
}

/// A line's units inside one fulfillment order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentShare {
    /// The fulfillment order.
    pub fulfillment_order: FulfillmentOrderId,
    /// Its node.
    pub node: NodeId,
    /// Its method.
    pub method: FulfillmentMethod,
    /// Its status.
    pub status: FulfillmentStatus,
    /// The line's units there, per status (units that left count under rejected, open or cancelled).
    pub units: Vec<(LineStatus, u32)>,
}

impl Order {
    /// The order in the customer's terms.
    pub fn customer_status(&self) -> CustomerStatus {
        let mut status = CustomerStatus {
            items: self.lines().iter().map(|l| u64::from(l.active_quantity())).sum(),
            cancelled: self.units_in(LineStatus::Cancelled),
            shipped: 0,
            delivered: self.units_in(LineStatus::Delivered),
            returned: self.units_in(LineStatus::ReturnRequested) + self.units_in(LineStatus::Returned),
            ready_for_pickup: Vec::new(),
            on_the_way_to_store: Vec::new(),
            backordered: self.units_in(LineStatus::Backordered),
            expected_at: None,
        };
        for f in self.fulfillment_orders() {
            let delivered = f.units_in(LineStatus::Delivered);
            match (f.method(), f.pickup_store()) {
                (FulfillmentMethod::Ship, _) => status.shipped += f.units_in(LineStatus::Shipped) + delivered,
                (_, Some(store)) => {
                    add(&mut status.ready_for_pickup, store, f.units_in(LineStatus::ReadyForPickup));
                    add(&mut status.on_the_way_to_store, store, f.units_in(LineStatus::Shipped));
                }
                (_, None) => {}
            }
        }
        // Returned units were shipped or collected first.
        status.shipped = status.shipped.min(status.items);
        let batches = self.lines().iter().flat_map(|l| l.backorders());
        status.expected_at = batches
            .map(|b| b.expected_at)
            .try_fold(None, |latest: Option<DateTime<Utc>>, at| at.map(|at| Some(latest.map_or(at, |l| l.max(at)))))
            .flatten();
        status
    }

    /// Every line's units, status by status, with the fulfillment orders holding them.
    pub fn breakdown(&self) -> Vec<LineBreakdown> {
        self.lines()
            .iter()
            .map(|line| LineBreakdown {
                line: line.id().clone(),
                sku: line.sku().clone(),
                quantity: line.quantity(),
                buckets: line.buckets().iter().collect(),
                fulfillment: self
                    .fulfillment_orders()
                    .iter()
                    .filter_map(|f| {
                        let share = f.lines().iter().find(|l| &l.line == line.id())?;
                        Some(FulfillmentShare {
                            fulfillment_order: f.id().clone(),
                            node: f.node().clone(),
                            method: f.method(),
                            status: f.status(),
                            units: share.buckets.iter().collect(),
                        })
                    })
                    .collect(),
                excluded_nodes: line.excluded_nodes().to_vec(),
            })
            .collect()
    }
}
