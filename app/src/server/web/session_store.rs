//! Server-side sessions in the application's own database, so they survive a restart and are
//! shared by every server process on that database.
//!
//! Only a SHA-256 of each session id is stored: the id is a 128-bit random value, so a plain
//! hash is enough, and a leaked table or backup cannot be replayed as cookies.

use async_trait::async_trait;
use sqlx::Row;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;

/// Where `auth` keeps the signed-in person in a session; its `user_id` is also copied into
/// the sessions table by the store.
pub const SESSION_KEY: &str = "auth";

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    clock: Clock,
}

pub(crate) fn id_hash(id: &Id) -> String {
    crate::server::platform::digest::sha256_hex(id.to_string().as_bytes())
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// A field of the signed-in part of the data (user, workspace, IP, user agent), copied into its own
/// column so someone's sessions can be found and listed without decoding every row.
fn auth_field(record: &Record, field: &str) -> Option<String> {
    record
        .data
        .get(SESSION_KEY)?
        .get(field)?
        .as_str()
        .map(str::to_owned)
}

/// tower-sessions dates a record's expiry on the system clock; the store keeps it on the
/// application's clock (the same instant in production), so expiry follows an injected clock
/// in tests like every other time rule. These two translate between the two.
fn expiry_ms(record: &Record, clock: &Clock) -> i64 {
    let remaining = record.expiry_date - time::OffsetDateTime::now_utc();
    let remaining_ms = i64::try_from(remaining.whole_milliseconds()).unwrap_or(i64::MAX / 2);
    clock.now_ms().saturating_add(remaining_ms)
}

fn expiry_date(expires_at_ms: i64, clock: &Clock) -> time::OffsetDateTime {
    let remaining = time::Duration::milliseconds(expires_at_ms.saturating_sub(clock.now_ms()));
    time::OffsetDateTime::now_utc().saturating_add(remaining)
}

impl DbSessionStore {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// Inserts `record`; `on_conflict` is empty (fail on an existing id) or an upsert clause.
    async fn write(&self, record: &Record, on_conflict: &str) -> Result<(), sqlx::Error> {
        let data =
            serde_json::to_string(&record.data).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(&format!(
            "INSERT INTO sessions (id_hash, data, expires_at, created_at, last_seen_at, \
             user_id, workspace_id, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8){on_conflict}"
        ))
        .bind(id_hash(&record.id))
        .bind(data)
        .bind(expiry_ms(record, &self.clock))
        .bind(self.clock.now_ms())
        .bind(auth_field(record, "user_id"))
        .bind(auth_field(record, "workspace_id"))
        .bind(auth_field(record, "ip"))
        .bind(auth_field(record, "user_agent"))
        .execute(self.db.pool())
        .await
        .map(drop)
    }

    /// Removes sessions whose idle expiry has passed; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.clock.now_ms())
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A collision of 128-bit random ids is as good as impossible, but a store must not
        // overwrite someone else's session if it happens: draw again.
        loop {
            match self.write(record, "").await {
                Ok(()) => return Ok(()),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    record.id = Id::default()
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(
            record,
            " ON CONFLICT (id_hash) DO UPDATE SET data = excluded.data, \
             expires_at = excluded.expires_at, last_seen_at = excluded.last_seen_at, \
             user_id = excluded.user_id, workspace_id = excluded.workspace_id, \
             ip = excluded.ip, user_agent = excluded.user_agent",
        )
        .await
        .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query(
            "SELECT data, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash(id))
        .bind(self.clock.now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires_at: i64 = row.try_get("expires_at").map_err(backend)?;
        let expiry_date = expiry_date(expires_at, &self.clock);
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash(id))
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
