//! Holds: reasons an order (or some of its lines) may not be allocated or released yet.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{CancelCause, HoldName, LineId, Order, OrderError, OrderEvent};

/// A kind of hold. An order has at most one active hold of each kind.
///
/// Serialized as `{"kind": "payment"}` or `{"kind": "custom", "name": "age check"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
#[non_exhaustive]
pub enum HoldKind {
    /// Payment not yet authorised or captured.
    Payment,
    /// Under fraud review.
    Fraud,
    /// The ship-to address needs verifying.
    AddressVerification,
    /// A hold of the host's own, by name.
    Custom(HoldName),
}

impl fmt::Display for HoldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldKind::Payment => f.write_str("payment"),
            HoldKind::Fraud => f.write_str("fraud"),
            HoldKind::AddressVerification => f.write_str("address verification"),
            HoldKind::Custom(name) => write!(f, "{name}"),
        }
    }
}

/// An active hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// What kind.
    pub kind: HoldKind,
    /// The lines it holds; empty for the whole order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineId>,
    /// Why it was placed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Hold {
    /// True when the hold covers `line`.
    pub fn covers(&self, line: &LineId) -> bool {
        self.lines.is_empty() || self.lines.contains(line)
    }
}

/// How a hold ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum HoldResolution {
    /// Cleared: the order may go on.
    Release,
    /// Failed (payment declined, fraud confirmed): the held units are cancelled with `reason`.
    Reject {
        /// Why, in words.
        reason: String,
    },
}

impl Order {
    pub(crate) fn decide_place_hold(
        &self,
        hold: &HoldKind,
        lines: &[LineId],
        note: &Option<String>,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        if self.holds().iter().any(|h| &h.kind == hold) {
            return Err(OrderError::HoldAlreadySet { order: self.id().clone(), hold: hold.clone() });
        }
        let mut held = Vec::with_capacity(lines.len());
        for line in lines {
            self.known_line(line)?;
            if !held.contains(line) {
                held.push(line.clone());
            }
        }
        Ok(vec![OrderEvent::HoldPlaced { hold: Hold { kind: hold.clone(), lines: held, note: note.clone() } }])
    }

    pub(crate) fn decide_resolve_hold(
        &self,
        kind: &HoldKind,
        resolution: &HoldResolution,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let hold = self
            .holds()
            .iter()
            .find(|h| &h.kind == kind)
            .ok_or_else(|| OrderError::HoldNotSet { order: self.id().clone(), hold: kind.clone() })?;
        match resolution {
            HoldResolution::Release => Ok(vec![OrderEvent::HoldReleased { hold: kind.clone() }]),
            HoldResolution::Reject { reason } => {
                let mut events = vec![OrderEvent::HoldRejected { hold: kind.clone(), reason: reason.clone() }];
                let plan = self.plan_cancel_all(|line| hold.covers(line.id()))?;
                if !plan.is_empty() {
                    events.extend(self.cancel_events(
                        plan,
                        CancelCause::HoldRejected { hold: kind.clone() },
                        reason,
                    )?);
                }
                Ok(events)
            }
        }
    }

    /// Refuses when a hold covers the line.
    pub(crate) fn check_not_held(&self, line: &LineId) -> Result<(), OrderError> {
        match self.hold_on(line) {
            Some(hold) => {
                Err(OrderError::OnHold { order: self.id().clone(), line: line.clone(), hold: hold.kind.clone() })
            }
            None => Ok(()),
        }
    }
}
