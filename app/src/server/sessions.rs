//! Server-side sessions in the application's own database, so they survive a restart and are
//! shared by every server process on that database.
//!
//! Only a SHA-256 of each session id is stored: the id is a 128-bit random value, so a plain
//! hash is enough, and a leaked table or backup cannot be replayed as cookies.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::clock::Clock;
use super::db::Db;

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    clock: Clock,
}

fn id_hash(id: &Id) -> String {
    let digest = Sha256::digest(id.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The signed-in person, copied out of the data so all of someone's sessions can be found.
fn user_id(record: &Record) -> Option<String> {
    record
        .data
        .get(super::auth::SESSION_KEY)?
        .get("user_id")?
        .as_str()
        .map(str::to_owned)
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl DbSessionStore {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock }
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
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let now = self.clock.now_ms();
        // A collision of 128-bit random ids is as good as impossible, but a store must not
        // overwrite someone else's session if it happens: draw again.
        loop {
            let inserted = sqlx::query(
                "INSERT INTO sessions (id_hash, data, expires_at, created_at, last_seen_at, user_id) \
                 VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(id_hash(&record.id))
            .bind(&data)
            .bind(expiry_ms(record))
            .bind(now)
            .bind(user_id(record))
            .execute(self.db.pool())
            .await;
            match inserted {
                Ok(_) => return Ok(()),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    record.id = Id::default()
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let now = self.clock.now_ms();
        sqlx::query(
            "INSERT INTO sessions (id_hash, data, expires_at, created_at, last_seen_at, user_id) \
             VALUES ($1, $2, $3, $4, $4, $5) \
             ON CONFLICT (id_hash) DO UPDATE SET data = excluded.data, \
             expires_at = excluded.expires_at, last_seen_at = excluded.last_seen_at, \
             user_id = excluded.user_id",
        )
        .bind(id_hash(&record.id))
        .bind(&data)
        .bind(expiry_ms(record))
        .bind(now)
        .bind(user_id(record))
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
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
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stored_as_sha256_hex() {
        let id = Id(42);
        let hash = id_hash(&id);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&id.to_string()));
        assert_eq!(hash, id_hash(&Id(42)));
        assert_ne!(hash, id_hash(&Id(43)));
    }
}
