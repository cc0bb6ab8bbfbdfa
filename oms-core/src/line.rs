//! Order lines and the partition of their quantity into statuses.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Address, LineId, LinePricing, Money, MoneyError, NodeId, Sku, UnitAmounts};

/// How a line reaches the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum FulfillmentIntent {
    /// Ship to this address (shared, not copied, between the lines that use it).
    Ship {
        /// Where to.
        address: Arc<Address>,
    },
    /// Collect at this node.
    Pickup {
        /// The store or locker.
        node: NodeId,
    },
}

macro_rules! line_statuses {
    ($($(#[$doc:meta])* $variant:ident => $field:ident,)+) => {
        /// A status a unit of an order line can be in. Each line's quantity is partitioned over them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum LineStatus {
            $($(#[$doc])* $variant,)+
        }

        impl LineStatus {
            /// Every status, in lifecycle order.
            pub const ALL: &'static [LineStatus] = &[$(LineStatus::$variant),+];

            /// The status's name as it appears in JSON (`"return_requested"`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(LineStatus::$variant => stringify!($field),)+
                }
            }
        }

        /// How many units of a line are in each [`LineStatus`]. They always sum to the line's quantity.
        ///
        /// Serialized as an object with one count per status.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub struct Buckets {
            $($field: u32,)+
        }

        impl Buckets {
            /// Units in `status`.
            pub fn get(&self, status: LineStatus) -> u32 {
                match status {
                    $(LineStatus::$variant => self.$field,)+
                }
            }

            fn slot(&mut self, status: LineStatus) -> &mut u32 {
                match status {
                    $(LineStatus::$variant => &mut self.$field,)+
                }
            }
        }
    };
}

line_statuses! {
    /// Captured, not yet reserved (or back from a node that could not fulfil it, to be routed again).
    Open => open,
    /// Waiting for stock.
    Backordered => backordered,
    /// Rejected by a pickup store and parked for a person to decide (reroute or cancel).
    Rejected => rejected,
    /// Held against network stock.
    Reserved => reserved,
    /// Assigned to a node's stock inside a fulfillment order not yet released.
    Allocated => allocated,
    /// Sent to the node to fulfil.
    Released => released,
    /// Released, and the customer asked to cancel: waiting for the node to confirm or deny.
    CancelRequested => cancel_requested,
    /// Left the node (to the customer, or to the pickup store for a transfer).
    Shipped => shipped,
    /// Waiting at the pickup store for the customer.
    ReadyForPickup => ready_for_pickup,
    /// Delivered to or collected by the customer.
    Delivered => delivered,
    /// Will not be fulfilled.
    Cancelled => cancelled,
    /// The customer asked to return it.
    ReturnRequested => return_requested,
    /// Came back.
    Returned => returned,
}

impl std::fmt::Display for LineStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a bucket move was refused: the source bucket holds fewer units than asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shortfall {
    pub(crate) status: LineStatus,
    pub(crate) available: u32,
}

impl Buckets {
    /// All of `quantity` in `status`.
    pub fn all_in(status: LineStatus, quantity: u32) -> Buckets {
        let mut buckets = Buckets::default();
        *buckets.slot(status) = quantity;
        buckets
    }

    /// Sum over all statuses; always the line's ordered quantity.
    pub fn total(&self) -> u64 {
        LineStatus::ALL.iter().map(|&s| u64::from(self.get(s))).sum()
    }

    /// Units not cancelled.
    pub fn active(&self) -> u64 {
        self.total() - u64::from(self.cancelled)
    }

    /// Units in any of `statuses`.
    pub fn sum_of(&self, statuses: &[LineStatus]) -> u64 {
        statuses.iter().map(|&s| u64::from(self.get(s))).sum()
    }

    /// The statuses holding units, with their counts, in lifecycle order.
    pub fn iter(&self) -> impl Iterator<Item = (LineStatus, u32)> + '_ {
        LineStatus::ALL.iter().map(|&s| (s, self.get(s))).filter(|&(_, n)| n > 0)
    }

    /// Moves `quantity` units from one status to another; refuses (changing nothing) when the
    /// source holds fewer.
    pub(crate) fn move_units(&mut self, from: LineStatus, to: LineStatus, quantity: u32) -> Result<(), Shortfall> {
        let available = self.get(from);
        if available < quantity {
            return Err(Shortfall { status: from, available });
        }
        *self.slot(from) -= quantity;
        // Cannot overflow: the sum of all buckets is the line's u32 quantity.
        *self.slot(to) = self.get(to).saturating_add(quantity);
        Ok(())
    }

    /// Adds new units to `status` (a line's quantity went up, or units joined a fulfillment order).
    pub(crate) fn add(&mut self, status: LineStatus, quantity: u32) {
        *self.slot(status) = self.get(status).saturating_add(quantity);
    }
}

