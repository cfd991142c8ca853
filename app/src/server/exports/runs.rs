//! The rows of background exports: progress while one runs, how it ended and where its file
//! is, a cancel, and tidying old files away. Every statement carries the workspace and, where
//! a person asks, the person and the list: a background export is seen only by whoever
//! started it, under the list's own keys.

use sqlx::Row;

use super::log::Recorded;
use crate::model::{ExportId, ExportList, ExportStatus, ExportView, WorkspaceId};
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::files::storage::Storage;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// How long a finished export's file is kept.
const KEPT_FOR_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// A run silent this long was cut off (the server stopped).
const SILENT_AFTER_MS: i64 = 15 * 60 * 1000;

/// A background export as stored.
#[derive(Debug)]
pub struct Stored {
    pub view: ExportView,
    pub object_name: Option<String>,
    pub sealed: bool,
}

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<u64>, DomainError> {
    Ok(row
        .try_get::<Option<i64>, _>(column)?
        .map(|n| u64::try_from(n).unwrap_or_default()))
}

/// One of the caller's background exports of `list`; anyone else's, or a streamed one, is not
/// found.
pub async fn find<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    list: ExportList,
    id: &ExportId,
    now: i64,
) -> Result<Stored, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let row = sqlx::query(
        "SELECT status, total_rows, done_rows, object_name, sealed, size_bytes, message, \
         heartbeat_at FROM data_exports \
         WHERE id = $1 AND workspace_id = $2 AND user_id = $3 AND list = $4 \
         AND status <> 'streamed'",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(grant.user().as_str())
    .bind(list.name)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let status: String = row.try_get("status")?;
    let mut status = ExportStatus::from_key(&status)
        .ok_or_else(|| DomainError::Internal(format!("export status {status}")))?;
    let mut message: Option<String> = row.try_get("message")?;
    let heartbeat: Option<i64> = row.try_get("heartbeat_at")?;
    if status == ExportStatus::Running && heartbeat.is_none_or(|h| h < now - SILENT_AFTER_MS) {
        status = ExportStatus::Failed;
        message = Some("The export was cut off when the server restarted. Start it again.".into());
    }
    Ok(Stored {
        view: ExportView {
            id: id.clone(),
            list: list.name.to_owned(),
            status,
            total_rows: count(&row, "total_rows")?.unwrap_or_default(),
            done_rows: count(&row, "done_rows")?.unwrap_or_default(),
            size_bytes: count(&row, "size_bytes")?,
            message,
        },
        object_name: row.try_get("object_name")?,
        sealed: row.try_get::<i64, _>("sealed")? == 1,
    })
}

/// Saves how far a run got; answers whether its person asked it to stop (from any server).
pub async fn progress(
    db: &Db,
    recorded: &Recorded,
    done: u64,
    now: i64,
) -> Result<bool, DomainError> {
    let mut tx = db.begin_in(recorded.workspace(), true).await?;
    let row = sqlx::query(
        "UPDATE data_exports SET done_rows = $1, heartbeat_at = $2 \
         WHERE id = $3 AND workspace_id = $4 RETURNING cancel_requested",
    )
    .bind(i64::try_from(done).unwrap_or(i64::MAX))
    .bind(now)
    .bind(recorded.id().as_str())
    .bind(recorded.workspace().as_str())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.try_get::<i64, _>("cancel_requested")? == 1)
}

/// The stored file of a finished run.
pub struct File<'a> {
    pub object_name: &'a str,
    pub sealed: bool,
    pub size: u64,
}

/// How a run ended: its status, the rows it wrote, the file when there is one.
pub struct Ending<'a> {
    pub status: ExportStatus,
    pub rows: u64,
    pub file: Option<File<'a>>,
    pub message: Option<&'a str>,
}

pub async fn end(
    db: &Db,
    recorded: &Recorded,
    ending: &Ending<'_>,
    now: i64,
) -> Result<(), DomainError> {
    let mut tx = db.begin_in(recorded.workspace(), true).await?;
    sqlx::query(
        "UPDATE data_exports SET status = $1, done_rows = $2, object_name = $3, sealed = $4, \
         size_bytes = $5, message = $6, heartbeat_at = $7, \
         finished_at = COALESCE(finished_at, $7), row_count = COALESCE(row_count, $2) \
         WHERE id = $8 AND workspace_id = $9",
    )
    .bind(ending.status.key())
    .bind(i64::try_from(ending.rows).unwrap_or(i64::MAX))
    .bind(ending.file.as_ref().map(|f| f.object_name))
    .bind(i64::from(ending.file.as_ref().is_some_and(|f| f.sealed)))
    .bind(
        ending
            .file
            .as_ref()
            .map(|f| i64::try_from(f.size).unwrap_or(i64::MAX)),
    )
    .bind(ending.message)
    .bind(now)
    .bind(recorded.id().as_str())
    .bind(recorded.workspace().as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Asks one of the caller's running exports to stop at its next batch; one that already
/// ended is left as it is.
pub async fn cancel<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    list: ExportList,
    id: &ExportId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let found = sqlx::query(
        "UPDATE data_exports SET cancel_requested = 1 \
         WHERE id = $1 AND workspace_id = $2 AND user_id = $3 AND list = $4 \
         AND status <> 'streamed' RETURNING status",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(grant.user().as_str())
    .bind(list.name)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    found.map(drop).ok_or(DomainError::NotFound)
}

/// Removes the files of the workspace's exports that ended more than [`KEPT_FOR_MS`] ago; the
/// record of each export stays.
pub async fn tidy(
    db: &Db,
    storage: &Storage,
    workspace: &WorkspaceId,
    now: i64,
) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let old: Vec<(ExportId, String)> = sqlx::query(
        "SELECT id, object_name FROM data_exports WHERE workspace_id = $1 \
         AND object_name IS NOT NULL AND finished_at < $2",
    )
    .bind(workspace.as_str())
    .bind(now - KEPT_FOR_MS)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok((
            ExportId::from_db(r.try_get("id")?),
            r.try_get("object_name")?,
        ))
    })
    .collect::<Result<_, sqlx::Error>>()?;
    tx.commit().await?;
    for (id, object) in old {
        storage
            .remove(&object)
            .await
            .map_err(|e| DomainError::Internal(format!("old export file: {e}")))?;
        let mut tx = db.begin_in(workspace, true).await?;
        sqlx::query(
            "UPDATE data_exports SET object_name = NULL, size_bytes = NULL \
             WHERE id = $1 AND workspace_id = $2",
        )
        .bind(id.as_str())
        .bind(workspace.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
