//! The lifecycle policy, and expiry: backorders and uncollected pickups that ran out of time.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::transitions::FulfillmentStatus;
use crate::{CancelCause, LineStatus, Order, OrderError, OrderEvent};

/// The host's choices for the order lifecycle, passed in (never global).
///
/// ```
/// use oms_core::{LifecyclePolicy, RejectedPickups};
/// let policy = LifecyclePolicy { backorder_days: Some(14), ..LifecyclePolicy::default() };
/// assert_eq!(policy.pickup_days, Some(7));
/// assert_eq!(policy.rejected_pickups, RejectedPickups::Park);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecyclePolicy {
    /// Backordered units are cancelled this many days after they were backordered
    /// (`None`: never). Default 30.
    pub backorder_days: Option<u32>,
    /// Units waiting at a pickup store are cancelled this many days after they became ready
    /// (`None`: never). Default 7.
    pub pickup_days: Option<u32>,
    /// What happens to units a pickup store rejects or short-picks. Default: park them.
    pub rejected_pickups: RejectedPickups,
}

impl Default for LifecyclePolicy {
    fn default() -> Self {
        LifecyclePolicy { backorder_days: Some(30), pickup_days: Some(7), rejected_pickups: RejectedPickups::Park }
    }
}

/// What happens to units a pickup store rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectedPickups {
    /// Route them again at once (another store, or a transfer), without the rejecting store.
    Reroute,
    /// Park them in `rejected` for a person to decide: the customer chose that store.
    Park,
}

fn days_before(now: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    now.checked_sub_signed(Duration::days(i64::from(days)))
}

impl Order {
    /// The events [`OrderCommand::Expire`](crate::OrderCommand::Expire) records at `now`
    /// under `policy`: one cancellation for expired backorders, one per expired pickup.
    /// Empty when nothing expired.
    ///
    /// # Errors
    /// [`OrderError::Money`] only for amounts too large to add up.
    pub fn expire(&self, now: DateTime<Utc>, policy: &LifecyclePolicy) -> Result<Vec<OrderEvent>, OrderError> {
        self.decide_expire(now, policy)
    }

    pub(crate) fn decide_expire(
        &self,
        now: DateTime<Utc>,
        policy: &LifecyclePolicy,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let mut events = Vec::new();
        // Later cancellations refund from where earlier ones stopped: decide each on the order
        // as the earlier ones leave it.
        let mut scratch = self.clone();
        if let Some((days, cutoff)) = policy.backorder_days.and_then(|d| days_before(now, d).map(|c| (d, c))) {
            let units: Vec<_> = self
                .lines()
                .iter()
                .filter_map(|l| {
                    let n = l.backordered_since(cutoff).min(l.buckets().get(LineStatus::Backordered));
                    (n > 0).then(|| (l.id().clone(), LineStatus::Backordered, n, None))
                })
                .collect();
            if !units.is_empty() {
                let reason = format!("backordered for more than {days} days");
                let event = OrderEvent::Cancelled(Box::new(scratch.cancellation(
                    units,
                    CancelCause::BackorderExpired,
                    &reason,
                )?));
                scratch.apply(&event)?;
                events.push(event);
            }
        }
        if let Some((days, cutoff)) = policy.pickup_days.and_then(|d| days_before(now, d).map(|c| (d, c))) {
            let expired = self.fulfillment_orders().iter().filter(|f| {
                f.status() == FulfillmentStatus::ReadyForPickup && f.ready_at().is_some_and(|at| at <= cutoff)
            });
            for f in expired {
                let units = f
                    .line_quantities(LineStatus::ReadyForPickup)
                    .into_iter()
                    .map(|u| (u.line, LineStatus::ReadyForPickup, u.quantity, Some(f.id().clone())))
                    .collect();
                let reason = format!("not collected within {days} days");
                let event = OrderEvent::Cancelled(Box::new(scratch.cancellation(
                    units,
                    CancelCause::PickupExpired,
                    &reason,
                )?));
                scratch.apply(&event)?;
                events.push(event);
            }
        }
        Ok(events)
    }
}
