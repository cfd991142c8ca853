//! Stored bytes whose row is gone: a trigger on `files` queues each deleted row's object in
//! `orphaned_objects` — whether the file was removed or went with its record — and the sweeper
//! deletes them from the store. Removing a missing object counts as done, so a sweep can be
//! repeated or race another server's.

use sqlx::Row;

use super::storage::{Storage, StorageError};
use crate::server::platform::db::Db;

/// Objects handled per statement.
const BATCH: i64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Deletes every queued object from the store; returns how many.
pub async fn sweep(db: &Db, storage: &Storage) -> Result<usize, SweepError> {
    let mut swept = 0;
    loop {
        let keys: Vec<String> = sqlx::query("SELECT object_key FROM orphaned_objects LIMIT $1")
            .bind(BATCH)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("object_key"))
            .collect::<Result<_, _>>()?;
        if keys.is_empty() {
            return Ok(swept);
        }
        for key in &keys {
            storage.remove(key).await?;
            sqlx::query("DELETE FROM orphaned_objects WHERE object_key = $1")
                .bind(key)
                .execute(db.pool())
                .await?;
        }
        swept += keys.len();
    }
}
