//! A position: one sku at one node, and the fold of movements into it.

use serde::{Deserialize, Serialize};

use crate::{Condition, Reason, SupplyId};

/// Counters of one sku at one node. Change them only by folding movements ([`Position::apply`]).
///
/// # Available to promise
/// ```text
/// sellable  = on_hand − damaged − quarantined
/// committed = reserved + allocated
/// balance   = sellable − committed − safety_stock
/// atp       = balance            when the position allows backorders
///           = max(balance, 0)    otherwise
/// ```
/// Commitments (reserve, allocate) are refused when they would take `balance` below zero,
/// unless backorders are allowed, so without backorders `atp` never goes negative through a
/// commitment. Physical losses (a count, an adjustment, a write-off, units set aside) can leave
/// committed units without stock behind them: [`Position::shortfall`] reports those, so a host
/// can re-source them, and `atp` stays at zero meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Position {
    on_hand: u32,
    reserved: u32,
    allocated: u32,
    safety_stock: u32,
    damaged: u32,
    quarantined: u32,
    backorder: bool,
}

/// A counter of a position, as named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Counter {
    /// All units on hand.
    OnHand,
    /// Units on hand that are neither damaged nor quarantined.
    Sellable,
    /// Units held for reservations.
    Reserved,
    /// Units allocated to reservations.
    Allocated,
    /// Damaged units.
    Damaged,
    /// Quarantined units.
    Quarantined,
}

/// Why a movement does not fit its position. The position is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PositionProblem {
    /// The movement moves no units.
    #[error("quantity must be at least 1")]
    ZeroQuantity,
    /// A counter would go below zero.
    #[error("{counter:?} holds {has} units, {wanted} asked for")]
    NotEnough {
        /// The counter.
        counter: Counter,
        /// What it holds.
        has: u32,
        /// What the movement takes.
        wanted: u64,
    },
    /// A commitment beyond what is available to promise, at a node without backorders.
    #[error("{available} units available to promise, {requested} asked for")]
    NotAvailable {
        /// Units available.
        available: u32,
        /// Units asked for.
        requested: u32,
    },
    /// A counter would pass `u32::MAX`.
    #[error("{counter:?} would overflow")]
    Overflow {
        /// The counter.
        counter: Counter,
    },
    /// A count or safety-stock change was decided on another value than the position holds.
    #[error("decided on {expected} but the position holds {actual}")]
    Stale {
        /// The value the movement was decided on.
        expected: u32,
        /// The value the position holds.
        actual: u32,
    },
    /// Sellable is not a condition units can be set aside into or restored from.
    #[error("units cannot be set aside into or restored from sellable")]
    SellableNotUnsellable,
    /// The supply is not expected at this position.
    #[error("supply {supply} is not expected here")]
    UnknownSupply {
        /// The supply.
        supply: SupplyId,
    },
    /// A cancellation names another quantity than the supply expects.
    #[error("supply {supply} expects {expected} units, the cancellation says {said}")]
    SupplyMismatch {
        /// The supply.
        supply: SupplyId,
        /// Units it expects.
        expected: u32,
        /// Units the cancellation names.
        said: u32,
    },
}

fn nonzero(quantity: u32) -> Result<u32, PositionProblem> {
    if quantity == 0 { Err(PositionProblem::ZeroQuantity) } else { Ok(quantity) }
}

fn add(value: u32, quantity: u32, counter: Counter) -> Result<u32, PositionProblem> {
    value.checked_add(quantity).ok_or(PositionProblem::Overflow { counter })
}

fn take(value: u32, quantity: u64, counter: Counter) -> Result<u32, PositionProblem> {
    u64::from(value)
        .checked_sub(quantity)
        .map(|left| left as u32) // left ≤ value ≤ u32::MAX
        .ok_or(PositionProblem::NotEnough { counter, has: value, wanted: quantity })
}

