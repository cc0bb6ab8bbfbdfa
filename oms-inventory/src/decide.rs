//! Deciding commands: validate against the current state, then build the batch of movements.
//! Stock commands live here; reservation commands in `claims.rs`.

use chrono::{DateTime, Utc};
use oms_core::{IdempotencyKey, NodeId, Sku};

use crate::apply::Scratch;
use crate::overlay::Overlay;
use crate::raw::{Claim, OutcomeKind, RawBatch, RawMovement};
use crate::{
    AvailabilityChanged, Batch, Command, Error, Inventory, Outcome, Position, PositionProblem, Reason, ReservedLine,
    Result, SupplyKind,
};

/// A decided command: the batch to write (none when there is nothing to move) and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    batch: Option<Batch>,
    outcome: Outcome,
}

impl Decision {
    /// The batch to write, if anything moves.
    pub fn batch(&self) -> Option<&Batch> {
        self.batch.as_ref()
    }
    /// The outcome.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }
    /// The batch and the outcome.
    pub fn into_parts(self) -> (Option<Batch>, Outcome) {
        (self.batch, self.outcome)
    }
}

/// A command executed by [`Inventory::execute`]; borrows the engine until dropped.
#[derive(Debug)]
pub struct Executed<'a> {
    inventory: &'a Inventory,
}

impl Executed<'_> {
    /// True when the key was seen before and nothing changed.
    pub fn is_duplicate(&self) -> bool {
        self.raw().is_some_and(|raw| raw.outcome == OutcomeKind::Duplicate)
    }

    fn raw(&self) -> Option<&RawBatch> {
        self.inventory.scratch.as_ref().map(|s| &s.raw)
    }
    /// What the command did.
    pub fn outcome(&self) -> Outcome {
        self.raw().map_or(Outcome::Done, |raw| self.inventory.outcome(raw))
    }
    /// Changes in what channels show, ordered by sku (in the order the ledger introduced them)
    /// then channel.
    pub fn feed(&self) -> &[AvailabilityChanged] {
        self.inventory.scratch.as_ref().map_or(&[], |s| s.feed.as_slice())
    }
    /// The batch that was applied, for the ledger; `None` when nothing moved.
    pub fn batch(&self) -> Option<Batch> {
        let raw = self.raw()?;
        if raw.outcome == OutcomeKind::Duplicate || raw.movements.is_empty() {
            return None;
        }
        let key = Inventory::batch_key(raw)?;
        Some(self.inventory.to_batch(raw, &key))
    }
}

/// The movements a decision builds, checked against an overlay of the positions as it goes.
pub(crate) struct Draft<'a> {
    pub inv: &'a Inventory,
    pub raw: &'a mut RawBatch,
    pub positions: &'a mut Overlay<u32, Position>,
    pub key: &'a IdempotencyKey,
}

impl<'a> Draft<'a> {
    /// The position at `slot` with this decision's movements so far.
    pub fn pos(&self, slot: u32) -> Position {
        self.positions.get(slot).copied().or_else(|| self.inv.slot(slot).map(|s| s.pos)).unwrap_or_default()
    }

    /// Adds a movement if it fits the position as the decision left it. The batch expects
    /// every position it moves at the version the decision read (see `Inventory::read_set`).
    pub fn push(&mut self, slot: u32, claim: Claim, reason: Reason) -> Result<(), PositionProblem> {
        match self.positions.get_mut(slot) {
            Some(position) => position.apply(&reason)?,
            None => {
                let mut next = self.inv.slot(slot).map_or_else(Position::default, |s| s.pos);
                next.apply(&reason)?;
                self.positions.insert_new(slot, next);
            }
        }
        self.raw.movements.push(RawMovement { slot, claim, reason });
        Ok(())
    }

    /// The error for a movement that does not fit.
    pub fn refused(&self, slot: u32, problem: PositionProblem) -> Error {
        let (sku, node) = self.inv.names(self.raw, slot);
        Error::Position { sku, node, problem, key: self.key.clone() }
    }

    pub fn key(&self) -> &'a IdempotencyKey {
        self.key
    }
}

impl Inventory {
    /// Decides a command on the current state, without changing it: the batch to write and the
    /// outcome. A store writes the batch atomically ([`InventoryStore::apply`](crate::InventoryStore::apply));
    /// the engine then folds it in with [`Inventory::apply`].
    ///
    /// # Errors
    /// Every refusal names the sku, node, reservation and key involved; see [`Error`].
    pub fn decide(&self, key: &IdempotencyKey, command: &Command, now: DateTime<Utc>) -> Result<Decision> {
        let mut scratch = Scratch::default();
        self.decide_into(key, command, now, &mut scratch)?;
        let raw = &scratch.raw;
        if raw.outcome == OutcomeKind::Duplicate || raw.movements.is_empty() {
            return Ok(Decision { batch: None, outcome: self.outcome(raw) });
        }
        self.check(&mut scratch, key)?;
        Ok(Decision { batch: Some(self.to_batch(&scratch.raw, key)), outcome: self.outcome(&scratch.raw) })
    }

