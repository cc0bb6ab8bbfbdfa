//! Eligibility: how many units of each line may be returned now, and if none, why.

use chrono::{DateTime, Duration, Utc};
use oms_core::{LineId, OrderId, Sku};
use serde::{Deserialize, Serialize};

use crate::{Refusal, ReturnPolicy, ReturnReason, ReturnableLine, ReturnableOrder};

/// What may be returned of an order, line by line, for one reason at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// The order.
    pub order: OrderId,
    /// The reason it was computed for (final-sale items depend on it).
    pub reason: ReturnReason,
    /// One entry per order line, in the order's line order.
    pub lines: Vec<LineEligibility>,
}

/// What may be returned of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEligibility {
    /// The line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// Units that may be returned now.
    pub returnable: u32,
    /// When the window closes for the last delivered units (none before delivery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<DateTime<Utc>>,
    /// Why nothing may be returned, when `returnable` is zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
}

/// Eligibility of one line. `in_returns` is the units this crate's RMAs hold or refunded.
///
/// Returnable units are the smallest of: units delivered within the window; units still with
/// the customer (delivered minus returned anywhere); unit slots not yet paid back.
pub(crate) fn line_eligibility(
    order: &ReturnableOrder,
    line: &ReturnableLine,
    in_returns: u32,
    policy: &ReturnPolicy,
    reason: ReturnReason,
    now: DateTime<Utc>,
) -> LineEligibility {
    let days = Duration::days(i64::from(policy.window_days(&order.channel, &line.sku)));
    // A deadline past the end of time never passes.
    let deadline = |at: DateTime<Utc>| at.checked_add_signed(days).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let closes_at = line.deliveries.iter().map(|d| deadline(d.at)).max();
    let in_window =
        line.deliveries.iter().filter(|d| now <= deadline(d.at)).fold(0u32, |n, d| n.saturating_add(d.quantity));
    let delivered = line.delivered();
    let with_customer = delivered.saturating_sub(line.returned_outside).saturating_sub(in_returns);
    let free_slots = line.quantity().saturating_sub(line.refunded_outside).saturating_sub(in_returns);

    let rule = policy.reason(reason);
    let refusal = if policy.non_returnable.contains(&line.sku) {
        Some(Refusal::NonReturnable { sku: line.sku.clone() })
    } else if rule.is_none() {
        Some(Refusal::ReasonNotAccepted { reason })
    } else if policy.final_sale.contains(&line.sku) && !rule.is_some_and(|r| r.merchant_at_fault) {
        Some(Refusal::FinalSale { sku: line.sku.clone() })
    } else if delivered == 0 {
        Some(Refusal::NotDelivered)
    } else if with_customer == 0 {
        Some(Refusal::AllReturned { delivered })
    } else if in_window == 0 {
        closes_at.map(|closed_at| Refusal::WindowClosed { closed_at })
    } else if free_slots == 0 {
        Some(Refusal::NothingLeftToRefund)
    } else {
        None
    };
    let returnable = if refusal.is_some() { 0 } else { in_window.min(with_customer).min(free_slots) };
    LineEligibility { line: line.line_id.clone(), sku: line.sku.clone(), returnable, closes_at, refusal }
}
