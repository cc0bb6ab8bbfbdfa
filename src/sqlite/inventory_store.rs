//! [`InventoryStore`] on SQLite.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use oms_core::{IdempotencyKey, NodeId, Sku, Version};
use oms_inventory::{
    Batch, InboundSupply, InventoryStore, Position, PositionKey, RecordedBatch, StoreError, StoredPosition, Written,
    fold_batch,
};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS inventory_positions (
    sku      TEXT    NOT NULL,
    node     TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    position TEXT    NOT NULL,
    inbound  TEXT    NOT NULL,
    PRIMARY KEY (sku, node)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inventory_ledger (
    seq   INTEGER PRIMARY KEY,
    key   TEXT    NOT NULL UNIQUE,
    batch TEXT    NOT NULL
);
";

fn backend(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend { source: Box::new(error) }
}

/// Positions and the movement ledger in a SQLite database: one row per (sku, node) with its
/// version, one ledger row per batch with a unique key.
///
/// Every [`apply`](InventoryStore::apply) runs in one `BEGIN IMMEDIATE` transaction: duplicate
/// key lookup, version checks of every position the decision read, the fold of each movement
/// (refused as a whole when one does not fit), version bumps and the ledger row.
///
/// ```
/// use oms::sqlite::SqliteInventoryStore;
/// use oms::inventory::InventoryStore;
/// let store = SqliteInventoryStore::open_in_memory()?;
/// assert!(store.ledger(0, 10)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteInventoryStore {
    connection: Mutex<Connection>,
}

struct Row {
    position: Position,
    inbound: Vec<InboundSupply>,
    version: u64,
}

impl SqliteInventoryStore {
    /// Opens (and if needed creates) the database file at `path`.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when SQLite cannot open or migrate it.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteInventoryStore, StoreError> {
        SqliteInventoryStore::with_connection(Connection::open(path).map_err(backend)?)
    }

    /// A private in-memory database, for tests.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when SQLite fails.
    pub fn open_in_memory() -> Result<SqliteInventoryStore, StoreError> {
        SqliteInventoryStore::with_connection(Connection::open_in_memory().map_err(backend)?)
    }

    fn with_connection(connection: Connection) -> Result<SqliteInventoryStore, StoreError> {
        connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(backend)?;
        connection.execute_batch(SCHEMA).map_err(backend)?;
        Ok(SqliteInventoryStore { connection: Mutex::new(connection) })
    }

    // SQLite rolls back an unfinished transaction, so a poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn read_row(tx: &Connection, sku: &Sku, node: &NodeId) -> Result<Option<Row>, StoreError> {
    let row = tx
        .prepare_cached("SELECT version, position, inbound FROM inventory_positions WHERE sku = ?1 AND node = ?2")
        .map_err(backend)?
        .query_row(params![sku.as_str(), node.as_str()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .optional()
        .map_err(backend)?;
    row.map(|(version, position, inbound)| {
        Ok(Row {
            position: serde_json::from_str(&position).map_err(backend)?,
            inbound: serde_json::from_str(&inbound).map_err(backend)?,
            version: u64::try_from(version).unwrap_or(0),
        })
    })
    .transpose()
}

fn stored(sku: Sku, node: NodeId, row: Row) -> StoredPosition {
    StoredPosition { sku, node, position: row.position, inbound: row.inbound, version: Version::new(row.version) }
}

fn recorded(seq: i64, json: &str) -> Result<RecordedBatch, StoreError> {
    Ok(RecordedBatch { seq: u64::try_from(seq).unwrap_or(0), batch: serde_json::from_str(json).map_err(backend)? })
}

fn find_seq(tx: &Transaction<'_>, key: &IdempotencyKey) -> Result<Option<u64>, StoreError> {
    tx.prepare_cached("SELECT seq FROM inventory_ledger WHERE key = ?1")
        .map_err(backend)?
        .query_row(params![key.as_str()], |r| r.get::<_, i64>(0))
        .optional()
        .map(|seq| seq.map(|s| u64::try_from(s).unwrap_or(0)))
        .map_err(backend)
}

impl InventoryStore for SqliteInventoryStore {
    fn apply(&self, batch: &Batch) -> Result<Written, StoreError> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
        if let Some(seq) = find_seq(&tx, batch.key())? {
            return Ok(Written::Duplicate(seq));
        }
        let changed = fold_batch(batch, |sku, node| {
            Ok(read_row(&tx, sku, node)?.map(|row| stored(sku.clone(), node.clone(), row)))
        })?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO inventory_positions (sku, node, version, position, inbound) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (sku, node) DO UPDATE SET
                       version = excluded.version, position = excluded.position, inbound = excluded.inbound",
                )
                .map_err(backend)?;
            for p in &changed {
                upsert
                    .execute(params![
                        p.sku.as_str(),
                        p.node.as_str(),
                        i64::try_from(p.version.get()).unwrap_or(i64::MAX),
                        serde_json::to_string(&p.position).map_err(backend)?,
                        serde_json::to_string(&p.inbound).map_err(backend)?,
                    ])
                    .map_err(backend)?;
            }
        }
        let seq: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM inventory_ledger", [], |r| r.get(0))
            .map_err(backend)?;
        tx.execute(
            "INSERT INTO inventory_ledger (seq, key, batch) VALUES (?1, ?2, ?3)",
            params![seq, batch.key().as_str(), serde_json::to_string(batch).map_err(backend)?],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(Written::Recorded(u64::try_from(seq).unwrap_or(0)))
    }

    fn positions(&self, keys: &[PositionKey]) -> Result<Vec<Option<StoredPosition>>, StoreError> {
        let connection = self.lock();
        keys.iter()
            .map(|k| Ok(read_row(&connection, &k.sku, &k.node)?.map(|row| stored(k.sku.clone(), k.node.clone(), row))))
            .collect()
    }

    fn positions_of(&self, sku: &Sku) -> Result<Vec<StoredPosition>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached(
                "SELECT node, version, position, inbound FROM inventory_positions WHERE sku = ?1 ORDER BY node",
            )
            .map_err(backend)?;
        let rows: Vec<(String, i64, String, String)> = statement
            .query_map(params![sku.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(Iterator::collect)
            .map_err(backend)?;
        rows.into_iter()
            .map(|(node, version, position, inbound)| {
                let row = Row {
                    position: serde_json::from_str(&position).map_err(backend)?,
                    inbound: serde_json::from_str(&inbound).map_err(backend)?,
                    version: u64::try_from(version).unwrap_or(0),
                };
                Ok(stored(sku.clone(), NodeId::new(node).map_err(backend)?, row))
            })
            .collect()
    }

    fn ledger(&self, after: u64, limit: usize) -> Result<Vec<RecordedBatch>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached("SELECT seq, batch FROM inventory_ledger WHERE seq > ?1 ORDER BY seq LIMIT ?2")
            .map_err(backend)?;
        let rows: Vec<(i64, String)> = statement
            .query_map(
                params![i64::try_from(after).unwrap_or(i64::MAX), i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .and_then(Iterator::collect)
            .map_err(backend)?;
        rows.iter().map(|(seq, json)| recorded(*seq, json)).collect()
    }

    fn find_key(&self, key: &IdempotencyKey) -> Result<Option<RecordedBatch>, StoreError> {
        let connection = self.lock();
        let row: Option<(i64, String)> = connection
            .prepare_cached("SELECT seq, batch FROM inventory_ledger WHERE key = ?1")
            .map_err(backend)?
            .query_row(params![key.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(backend)?;
        row.map(|(seq, json)| recorded(seq, &json)).transpose()
    }
}
