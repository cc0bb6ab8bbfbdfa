//! An engine kept in step with a store: decide on the engine, write through the store, retry on
//! conflict. What the facade wires in when the store is shared (several processes or replicas).

use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use oms_core::IdempotencyKey;
use serde::{Deserialize, Serialize};

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
            let (batch, outcome) = engine.decide(key, command, now)?.into_parts();
            let Some(batch) = batch else {
                return Ok(Synced { outcome, seq: None, feed });
            };
            match self.store.apply(&batch) {
                Ok(written) => {
                    feed.extend(engine.catch_up(&self.store)?);
                    let outcome = match written {
                        Written::Recorded(_) => outcome,
                        Written::Duplicate(_) => Outcome::Duplicate,
                    };
                    return Ok(Synced { outcome, seq: Some(written.seq()), feed });
                }
                Err(StoreError::Conflict { .. }) if attempt < self.attempts => {
                    attempt += 1;
                    feed.extend(engine.catch_up(&self.store)?);
                }
                Err(e) => return Err(Error::Store(e)),
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
