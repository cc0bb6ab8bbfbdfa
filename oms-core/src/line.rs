//! Order lines and the partition of their quantity into statuses.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Address, LineId, LinePricing, NodeId, Sku};

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
    /// Captured, not yet reserved.
    Open => open,
    /// Waiting for stock.
    Backordered => backordered,
    /// Held against network stock.
    Reserved => reserved,
    /// Assigned to a node's stock.
    Allocated => allocated,
    /// Sent to the node to fulfil.
    Released => released,
    /// Left the node.
    Shipped => shipped,
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
}

/// A line of a captured order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    id: LineId,
    sku: Sku,
    quantity: u32,
    fulfillment: FulfillmentIntent,
    pricing: LinePricing,
    buckets: Buckets,
}

impl OrderLine {
    pub(crate) fn new(
        id: LineId,
        sku: Sku,
        quantity: u32,
        fulfillment: FulfillmentIntent,
        pricing: LinePricing,
    ) -> Self {
        OrderLine { id, sku, quantity, fulfillment, pricing, buckets: Buckets::all_in(LineStatus::Open, quantity) }
    }

    /// The line id.
    pub fn id(&self) -> &LineId {
        &self.id
    }

    /// The item.
    pub fn sku(&self) -> &Sku {
        &self.sku
    }

    /// Units ordered.
    pub fn quantity(&self) -> u32 {
        self.quantity
    }

    /// Ship or pickup.
    pub fn fulfillment(&self) -> &FulfillmentIntent {
        &self.fulfillment
    }

    /// What was paid for the line.
    pub fn pricing(&self) -> &LinePricing {
        &self.pricing
    }

    /// Units per status.
    pub fn buckets(&self) -> &Buckets {
        &self.buckets
    }

    pub(crate) fn buckets_mut(&mut self) -> &mut Buckets {
        &mut self.buckets
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
