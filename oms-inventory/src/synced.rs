//! An engine kept in step with a store: decide on the engine, write through the store, retry on
//! conflict. What the facade wires in when the store is shared (several processes or replicas).

use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use oms_core::IdempotencyKey;
use serde::{Deserialize, Serialize};

use crate::raw::OutcomeKind;
use crate::{
    AvailabilityChanged, Command, Error, Inventory, InventoryConfig, InventoryStore, Outcome, Result, StoreError,
    Written,
};

const PAGE: usize = 1024;

impl Inventory {
    /// Applies the store's ledger after [`Inventory::ledger_seq`]; returns the feed of those
    /// batches.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails; the first batch that does not apply.
    pub fn catch_up(&mut self, store: &(impl InventoryStore + ?Sized)) -> Result<Vec<AvailabilityChanged>> {
        let mut feed = Vec::new();
        loop {
            let page = store.ledger(self.seq, PAGE)?;
            for recorded in &page {
                feed.extend(self.apply_recorded(recorded)?.feed);
            }
            if page.len() < PAGE {
                return Ok(feed);
            }
        }
    }
}

/// What [`Inventory::execute_through`] did.
pub(crate) enum Through {
    /// Nothing to write (a duplicate key, or a command that moves nothing).
    Nothing(Outcome),
    /// The store recorded the batch next in its ledger and the engine committed it as decided.
    Committed { outcome: Outcome, seq: u64, feed: Vec<AvailabilityChanged> },
    /// The store took the batch, but not right after the engine's last batch (another writer
    /// was first, or the key was recorded before): the engine has not folded it in.
    Written { outcome: Outcome, written: Written },
}

impl Inventory {
    /// Decides a command and hands its batch to `write` (the store); when the store records it
    /// right after the engine's last batch, the decision is committed as it stands, without
    /// reading the batch back or checking it again (a decision fits by construction). Nothing
    /// changes in the engine when the command is refused or `write` fails.
    pub(crate) fn execute_through(
        &mut self,
        key: &IdempotencyKey,
        command: &Command,
        now: DateTime<Utc>,
        write: impl FnOnce(&crate::Batch) -> std::result::Result<Written, StoreError>,
    ) -> Result<Through> {
        let mut scratch = self.scratch.take().unwrap_or_default();
        let decided = self.decide_into(key, command, now, &mut scratch);
        let moves = scratch.raw.outcome != OutcomeKind::Duplicate && !scratch.raw.movements.is_empty();
        let step = match decided {
            Err(e) => Err(e),
            Ok(()) if !moves => Ok(Through::Nothing(self.outcome(&scratch.raw))),
            Ok(()) => {
                let outcome = self.outcome(&scratch.raw);
                let batch = self.to_batch(&scratch.raw, key);
                match write(&batch) {
                    Err(e) => Err(Error::Store(e)),
                    Ok(Written::Recorded(seq)) if seq == self.seq + 1 => {
                        self.commit(&mut scratch, key);
                        self.seq = seq;
                        let feed = scratch.feed.drain(..).collect();
                        Ok(Through::Committed { outcome, seq, feed })
                    }
                    Ok(written) => Ok(Through::Written { outcome, written }),
                }
            }
        };
        scratch.raw.movements.clear();
        scratch.feed.clear();
        self.scratch = Some(scratch);
        step
    }
}

/// What [`SyncedInventory::execute`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Synced {
    /// The command's outcome ([`Outcome::Duplicate`] when the key was recorded before).
    pub outcome: Outcome,
    /// Where the batch sits in the ledger, when one was written (or found, for a duplicate).
    pub seq: Option<u64>,
    /// Every change in what channels show that this engine observed, its own and other
    /// writers' batches it caught up with.
    pub feed: Vec<AvailabilityChanged>,
}

/// An [`Inventory`] engine over an [`InventoryStore`], safe to share between threads.
///
/// Each command: catch up with the ledger, decide on the engine, write the batch through the
/// store (which checks the versions the decision read), then catch up again so the engine
/// folds the batch in ledger order. A conflict (another engine wrote first) repeats the cycle
/// on fresh state, up to a bound. Several `SyncedInventory` over one store behave like several
/// application servers over one database: no oversell, no lost movement.
#[derive(Debug)]
pub struct SyncedInventory<S> {
    store: S,
    engine: Mutex<Inventory>,
    attempts: u32,
}

impl<S: InventoryStore> SyncedInventory<S> {
    /// An engine with `config` caught up with `store`'s ledger; 32 attempts per command.
    ///
    /// # Errors
    /// [`Error::Config`]; store failures; a ledger batch that does not apply.
    pub fn new(store: S, config: InventoryConfig) -> Result<SyncedInventory<S>> {
        let mut engine = Inventory::new(config)?;
        engine.catch_up(&store)?;
        Ok(SyncedInventory { store, engine: Mutex::new(engine), attempts: 32 })
    }

    /// The same, retrying a conflicted command at most `attempts` times in all (at least once).
    pub fn with_attempts(mut self, attempts: u32) -> SyncedInventory<S> {
        self.attempts = attempts.max(1);
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    // Nothing panics while the lock is held, so a poisoned lock still guards a consistent engine.
    fn lock(&self) -> MutexGuard<'_, Inventory> {
        self.engine.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides a command, writes it through the store, and folds it in.
    ///
    /// # Errors
    /// The engine's refusals ([`Error`]); [`Error::Store`] with [`StoreError::Conflict`] when
    /// every attempt conflicted, or with the store's failure. Nothing is written on error.
    pub fn execute(&self, key: &IdempotencyKey, command: &Command, now: DateTime<Utc>) -> Result<Synced> {
        let mut engine = self.lock();
        let mut feed = engine.catch_up(&self.store)?;
        let mut attempt = 1;
        loop {
            match engine.execute_through(key, command, now, |batch| self.store.apply(batch)) {
                Ok(Through::Nothing(outcome)) => return Ok(Synced { outcome, seq: None, feed }),
                Ok(Through::Committed { outcome, seq, feed: own }) => {
                    feed.extend(own);
                    return Ok(Synced { outcome, seq: Some(seq), feed });
                }
                Ok(Through::Written { outcome, written }) => {
                    // Another writer's batches came first, or the key was written before: fold
                    // the ledger in order.
                    feed.extend(engine.catch_up(&self.store)?);
                    let outcome = match written {
                        Written::Recorded(_) => outcome,
                        Written::Duplicate(_) => Outcome::Duplicate,
                    };
                    return Ok(Synced { outcome, seq: Some(written.seq()), feed });
                }
                Err(Error::Store(StoreError::Conflict { .. })) if attempt < self.attempts => {
                    attempt += 1;
                    feed.extend(engine.catch_up(&self.store)?);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Catches the engine up with the store; returns the feed of what it applied.
    ///
    /// # Errors
    /// Store failures; a ledger batch that does not apply.
    pub fn refresh(&self) -> Result<Vec<AvailabilityChanged>> {
        let mut engine = self.lock();
        engine.catch_up(&self.store)
    }

    /// Reads the engine (as of its last catch-up) under its lock.
    pub fn read<R>(&self, f: impl FnOnce(&Inventory) -> R) -> R {
        f(&self.lock())
    }
}
