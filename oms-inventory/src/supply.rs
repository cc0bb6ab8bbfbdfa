//! Inbound supply expected at a position.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{PositionProblem, Reason, SupplyId};

/// What kind of supply is on its way. Each kind counts towards future availability at its own
/// share ([`SupplyRules`](crate::SupplyRules)): a purchase order is less certain than a truck on
/// the road.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplyKind {
    /// Ordered from a supplier, not shipped yet.
    PurchaseOrder,
    /// A planned transfer from another node, not shipped yet.
    Transfer,
    /// Shipped and on its way (a transfer sent out, an advance ship notice).
    InTransit,
}

/// Units expected at a position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InboundSupply {
    /// The purchase order, transfer or shipment.
    pub supply: SupplyId,
    /// What kind of supply.
    pub kind: SupplyKind,
    /// Units still expected.
    pub quantity: u32,
    /// When they are expected.
    pub expected_at: DateTime<Utc>,
}

impl InboundSupply {
    /// Folds a movement's reason into a position's inbound list (kept sorted by expected time,
    /// then supply id). Receipts against a supply reduce it; other reasons leave it alone.
    ///
    /// # Errors
    /// [`PositionProblem::UnknownSupply`] or [`PositionProblem::SupplyMismatch`] for a
    /// cancellation that does not match; the list is then unchanged.
    pub fn apply(lines: &mut Vec<InboundSupply>, reason: &Reason) -> Result<(), PositionProblem> {
        let find = |lines: &[InboundSupply], supply: &SupplyId| lines.iter().position(|l| &l.supply == supply);
        match reason {
            Reason::ExpectSupply { supply, kind, quantity, expected_at } => {
                if *quantity == 0 {
                    return Err(PositionProblem::ZeroQuantity);
                }
                if let Some(i) = find(lines, supply) {
                    lines.remove(i);
                }
                let line = InboundSupply {
                    supply: supply.clone(),
                    kind: *kind,
                    quantity: *quantity,
                    expected_at: *expected_at,
                };
                let at = lines.partition_point(|l| (l.expected_at, &l.supply) < (line.expected_at, &line.supply));
                lines.insert(at, line);
            }
            Reason::CancelSupply { supply, quantity } => {
                let i = find(lines, supply).ok_or_else(|| PositionProblem::UnknownSupply { supply: supply.clone() })?;
                let expected = lines.get(i).map_or(0, |l| l.quantity);
                if expected != *quantity {
                    return Err(PositionProblem::SupplyMismatch { supply: supply.clone(), expected, said: *quantity });
                }
                lines.remove(i);
            }
            Reason::Receive { quantity, supply: Some(supply) }
            | Reason::TransferIn { quantity, transfer: supply, .. } => {
                if let Some(i) = find(lines, supply) {
                    if let Some(line) = lines.get_mut(i) {
                        line.quantity = line.quantity.saturating_sub(*quantity);
                        if line.quantity == 0 {
                            lines.remove(i);
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}