impl Position {
    /// All units on hand, in any condition.
    pub fn on_hand(&self) -> u32 {
        self.on_hand
    }
    /// Units held for reservations.
    pub fn reserved(&self) -> u32 {
        self.reserved
    }
    /// Units allocated to reservations (this node ships them).
    pub fn allocated(&self) -> u32 {
        self.allocated
    }
    /// Units kept back from promising.
    pub fn safety_stock(&self) -> u32 {
        self.safety_stock
    }
    /// Damaged units on hand.
    pub fn damaged(&self) -> u32 {
        self.damaged
    }
    /// Quarantined units on hand.
    pub fn quarantined(&self) -> u32 {
        self.quarantined
    }
    /// Damaged plus quarantined units.
    pub fn unavailable(&self) -> u32 {
        self.damaged.saturating_add(self.quarantined)
    }
    /// Whether the node may promise beyond its stock.
    pub fn backorder_allowed(&self) -> bool {
        self.backorder
    }
    /// Units on hand that may be sold.
    pub fn sellable(&self) -> u32 {
        self.on_hand.saturating_sub(self.unavailable())
    }
    /// Reserved plus allocated.
    pub fn committed(&self) -> u64 {
        u64::from(self.reserved) + u64::from(self.allocated)
    }
    /// Sellable minus committed minus safety stock; negative when over-committed.
    pub fn balance(&self) -> i64 {
        i64::from(self.sellable()) - self.committed() as i64 - i64::from(self.safety_stock)
    }
    /// Available to promise: the balance, floored at zero unless backorders are allowed.
    pub fn atp(&self) -> i64 {
        if self.backorder { self.balance() } else { self.balance().max(0) }
    }
    /// Units a commitment may take without a backorder.
    pub fn free(&self) -> u32 {
        self.balance().clamp(0, i64::from(u32::MAX)) as u32
    }
    /// Committed units with no sellable unit behind them (after a loss): to re-source.
    pub fn shortfall(&self) -> u32 {
        (self.committed().saturating_sub(u64::from(self.sellable()))).min(u64::from(u32::MAX)) as u32
    }

    /// Folds one movement's reason into the position.
    ///
    /// Supply reasons (`expect_supply`, `cancel_supply`) leave the counters alone; the
    /// position's inbound list is folded by [`crate::InboundSupply::apply`].
    ///
    /// # Errors
    /// A [`PositionProblem`] when the movement does not fit; the position is then unchanged.
    pub fn apply(&mut self, reason: &Reason) -> Result<(), PositionProblem> {
        let mut next = *self;
        match *reason {
            Reason::Receive { quantity, .. } | Reason::TransferIn { quantity, .. } => {
                next.on_hand = add(next.on_hand, nonzero(quantity)?, Counter::OnHand)?;
            }
            Reason::Adjust { delta } => {
                if delta == 0 {
                    return Err(PositionProblem::ZeroQuantity);
                }
                let size = delta.unsigned_abs();
                if delta > 0 {
                    let units =
                        u32::try_from(size).map_err(|_| PositionProblem::Overflow { counter: Counter::OnHand })?;
                    next.on_hand = add(next.on_hand, units, Counter::OnHand)?;
                } else {
                    take(next.sellable(), size, Counter::Sellable)?;
                    next.on_hand = take(next.on_hand, size, Counter::OnHand)?;
                }
            }
            Reason::Count { counted, previous } => {
                if previous != self.on_hand {
                    return Err(PositionProblem::Stale { expected: previous, actual: self.on_hand });
                }
                if counted < self.unavailable() {
                    return Err(PositionProblem::NotEnough {
                        counter: Counter::Sellable,
                        has: counted,
                        wanted: u64::from(self.unavailable()),
                    });
                }
                next.on_hand = counted;
            }
            Reason::Reserve { quantity, .. } => {
                self.check_available(nonzero(quantity)?)?;
                next.reserved = add(next.reserved, quantity, Counter::Reserved)?;
            }
            Reason::Allocate { quantity } => {
                self.check_available(nonzero(quantity)?)?;
                next.allocated = add(next.allocated, quantity, Counter::Allocated)?;
            }
            Reason::Release { quantity, .. } => {
                next.reserved = take(next.reserved, u64::from(nonzero(quantity)?), Counter::Reserved)?;
            }
            Reason::Deallocate { quantity, .. } => {
                next.allocated = take(next.allocated, u64::from(nonzero(quantity)?), Counter::Allocated)?;
            }
            Reason::Ship { quantity } => {
                let q = u64::from(nonzero(quantity)?);
                next.allocated = take(next.allocated, q, Counter::Allocated)?;
                take(next.sellable(), q, Counter::Sellable)?;
                next.on_hand = take(next.on_hand, q, Counter::OnHand)?;
            }
            Reason::ReturnToStock { quantity, condition } => {
                next.on_hand = add(next.on_hand, nonzero(quantity)?, Counter::OnHand)?;
                match condition {
                    Condition::Sellable => {}
                    Condition::Damaged => next.damaged = add(next.damaged, quantity, Counter::Damaged)?,
                    Condition::Quarantined => {
                        next.quarantined = add(next.quarantined, quantity, Counter::Quarantined)?;
                    }
                }
            }
            Reason::TransferOut { quantity, .. } => {
                let q = nonzero(quantity)?;
                let uncommitted = u64::from(self.sellable()).saturating_sub(self.committed());
                if uncommitted < u64::from(q) {
                    return Err(PositionProblem::NotAvailable { available: uncommitted as u32, requested: q });
                }
                next.on_hand = take(next.on_hand, u64::from(q), Counter::OnHand)?;
            }
            Reason::WriteOff { quantity, from } => {
                let q = u64::from(nonzero(quantity)?);
                match from {
                    Condition::Sellable => {
                        take(next.sellable(), q, Counter::Sellable)?;
                    }
                    Condition::Damaged => next.damaged = take(next.damaged, q, Counter::Damaged)?,
                    Condition::Quarantined => next.quarantined = take(next.quarantined, q, Counter::Quarantined)?,
                }
                next.on_hand = take(next.on_hand, q, Counter::OnHand)?;
            }
            Reason::SetAside { quantity, into } => {
                let q = nonzero(quantity)?;
                take(next.sellable(), u64::from(q), Counter::Sellable)?;
                match into {
                    Condition::Sellable => return Err(PositionProblem::SellableNotUnsellable),
                    Condition::Damaged => next.damaged = add(next.damaged, q, Counter::Damaged)?,
                    Condition::Quarantined => next.quarantined = add(next.quarantined, q, Counter::Quarantined)?,
                }
            }
            Reason::Restore { quantity, from } => {
                let q = u64::from(nonzero(quantity)?);
                match from {
                    Condition::Sellable => return Err(PositionProblem::SellableNotUnsellable),
                    Condition::Damaged => next.damaged = take(next.damaged, q, Counter::Damaged)?,
                    Condition::Quarantined => next.quarantined = take(next.quarantined, q, Counter::Quarantined)?,
                }
            }
            Reason::ExpectSupply { quantity, .. } => {
                nonzero(quantity)?;
            }
            Reason::CancelSupply { .. } => {}
            Reason::SafetyStock { units, previous } => {
                if previous != self.safety_stock {
                    return Err(PositionProblem::Stale { expected: previous, actual: self.safety_stock });
                }
                next.safety_stock = units;
            }
            Reason::Backorder { allowed } => next.backorder = allowed,
        }
        *self = next;
        Ok(())
    }

