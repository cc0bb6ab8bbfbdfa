//! What the customer received and paid: the input every return decision reads.
//!
//! This is the contract between the order lifecycle and returns. The host (the `oms` facade)
//! builds a [`ReturnableOrder`] from its order and prepares it
//! ([`ReturnableOrder::prepare`]) whenever the order changes; this crate never reads an order
//! store.

use chrono::{DateTime, Utc};
use oms_core::{
    ChannelId, Currency, FulfillmentIntent, LineId, LinePricing, Money, NodeId, OrderCaptured, OrderId, Sku,
};
use serde::{Deserialize, Serialize};

use crate::ReturnError;

/// An order as returns see it: lines delivered and what was paid for them.
///
/// # Contract
/// - A line's units are its priced batches end to end: `pricing` (the units captured with the
///   line) then each of `added` (units added by modifications), as `oms-core`'s
///   `OrderLine::priced_batches`. Unit `n` of the line is unit `n` of that concatenation, and
///   each unit's share of discounts, tax and outbound shipping comes from its batch with
///   [`LinePricing::for_units`], so refunds never recompute an allocation.
/// - Units counted in `returned_outside` / `refunded_outside` are returns and refunds made
///   **outside** this crate (cancellations refunded by the order lifecycle, a legacy system,
///   POS returns). Units in this crate's RMAs are counted by [`OrderReturns`] itself: do not
///   include them, or they count twice.
/// - Refunds made outside pay back the merchandise and tax of a line's *last* units (its top
///   `refunded_outside` slots, as `oms-core` refunds cancellations); returns here take slots
///   from the bottom (see [`Units`]).
/// - `shipping_refunded_outside` says the outbound shipping was paid back in full outside
///   (`oms-core` does so when nothing of the order will ship): then no shipping is refunded here.
/// - `captured` is what the payment provider captured for the order and `refunded_amount_outside`
///   what was refunded of it outside this crate; refunds here never exceed the difference.
///
/// [`OrderReturns`]: crate::OrderReturns
/// [`Units`]: crate::Units
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnableOrder {
    /// The order.
    pub order_id: OrderId,
    /// The channel it was sold on (return windows may differ per channel).
    pub channel: ChannelId,
    /// Currency of every amount.
    pub currency: Currency,
    /// Captured from the customer for this order.
    pub captured: Money,
    /// Refunded of it outside this crate.
    pub refunded_amount_outside: Money,
    /// The outbound shipping was paid back in full outside this crate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shipping_refunded_outside: bool,
    /// The lines.
    pub lines: Vec<ReturnableLine>,
}

/// A line as returns see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnableLine {
    /// The line.
    pub line_id: LineId,
    /// The item.
    pub sku: Sku,
    /// What was paid for the units captured with the line.
    pub pricing: LinePricing,
    /// What was paid for units added later, batch by batch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<LinePricing>,
    /// Units delivered or collected, with when and where.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
    /// Units returned or in a return outside this crate.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub returned_outside: u32,
    /// Units whose merchandise and tax were paid back outside this crate: the line's last ones.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub refunded_outside: u32,
}

/// Id equality, looking at the length and the end bytes before comparing the text: line ids
/// of one order usually differ there, and this check runs on every return decision.
fn same_id(a: &LineId, b: &LineId) -> bool {
    let (a, b) = (a.as_str().as_bytes(), b.as_str().as_bytes());
    a.len() == b.len() && a.first() == b.first() && a.last() == b.last() && a == b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Units that reached the customer at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// How many.
    pub quantity: u32,
    /// When they were delivered or collected: the return window starts here.
    pub at: DateTime<Utc>,
    /// The node where they were collected, for pickups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_node: Option<NodeId>,
}

impl ReturnableOrder {
    /// A captured order whose every unit reached the customer at `at`, nothing returned or
    /// refunded yet, the whole total captured. Pickup lines record their node.
    ///
    /// ```
    /// use oms_core::{capture, testkit::fixtures};
    /// use oms_returns::ReturnableOrder;
    /// let captured = capture(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]))?;
    /// let order = ReturnableOrder::all_delivered(&captured, fixtures::t0());
    /// assert_eq!(order.lines[0].delivered(), 2);
    /// assert_eq!(order.captured, captured.totals.total);
    /// # Ok::<(), oms_core::CaptureError>(())
    /// ```
    pub fn all_delivered(captured: &OrderCaptured, at: DateTime<Utc>) -> ReturnableOrder {
        ReturnableOrder {
            order_id: captured.order_id.clone(),
            channel: captured.channel.id.clone(),
            currency: captured.currency,
            captured: captured.totals.total,
            refunded_amount_outside: Money::zero(captured.currency),
            shipping_refunded_outside: false,
            lines: captured
                .lines
                .iter()
                .map(|l| ReturnableLine {
                    line_id: l.id.clone(),
                    sku: l.sku.clone(),
                    pricing: l.pricing,
                    added: Vec::new(),
                    deliveries: vec![Delivery {
                        quantity: l.quantity,
                        at,
                        pickup_node: match &l.fulfillment {
                            FulfillmentIntent::Pickup { node } => Some(node.clone()),
                            FulfillmentIntent::Ship { .. } => None,
                        },
                    }],
                    returned_outside: 0,
                    refunded_outside: 0,
                })
                .collect(),
        }
    }

    /// A line by id.
    pub fn line(&self, id: &LineId) -> Option<&ReturnableLine> {
        self.lines.iter().find(|l| &l.line_id == id)
    }

