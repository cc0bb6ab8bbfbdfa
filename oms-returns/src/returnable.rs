//! What the customer received and paid: the input every return decision reads.
//!
//! This is the contract between the order lifecycle and returns. The host (the `oms` facade)
//! builds a [`ReturnableOrder`] from its order each time it runs a return command; this crate
//! never reads an order store.

use chrono::{DateTime, Utc};
use oms_core::{
    ChannelId, Currency, FulfillmentIntent, LineId, LinePricing, Money, NodeId, OrderCaptured, OrderId, Sku,
};
use serde::{Deserialize, Serialize};

use crate::ReturnError;

/// An order as returns see it: lines delivered and what was paid for them.
///
/// # Contract
/// - `lines[*].pricing` is the line's pricing as captured: the units' shares of line and
///   order discounts, tax and outbound shipping come from it with
///   [`LinePricing::for_units`], so refunds never recompute an allocation.
/// - Units counted in `returned_outside` / `refunded_outside` are returns and refunds made
///   **outside** this crate (a legacy system, POS returns, cancellations refunded by the
///   order lifecycle). Units in this crate's RMAs are counted by [`OrderReturns`] itself:
///   do not include them, or they count twice.
/// - Refunds made outside take a line's unit slots from the bottom (see [`Units`]).
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
    /// What was paid, as captured; `pricing.quantity` is the number of units paid for.
    pub pricing: LinePricing,
    /// Units delivered or collected, with when and where.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
    /// Units returned or in a return outside this crate.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub returned_outside: u32,
    /// Units paid back outside this crate (slots `0 .. refunded_outside`).
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
            lines: captured
                .lines
                .iter()
                .map(|l| ReturnableLine {
                    line_id: l.id.clone(),
                    sku: l.sku.clone(),
                    pricing: l.pricing,
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
    /// the units paid for, outside returns within delivered units.
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
        let check_money = |line: Option<&LineId>, field: &str, m: &Money| {
            if m.currency() != self.currency {
                Err(invalid(line, format!("{field} is in {}, the order in {}", m.currency(), self.currency)))
            } else if (m.amount().is_sign_negative() && !m.is_zero()) || crate::paid::to_minor(m).is_err() {
                Err(invalid(line, format!("{field} {m} is negative or not in minor units")))
            } else {
                Ok(())
            }
        };
        check_money(None, "captured", &self.captured)?;
        check_money(None, "refunded_amount_outside", &self.refunded_amount_outside)?;
        if self.lines.is_empty() {
            return Err(invalid(None, "has no lines".into()));
        }
        for (i, line) in self.lines.iter().enumerate() {
            let id = Some(&line.line_id);
            if self.lines.iter().take(i).any(|l| same_id(&l.line_id, &line.line_id)) {
                return Err(invalid(id, "appears twice".into()));
            }
            let p = &line.pricing;
            for (field, m) in [
                ("pricing.gross", &p.gross),
                ("pricing.line_discount", &p.line_discount),
                ("pricing.order_discount", &p.order_discount),
                ("pricing.tax", &p.tax),
                ("pricing.shipping", &p.shipping),
                ("pricing.shipping_tax", &p.shipping_tax),
                ("pricing.total", &p.total),
            ] {
                check_money(id, field, m)?;
            }
            if p.quantity == 0 {
                return Err(invalid(id, "pricing covers no units".into()));
            }
            let delivered = line.deliveries.iter().map(|d| u64::from(d.quantity)).sum::<u64>();
            if delivered > u64::from(p.quantity) {
                return Err(invalid(id, format!("{delivered} units delivered but {} paid for", p.quantity)));
            }
            if u64::from(line.returned_outside) > delivered {
                return Err(invalid(id, format!("{} units returned but {delivered} delivered", line.returned_outside)));
            }
            if line.refunded_outside > p.quantity {
                return Err(invalid(
                    id,
                    format!("{} units refunded but {} paid for", line.refunded_outside, p.quantity),
                ));
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