/// Units put on backorder together, with when that happened; a line keeps them oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackorderBatch {
    /// When the units were backordered (backorders expire counted from here).
    pub at: DateTime<Utc>,
    /// Units still waiting from this batch.
    pub quantity: u32,
    /// When stock is expected, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_at: Option<DateTime<Utc>>,
}

/// A line of a captured order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    id: LineId,
    sku: Sku,
    quantity: u32,
    fulfillment: FulfillmentIntent,
    pricing: LinePricing,
    /// Units added by modifications, each batch priced on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    added: Vec<LinePricing>,
    buckets: Buckets,
    /// Per priced batch, units whose merchandise and tax were refunded. Refunds take the
    /// latest batch first, each from its last unit backwards, so lowering a quantity after
    /// raising it refunds exactly what the raise charged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    refunded: Vec<u32>,
    /// Nodes that rejected or short-picked this line: routing must not send it there again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    excluded_nodes: Vec<NodeId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    backorders: Vec<BackorderBatch>,
}

impl OrderLine {
    pub(crate) fn new(
        id: LineId,
        sku: Sku,
        quantity: u32,
        fulfillment: FulfillmentIntent,
        pricing: LinePricing,
    ) -> Self {
        OrderLine {
            id,
            sku,
            quantity,
            fulfillment,
            pricing,
            added: Vec::new(),
            buckets: Buckets::all_in(LineStatus::Open, quantity),
            refunded: Vec::new(),
            excluded_nodes: Vec::new(),
            backorders: Vec::new(),
        }
    }

    /// The line id.
    pub fn id(&self) -> &LineId {
        &self.id
    }

    /// The item.
    pub fn sku(&self) -> &Sku {
        &self.sku
    }

    /// Units ordered, including units added by modifications (cancelled units still count).
    pub fn quantity(&self) -> u32 {
        self.quantity
    }

    /// Units ordered and not cancelled.
    pub fn active_quantity(&self) -> u32 {
        self.quantity - self.buckets.get(LineStatus::Cancelled)
    }

    /// Ship or pickup.
    pub fn fulfillment(&self) -> &FulfillmentIntent {
        &self.fulfillment
    }

    /// What was paid for the units captured with the line (see [`OrderLine::priced_batches`]
    /// when a modification added units).
    pub fn pricing(&self) -> &LinePricing {
        &self.pricing
    }