    /// Checks the contract: unique lines, one currency in minor units, delivered units within
    /// the units paid for, outside returns within delivered units. [`ReturnableOrder::prepare`]
    /// runs it.
    ///
    /// # Errors
    /// [`ReturnError::InvalidOrder`] naming the order, the line and the problem.
    pub fn validate(&self) -> Result<(), ReturnError> {
        let order = &self.order_id;
        let invalid = |line: Option<&LineId>, problem: String| ReturnError::InvalidOrder {
            order: order.clone(),
            line: line.cloned(),
            problem,
        };
        // The usual amount (the order's currency, at its scale, not negative) passes this test;
        // only a batch with another amount goes through `check_money`, which says what is wrong
        // and builds the field's name.
        let minor_units = self.currency.minor_units();
        let plain = |m: &Money| {
            let amount = m.amount();
            m.currency() == self.currency && amount.scale() == minor_units && !amount.is_sign_negative()
        };
        let check_money = |line: Option<&LineId>, field: &dyn Fn() -> String, m: &Money| {
            if m.currency() != self.currency {
                Err(invalid(line, format!("{} is in {}, the order in {}", field(), m.currency(), self.currency)))
            } else if (m.amount().is_sign_negative() && !m.is_zero()) || crate::paid::to_minor(m).is_err() {
                Err(invalid(line, format!("{} {m} is negative or not in minor units", field())))
            } else {
                Ok(())
            }
        };
        check_money(None, &|| "captured".into(), &self.captured)?;
        check_money(None, &|| "refunded_amount_outside".into(), &self.refunded_amount_outside)?;
        if self.lines.is_empty() {
            return Err(invalid(None, "has no lines".into()));
        }
        for (i, line) in self.lines.iter().enumerate() {
            let id = Some(&line.line_id);
            if self.lines.iter().take(i).any(|l| same_id(&l.line_id, &line.line_id)) {
                return Err(invalid(id, "appears twice".into()));
            }
            for (b, p) in line.batches().enumerate() {
                let field = |name: &str| match b {
                    0 => format!("pricing.{name}"),
                    _ => format!("added[{}].{name}", b - 1),
                };
                let amounts = [
                    ("gross", &p.gross),
                    ("line_discount", &p.line_discount),
                    ("order_discount", &p.order_discount),
                    ("tax", &p.tax),
                    ("shipping", &p.shipping),
                    ("shipping_tax", &p.shipping_tax),
                    ("total", &p.total),
                ];
                if !amounts.iter().all(|(_, m)| plain(m)) {
                    for (name, m) in amounts {
                        check_money(id, &|| field(name), m)?;
                    }
                }
                if p.quantity == 0 {
                    return Err(invalid(id, format!("{} covers no units", field("quantity"))));
                }
            }
            let quantity = line.batches().map(|p| u64::from(p.quantity)).sum::<u64>();
            if quantity > u64::from(u32::MAX) {
                return Err(invalid(id, format!("{quantity} units is more than a line holds")));
            }
            let delivered = line.deliveries.iter().map(|d| u64::from(d.quantity)).sum::<u64>();
            if delivered > quantity {
                return Err(invalid(id, format!("{delivered} units delivered but {quantity} paid for")));
            }
            if u64::from(line.returned_outside) > delivered {
                return Err(invalid(id, format!("{} units returned but {delivered} delivered", line.returned_outside)));
            }
            if u64::from(line.refunded_outside) > quantity {
                return Err(invalid(id, format!("{} units refunded but {quantity} paid for", line.refunded_outside)));
            }
        }
        Ok(())
    }
}

impl ReturnableLine {
    /// Units delivered or collected (validated orders keep this within `u32`).
    pub fn delivered(&self) -> u32 {
        self.deliveries.iter().fold(0u32, |n, d| n.saturating_add(d.quantity))
    }

    /// Units paid for, over all priced batches.
    pub fn quantity(&self) -> u32 {
        self.batches().fold(0u32, |n, p| n.saturating_add(p.quantity))
    }

    /// The priced batches, in unit order: `pricing`, then `added`.
    pub fn batches(&self) -> impl Iterator<Item = &LinePricing> + '_ {
        std::iter::once(&self.pricing).chain(&self.added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oms_core::testkit::fixtures;

    fn order() -> ReturnableOrder {
        let captured =
            oms_core::capture(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 3), ("2", "CAP", 1)])).unwrap();
        ReturnableOrder::all_delivered(&captured, fixtures::t0())
    }

    #[test]
    fn a_delivered_capture_is_valid() {
        assert!(order().validate().is_ok());
    }

    #[test]
    fn refuses_more_delivered_than_paid_for_naming_the_line() {
        let mut o = order();
        o.lines[0].deliveries[0].quantity = 4;
        let err = o.validate().unwrap_err();
        assert_eq!(err.to_string(), "order O-1 line 1: 4 units delivered but 3 paid for");
    }

    #[test]
    fn refuses_duplicate_lines_and_foreign_currencies() {
        let mut o = order();
        o.lines[1].line_id = "1".parse().unwrap();
        assert!(o.validate().unwrap_err().to_string().contains("appears twice"));
        let mut o = order();
        o.captured = Money::from_minor(1, oms_core::Currency::EUR);
        assert!(o.validate().unwrap_err().to_string().contains("captured is in EUR"));
    }
}