    fn check_available(&self, quantity: u32) -> Result<(), PositionProblem> {
        if !self.backorder && self.balance() < i64::from(quantity) {
            return Err(PositionProblem::NotAvailable { available: self.free(), requested: quantity });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReleaseCause;

    fn receive(quantity: u32) -> Reason {
        Reason::Receive { quantity, supply: None }
    }

    #[test]
    fn atp_subtracts_commitments_unavailable_and_safety() {
        let mut p = Position::default();
        p.apply(&receive(10)).unwrap();
        p.apply(&Reason::SetAside { quantity: 1, into: Condition::Damaged }).unwrap();
        p.apply(&Reason::SafetyStock { units: 2, previous: 0 }).unwrap();
        p.apply(&Reason::Allocate { quantity: 3 }).unwrap();
        assert_eq!((p.on_hand(), p.sellable(), p.atp()), (10, 9, 4));
        assert_eq!(
            p.apply(&Reason::Allocate { quantity: 5 }),
            Err(PositionProblem::NotAvailable { available: 4, requested: 5 })
        );
        assert_eq!(p.allocated(), 3, "a refused movement changes nothing");
    }

    #[test]
    fn losses_leave_a_shortfall_not_a_negative_atp() {
        let mut p = Position::default();
        p.apply(&receive(5)).unwrap();
        p.apply(&Reason::Allocate { quantity: 4 }).unwrap();
        p.apply(&Reason::Count { counted: 2, previous: 5 }).unwrap();
        assert_eq!((p.atp(), p.balance(), p.shortfall()), (0, -2, 2));
        p.apply(&Reason::Backorder { allowed: true }).unwrap();
        assert_eq!(p.atp(), -2);
    }

    #[test]
    fn on_hand_never_goes_negative() {
        let mut p = Position::default();
        p.apply(&receive(2)).unwrap();
        assert!(matches!(
            p.apply(&Reason::Adjust { delta: -3 }),
            Err(PositionProblem::NotEnough { counter: Counter::Sellable, has: 2, wanted: 3 })
        ));
        assert!(p.apply(&Reason::Release { quantity: 1, cause: ReleaseCause::Cancelled }).is_err());
        assert_eq!(p.apply(&receive(0)), Err(PositionProblem::ZeroQuantity));
        assert_eq!(p.on_hand(), 2);
    }
}