    /// Every priced batch of units, in order: the captured units, then each batch added by a
    /// modification. Unit `n` of the line is unit `n` of this concatenation.
    pub fn priced_batches(&self) -> impl Iterator<Item = &LinePricing> + '_ {
        std::iter::once(&self.pricing).chain(&self.added)
    }

    /// What the customer paid for the line, over all batches.
    ///
    /// # Errors
    /// [`MoneyError`] only for amounts too large to add up.
    pub fn paid(&self) -> Result<Money, MoneyError> {
        self.priced_batches().try_fold(Money::zero(self.pricing.total.currency()), |sum, p| sum.checked_add(p.total))
    }

    /// What was paid for units `first .. first + count` of the line, across priced batches.
    ///
    /// # Errors
    /// [`MoneyError::InvalidWeights`] when the range reaches past the line's quantity.
    pub fn amounts_for_units(&self, first: u32, count: u32) -> Result<UnitAmounts, MoneyError> {
        let zero = Money::zero(self.pricing.total.currency());
        let mut sum = UnitAmounts { merchandise: zero, tax: zero, shipping: zero, shipping_tax: zero, total: zero };
        let end = first
            .checked_add(count)
            .filter(|&e| e <= self.quantity)
            .ok_or(MoneyError::InvalidWeights { problem: "unit range reaches past the line's quantity" })?;
        let mut start_of_batch = 0_u32;
        for batch in self.priced_batches() {
            let end_of_batch = start_of_batch + batch.quantity;
            let (from, to) = (first.max(start_of_batch), end.min(end_of_batch));
            if from < to {
                let part = batch.for_units(from - start_of_batch, to - from)?;
                sum = UnitAmounts {
                    merchandise: sum.merchandise.checked_add(part.merchandise)?,
                    tax: sum.tax.checked_add(part.tax)?,
                    shipping: sum.shipping.checked_add(part.shipping)?,
                    shipping_tax: sum.shipping_tax.checked_add(part.shipping_tax)?,
                    total: sum.total.checked_add(part.total)?,
                };
            }
            start_of_batch = end_of_batch;
        }
        Ok(sum)
    }

    /// Units whose merchandise and tax were refunded.
    pub fn refunded_units(&self) -> u32 {
        self.refunded.iter().sum()
    }

    /// Which units the next `count` refunded units are: per batch (latest first), the range
    /// `first .. first + n` within it.
    fn refund_ranges(&self, count: u32) -> Result<Vec<(usize, u32, u32)>, MoneyError> {
        let mut left = count;
        let mut ranges = Vec::with_capacity(1);
        for i in (0..=self.added.len()).rev() {
            let Some(batch) = self.batch(i) else { continue };
            let done = self.refunded.get(i).copied().unwrap_or(0);
            let end = batch.quantity.saturating_sub(done);
            let n = left.min(end);
            if n > 0 {
                ranges.push((i, end - n, n));
                left -= n;
            }
        }
        if left > 0 {
            return Err(MoneyError::InvalidWeights { problem: "more units refunded than the line has" });
        }
        Ok(ranges)
    }

    /// Priced batch `i`: 0 is the captured units, then each added batch.
    fn batch(&self, i: usize) -> Option<&LinePricing> {
        match i {
            0 => Some(&self.pricing),
            _ => self.added.get(i - 1),
        }
    }

    /// Merchandise and tax due back for the next `count` units to refund.
    pub(crate) fn next_refund(&self, count: u32) -> Result<(Money, Money), MoneyError> {
        let zero = Money::zero(self.pricing.total.currency());
        let (mut merchandise, mut tax) = (zero, zero);
        for (i, first, n) in self.refund_ranges(count)? {
            if let Some(batch) = self.batch(i) {
                let amounts = batch.for_units(first, n)?;
                merchandise = merchandise.checked_add(amounts.merchandise)?;
                tax = tax.checked_add(amounts.tax)?;
            }
        }
        Ok((merchandise, tax))
    }

    /// Units per status.
    pub fn buckets(&self) -> &Buckets {
        &self.buckets
    }

    /// Nodes excluded from routing this line (they rejected or short-picked it), sorted.
    pub fn excluded_nodes(&self) -> &[NodeId] {
        &self.excluded_nodes
    }

    /// Backordered units by when they were backordered, oldest first.
    pub fn backorders(&self) -> &[BackorderBatch] {
        &self.backorders
    }

    pub(crate) fn buckets_mut(&mut self) -> &mut Buckets {
        &mut self.buckets
    }

    pub(crate) fn exclude(&mut self, node: &NodeId) {
        if let Err(at) = self.excluded_nodes.binary_search(node) {
            self.excluded_nodes.insert(at, node.clone());
        }
    }

    pub(crate) fn set_fulfillment(&mut self, fulfillment: FulfillmentIntent) {
        self.fulfillment = fulfillment;
    }

    pub(crate) fn add_units(&mut self, pricing: LinePricing) {
        self.quantity = self.quantity.saturating_add(pricing.quantity);
        self.buckets.add(LineStatus::Open, pricing.quantity);
        self.added.push(pricing);
    }

    /// Records `units` more refunded; refuses (changing nothing) more than the line has.
    pub(crate) fn record_refund(&mut self, units: u32) -> Result<(), MoneyError> {
        let ranges = self.refund_ranges(units)?;
        self.refunded.resize(1 + self.added.len(), 0);
        for (i, _, n) in ranges {
            if let Some(done) = self.refunded.get_mut(i) {
                *done += n;
            }
        }
        Ok(())
    }

    pub(crate) fn push_backorder(&mut self, batch: BackorderBatch) {
        self.backorders.push(batch);
    }

    /// Takes `quantity` units out of the backorder batches, oldest first.
    pub(crate) fn take_backorders(&mut self, mut quantity: u32) {
        for batch in &mut self.backorders {
            let taken = quantity.min(batch.quantity);
            batch.quantity -= taken;
            quantity -= taken;
        }
        self.backorders.retain(|b| b.quantity > 0);
    }

    /// Units backordered at or before `cutoff`.
    pub(crate) fn backordered_since(&self, cutoff: DateTime<Utc>) -> u32 {
        self.backorders.iter().filter(|b| b.at <= cutoff).map(|b| b.quantity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_conserve_the_total_and_refuse_overdraws() {
        let mut b = Buckets::all_in(LineStatus::Open, 5);
        b.move_units(LineStatus::Open, LineStatus::Reserved, 3).unwrap();
        assert_eq!((b.get(LineStatus::Open), b.get(LineStatus::Reserved), b.total()), (2, 3, 5));
        let before = b;
        assert_eq!(
            b.move_units(LineStatus::Open, LineStatus::Cancelled, 3),
            Err(Shortfall { status: LineStatus::Open, available: 2 })
        );
        assert_eq!(b, before);
    }

    #[test]
    fn buckets_serialize_by_status_name() {
        let json = serde_json::to_value(Buckets::all_in(LineStatus::ReturnRequested, 2)).unwrap();
        assert_eq!(json["return_requested"], 2);
        assert_eq!(LineStatus::ReturnRequested.to_string(), "return_requested");
    }
}