    /// Decides and applies a command in one step, for a host whose engine is the system of
    /// record (persist [`Executed::batch`] to keep a ledger). No allocation on the common path.
    ///
    /// # Errors
    /// As [`Inventory::decide`]; nothing changes on error.
    pub fn execute(&mut self, key: &IdempotencyKey, command: &Command, now: DateTime<Utc>) -> Result<Executed<'_>> {
        let mut scratch = self.scratch.take().unwrap_or_default();
        let result = self.decide_into(key, command, now, &mut scratch);
        let moves = scratch.raw.outcome != OutcomeKind::Duplicate && !scratch.raw.movements.is_empty();
        if result.is_err() || !moves {
            scratch.feed.clear();
        }
        // A decision folds each movement into an overlay of the positions as it builds the batch
        // (`Draft::push`), so the batch fits by construction and is committed without the second
        // check `apply` gives batches from outside. The property tests replay every decided
        // batch through that checked path.
        if result.is_ok() && moves {
            self.commit(&mut scratch, key);
        }
        if result.is_err() {
            scratch.raw.movements.clear();
        }
        self.scratch = Some(scratch);
        result.map(|()| Executed { inventory: self })
    }

    fn decide_into(
        &self,
        key: &IdempotencyKey,
        command: &Command,
        now: DateTime<Utc>,
        scratch: &mut Scratch,
    ) -> Result<()> {
        let key_hash = self.keys.hash(key);
        scratch.raw.reset(key, key_hash, now, self.slots.len());
        if self.keys.contains_hashed(key_hash, key) {
            scratch.raw.outcome = OutcomeKind::Duplicate;
            return Ok(());
        }
        scratch.positions.clear();
        scratch.placement.clear();
        let mut draft = Draft { inv: self, raw: &mut scratch.raw, positions: &mut scratch.positions, key };
        let placement = &mut scratch.placement;
        match command {
            Command::Receive { sku, node, quantity, supply } => {
                let reason = Reason::Receive { quantity: *quantity, supply: supply.clone() };
                self.stock(&mut draft, sku, node, *quantity, true, reason)
            }
            Command::Adjust { sku, node, delta } => {
                let size = u32::try_from(delta.unsigned_abs()).unwrap_or(u32::MAX);
                self.stock(&mut draft, sku, node, size, *delta > 0, Reason::Adjust { delta: *delta })
            }
            Command::Count { sku, node, counted } => {
                let previous = self.current(sku, node).map_or(0, |p| p.on_hand());
                let reason = Reason::Count { counted: *counted, previous };
                self.stock(&mut draft, sku, node, 1, true, reason)
            }
            Command::SetAside { sku, node, quantity, into } => {
                let reason = Reason::SetAside { quantity: *quantity, into: *into };
                self.stock(&mut draft, sku, node, *quantity, false, reason)
            }
            Command::Restore { sku, node, quantity, from } => {
                let reason = Reason::Restore { quantity: *quantity, from: *from };
                self.stock(&mut draft, sku, node, *quantity, false, reason)
            }
            Command::WriteOff { sku, node, quantity, from } => {
                let reason = Reason::WriteOff { quantity: *quantity, from: *from };
                self.stock(&mut draft, sku, node, *quantity, false, reason)
            }
            Command::ReturnToStock { sku, node, quantity, condition } => {
                let reason = Reason::ReturnToStock { quantity: *quantity, condition: *condition };
                self.stock(&mut draft, sku, node, *quantity, true, reason)
            }
            Command::Transfer { sku, from, to, quantity, transfer, expected_at } => {
                if from == to {
                    return Err(Error::SameNode {
                        reservation: None,
                        sku: sku.clone(),
                        node: to.clone(),
                        key: key.clone(),
                    });
                }
                self.node(to, key)?;
                let out = Reason::TransferOut { quantity: *quantity, transfer: transfer.clone(), to: to.clone() };
                self.stock(&mut draft, sku, from, *quantity, false, out)?;
                let kind = SupplyKind::InTransit;
                let inbound = Reason::ExpectSupply {
                    supply: transfer.clone(),
                    kind,
                    quantity: *quantity,
                    expected_at: *expected_at,
                };
                self.stock(&mut draft, sku, to, *quantity, true, inbound)
            }
            Command::ReceiveTransfer { sku, node, from, transfer, quantity } => {
                self.node(from, key)?;
                let reason = Reason::TransferIn { quantity: *quantity, transfer: transfer.clone(), from: from.clone() };
                self.stock(&mut draft, sku, node, *quantity, true, reason)
            }
            Command::ExpectSupply { sku, node, supply, kind, quantity, expected_at } => {
                let reason = Reason::ExpectSupply {
                    supply: supply.clone(),
                    kind: *kind,
                    quantity: *quantity,
                    expected_at: *expected_at,
                };
                self.stock(&mut draft, sku, node, *quantity, true, reason)
            }
            Command::CancelSupply { sku, node, supply } => {
                let expected = self.inbound(sku, node).iter().find(|l| &l.supply == supply).map(|l| l.quantity);
                let Some(quantity) = expected else {
                    return Err(Error::Position {
                        sku: sku.clone(),
                        node: node.clone(),
                        problem: PositionProblem::UnknownSupply { supply: supply.clone() },
                        key: key.clone(),
                    });
                };
                let reason = Reason::CancelSupply { supply: supply.clone(), quantity };
                self.stock(&mut draft, sku, node, quantity, false, reason)
            }
            Command::SetSafetyStock { sku, node, units } => {
                let previous = self.current(sku, node).map_or(0, |p| p.safety_stock());
                self.stock(&mut draft, sku, node, 1, true, Reason::SafetyStock { units: *units, previous })
            }
            Command::SetBackorder { sku, node, allowed } => {
                self.stock(&mut draft, sku, node, 1, true, Reason::Backorder { allowed: *allowed })
            }
            Command::Reserve(request) => self.reserve(&mut draft, placement, request),
            Command::Release { reservation } => self.release(&mut draft, reservation),
            Command::ReleaseUnits { reservation, sku, quantity } => {
                self.release_units(&mut draft, reservation, sku, *quantity)
            }
            Command::Deallocate { reservation, sku, node, quantity } => {
                self.deallocate(&mut draft, reservation, sku, node, *quantity)
            }
            Command::Convert { reservation, allocations } => {
                self.convert(&mut draft, &mut placement.picks, reservation, allocations, now)
            }
            Command::Reallocate { reservation, sku, from, to, quantity } => {
                self.reallocate(&mut draft, reservation, sku, from, to, *quantity)
            }
            Command::Ship { reservation, sku, node, quantity } => {
                self.ship(&mut draft, reservation, sku, node, *quantity)
            }
            Command::Expire => self.expire(&mut draft, now),
        }
    }

    fn current(&self, sku: &Sku, node: &NodeId) -> Option<Position> {
        self.position(sku, node)
    }

    pub(crate) fn node(&self, node: &NodeId, key: &IdempotencyKey) -> Result<usize> {
        self.node_of(node).ok_or_else(|| Error::UnknownNode { node: node.clone(), key: Some(key.clone()) })
    }

    pub(crate) fn sku(&self, sku: &Sku, key: &IdempotencyKey) -> Result<u32> {
        self.sku_of(sku).ok_or_else(|| Error::UnknownSku { sku: sku.clone(), key: Some(key.clone()) })
    }

    /// One stock movement at one position. `creates`: the movement may create the position
    /// (it adds stock or configures it); otherwise the position must exist.
    fn stock(
        &self,
        draft: &mut Draft<'_>,
        sku: &Sku,
        node: &NodeId,
        quantity: u32,
        creates: bool,
        reason: Reason,
    ) -> Result<()> {
        let key = draft.key();
        let n = self.node(node, key)?;
        if quantity == 0 {
            return Err(Error::ZeroQuantity { sku: sku.clone(), node: Some(node.clone()), key: key.clone() });
        }
        if !creates {
            let s = self.sku(sku, key)?;
            if self.slot_of(s, n).is_none() {
                return Err(Error::UnknownPosition { sku: sku.clone(), node: node.clone(), key: key.clone() });
            }
        }
        let slot = self.resolve_position(sku, node, key, draft.raw)?;
        draft.push(slot, Claim::None, reason).map_err(|problem| draft.refused(slot, problem))
    }

    pub(crate) fn outcome(&self, raw: &RawBatch) -> Outcome {
        match raw.outcome {
            OutcomeKind::Duplicate => Outcome::Duplicate,
            OutcomeKind::Done => Outcome::Done,
            OutcomeKind::Expired => Outcome::Expired { reservations: raw.expired.clone() },
            OutcomeKind::Reserved => Outcome::Reserved {
                lines: raw
                    .lines
                    .iter()
                    .filter_map(|&(sku, requested, reserved)| {
                        Some(ReservedLine { sku: self.sku_name(sku)?.clone(), requested, reserved })
                    })
                    .collect(),
            },
        }
    }
}
