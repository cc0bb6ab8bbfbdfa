//! [`OrderStore`] on SQLite.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use oms_core::{
    ChannelId, CustomerId, ExpectedVersion, ExternalOrderId, IdempotencyKey, Order, OrderEnvelope, OrderId, OrderStore,
    OrderSummary, StoreError, Version, check_append,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::backend;

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS order_events (
    order_id        TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    idempotency_key TEXT,
    envelope        TEXT    NOT NULL,
    PRIMARY KEY (order_id, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS order_events_by_key ON order_events (order_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS order_channels (
    channel_id        TEXT NOT NULL,
    external_order_id TEXT NOT NULL,
    order_id          TEXT NOT NULL,
    PRIMARY KEY (channel_id, external_order_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS customer_orders (
    customer_id TEXT NOT NULL,
    placed_at   TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    PRIMARY KEY (customer_id, placed_at, order_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS order_snapshots (
    order_id TEXT    PRIMARY KEY,
    version  INTEGER NOT NULL,
    body     TEXT    NOT NULL
) WITHOUT ROWID;
";

/// Orders in a SQLite database: events as JSON rows keyed by (order, version), a unique index
/// of channel order numbers, customer order lists and snapshots.
///
/// ```
/// use oms::sqlite::SqliteOrderStore;
/// use oms::core::{OrderStore, OrderId, Version};
/// let store = SqliteOrderStore::open_in_memory()?;
/// assert!(store.read(&OrderId::new("O-1")?, Version::ZERO)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteOrderStore {
    connection: Mutex<Connection>,
}

impl SqliteOrderStore {
    /// Opens (and if needed creates) the database file at `path`.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when SQLite cannot open or migrate it.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteOrderStore, StoreError> {
        SqliteOrderStore::with_connection(Connection::open(path).map_err(backend)?)
    }

    /// A private in-memory database, for tests.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when SQLite fails.
    pub fn open_in_memory() -> Result<SqliteOrderStore, StoreError> {
        SqliteOrderStore::with_connection(Connection::open_in_memory().map_err(backend)?)
    }

    fn with_connection(connection: Connection) -> Result<SqliteOrderStore, StoreError> {
        connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(backend)?;
        connection.execute_batch(SCHEMA).map_err(backend)?;
        Ok(SqliteOrderStore { connection: Mutex::new(connection) })
    }

    // A panic while holding the lock cannot leave a transaction half done (SQLite rolls back
    // an unfinished transaction), so a poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn to_version(v: i64) -> Version {
    Version::new(u64::try_from(v).unwrap_or(0))
}

fn sql_version(v: Version) -> i64 {
    i64::try_from(v.get()).unwrap_or(i64::MAX)
}

fn stream_version(connection: &Connection, order: &OrderId) -> Result<Version, StoreError> {
    connection
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM order_events WHERE order_id = ?1",
            params![order.as_str()],
            |row| row.get::<_, i64>(0),
        )
        .map(to_version)
        .map_err(backend)
}

fn envelopes(rows: Vec<String>) -> Result<Vec<OrderEnvelope>, StoreError> {
    rows.iter().map(|json| serde_json::from_str(json).map_err(backend)).collect()
}

impl OrderStore for SqliteOrderStore {
    fn read(&self, order: &OrderId, after: Version) -> Result<Vec<OrderEnvelope>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached("SELECT envelope FROM order_events WHERE order_id = ?1 AND version > ?2 ORDER BY version")
            .map_err(backend)?;
        let rows = statement
            .query_map(params![order.as_str(), sql_version(after)], |row| row.get::<_, String>(0))
            .and_then(Iterator::collect)
            .map_err(backend)?;
        envelopes(rows)
    }

    fn append(
        &self,
        order: &OrderId,
        expected: ExpectedVersion,
        events: &[OrderEnvelope],
    ) -> Result<Version, StoreError> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
        let actual = stream_version(&tx, order)?;
        let index = check_append(order, expected, actual, events)?;
        if let Some(index) = &index {
            let existing: Option<String> = tx
                .query_row(
                    "SELECT order_id FROM order_channels WHERE channel_id = ?1 AND external_order_id = ?2",
                    params![index.channel.as_str(), index.external_order_id.as_str()],
                    |row| row.get(0),
                )
                .optional()
                .map_err(backend)?;
            if let Some(existing) = existing {
                return Err(StoreError::DuplicateExternalOrder {
                    channel: index.channel.clone(),
                    external_order_id: index.external_order_id.clone(),
                    existing: OrderId::new(existing).map_err(backend)?,
                });
            }
            tx.execute(
                "INSERT INTO order_channels (channel_id, external_order_id, order_id) VALUES (?1, ?2, ?3)",
                params![index.channel.as_str(), index.external_order_id.as_str(), order.as_str()],
            )
            .map_err(backend)?;
            tx.execute(
                "INSERT INTO customer_orders (customer_id, placed_at, order_id, summary) VALUES (?1, ?2, ?3, ?4)",
                params![
                    index.customer.as_str(),
                    index.summary.placed_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
                    order.as_str(),
                    serde_json::to_string(&index.summary).map_err(backend)?,
                ],
            )
            .map_err(backend)?;
        }
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO order_events (order_id, version, idempotency_key, envelope) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(backend)?;
            for envelope in events {
                let json = serde_json::to_string(envelope).map_err(backend)?;
                let key = envelope.metadata.idempotency_key.as_ref().map(IdempotencyKey::as_str);
                insert.execute(params![order.as_str(), sql_version(envelope.version), key, json]).map_err(backend)?;
            }
        }
        tx.commit().map_err(backend)?;
        Ok(Version::new(actual.get() + events.len() as u64))
    }

    fn find_by_external_id(
        &self,
        channel: &ChannelId,
        external_order_id: &ExternalOrderId,
    ) -> Result<Option<OrderId>, StoreError> {
        let connection = self.lock();
        let found: Option<String> = connection
            .query_row(
                "SELECT order_id FROM order_channels WHERE channel_id = ?1 AND external_order_id = ?2",
                params![channel.as_str(), external_order_id.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(backend)?;
        found.map(|id| OrderId::new(id).map_err(backend)).transpose()
    }

    fn customer_orders(&self, customer: &CustomerId) -> Result<Vec<OrderSummary>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached("SELECT summary FROM customer_orders WHERE customer_id = ?1 ORDER BY placed_at, order_id")
            .map_err(backend)?;
        let rows: Vec<String> = statement
            .query_map(params![customer.as_str()], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(backend)?;
        rows.iter().map(|json| serde_json::from_str(json).map_err(backend)).collect()
    }

    fn save_snapshot(&self, order: &Order) -> Result<(), StoreError> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
        let stream = stream_version(&tx, order.id())?;
        if order.version() > stream {
            return Err(StoreError::InvalidWrite {
                order: order.id().clone(),
                problem: format!("snapshot at {} is ahead of the stream at {stream}", order.version()),
            });
        }
        tx.execute(
            "INSERT INTO order_snapshots (order_id, version, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (order_id) DO UPDATE SET version = excluded.version, body = excluded.body
             WHERE excluded.version > order_snapshots.version",
            params![order.id().as_str(), sql_version(order.version()), serde_json::to_string(order).map_err(backend)?],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)
    }

    fn load_snapshot(&self, order: &OrderId) -> Result<Option<Order>, StoreError> {
        let connection = self.lock();
        let body: Option<String> = connection
            .query_row("SELECT body FROM order_snapshots WHERE order_id = ?1", params![order.as_str()], |row| {
                row.get(0)
            })
            .optional()
            .map_err(backend)?;
        body.map(|json| serde_json::from_str(&json).map_err(backend)).transpose()
    }

    fn find_by_key(&self, order: &OrderId, key: &IdempotencyKey) -> Result<Vec<OrderEnvelope>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached(
                "SELECT envelope FROM order_events WHERE order_id = ?1 AND idempotency_key = ?2 ORDER BY version",
            )
            .map_err(backend)?;
        let rows = statement
            .query_map(params![order.as_str(), key.as_str()], |row| row.get::<_, String>(0))
            .and_then(Iterator::collect)
            .map_err(backend)?;
        envelopes(rows)
    }
}
