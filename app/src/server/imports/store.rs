//! The `imports` and `import_problems` rows. Every statement carries the workspace and, where a
//! person asks, the uploader: an import is seen only by the person who uploaded it.

use sqlx::Row;

use crate::model::{
    ImportId, ImportList, ImportPlan, ImportProblem, ImportStatus, UserId, WorkspaceId,
};
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// A mapping left unfinished this long is removed with its file.
const ABANDONED_AFTER_MS: i64 = 24 * 60 * 60 * 1000;
/// A run silent this long was cut off (the server stopped); it is marked failed.
const SILENT_AFTER_MS: i64 = 15 * 60 * 1000;

/// One import as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: ImportId,
    pub list: ImportList,
    pub file_name: String,
    pub object_name: Option<String>,
    pub sealed: bool,
    pub headers: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub total_rows: u64,
    pub status: ImportStatus,
    pub plan: Option<ImportPlan>,
    pub counts: Counts,
    pub message: Option<String>,
}

/// How far a run got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub checked: u64,
    pub created: u64,
    pub updated: u64,
    pub refused: u64,
}

/// A new upload, waiting for its mapping.
pub struct New<'a> {
    pub workspace: &'a WorkspaceId,
    pub user: &'a UserId,
    pub list: ImportList,
    pub file_name: &'a str,
    pub object_name: &'a str,
    pub sealed: bool,
    pub sheet: &'a super::source::Sheet,
    pub now: i64,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, DomainError> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(format!("import json: {e}")))
}

fn parsed<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, DomainError> {
    serde_json::from_str(raw).map_err(|e| DomainError::Internal(format!("stored import: {e}")))
}

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u64, DomainError> {
    Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or_default())
}

pub async fn insert(db: &Db, new: &New<'_>) -> Result<ImportId, DomainError> {
    let id = ImportId::fresh();
    let mut tx = db.begin_in(new.workspace, true).await?;
    sqlx::query(
        "INSERT INTO imports (id, workspace_id, user_id, list, file_name, object_name, sealed, \
         headers, preview, total_rows, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'mapping', $11)",
    )
    .bind(id.as_str())
    .bind(new.workspace.as_str())
    .bind(new.user.as_str())
    .bind(new.list.key())
    .bind(new.file_name)
    .bind(new.object_name)
    .bind(i64::from(new.sealed))
    .bind(json(&new.sheet.headers)?)
    .bind(json(&new.sheet.preview)?)
    .bind(i64::try_from(new.sheet.rows).unwrap_or(i64::MAX))
    .bind(new.now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The import `id` that `user` uploaded in `workspace`; anyone else's answers `NotFound`.
pub async fn find(
    db: &Db,
    workspace: &WorkspaceId,
    user: &UserId,
    id: &ImportId,
) -> Result<Stored, DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let row = sqlx::query(
        "SELECT id, list, file_name, object_name, sealed, headers, preview, total_rows, status, \
         plan, checked_rows, created_rows, updated_rows, refused_rows, message FROM imports \
         WHERE workspace_id = $1 AND user_id = $2 AND id = $3",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let list: String = row.try_get("list")?;
    let status: String = row.try_get("status")?;
    Ok(Stored {
        id: ImportId::from_db(row.try_get("id")?),
        list: ImportList::from_key(&list)
            .ok_or_else(|| DomainError::Internal(format!("stored import list {list:?}")))?,
        file_name: row.try_get("file_name")?,
        object_name: row.try_get("object_name")?,
        sealed: row.try_get::<i64, _>("sealed")? == 1,
        headers: parsed(&row.try_get::<String, _>("headers")?)?,
        preview: parsed(&row.try_get::<String, _>("preview")?)?,
        total_rows: count(&row, "total_rows")?,
        status: ImportStatus::from_key(&status)
            .ok_or_else(|| DomainError::Internal(format!("stored import status {status:?}")))?,
        plan: row
            .try_get::<Option<String>, _>("plan")?
            .map(|p| parsed(&p))
            .transpose()?,
        counts: Counts {
            checked: count(&row, "checked_rows")?,
            created: count(&row, "created_rows")?,
            updated: count(&row, "updated_rows")?,
            refused: count(&row, "refused_rows")?,
        },
        message: row.try_get("message")?,
    })
}

/// Moves a mapped import to running with its plan; a second start is refused.
pub async fn start(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
    plan: &ImportPlan,
    now: i64,
) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    let started = sqlx::query(
        "UPDATE imports SET status = 'running', plan = $1, started_at = $2, heartbeat_at = $2 \
         WHERE workspace_id = $3 AND id = $4 AND status = 'mapping'",
    )
    .bind(json(plan)?)
    .bind(now)
    .bind(workspace.as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    if started == 0 {
        return Err(DomainError::Conflict(
            "This import has already started.".into(),
        ));
    }
    Ok(())
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Saves a running import's progress; answers whether a cancel was asked for meanwhile.
pub async fn progress(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
    counts: Counts,
    now: i64,
) -> Result<bool, DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    let row = sqlx::query(
        "UPDATE imports SET checked_rows = $1, created_rows = $2, updated_rows = $3, \
         refused_rows = $4, heartbeat_at = $5 WHERE workspace_id = $6 AND id = $7 \
         RETURNING cancel_requested",
    )
    .bind(signed(counts.checked))
    .bind(signed(counts.created))
    .bind(signed(counts.updated))
    .bind(signed(counts.refused))
    .bind(now)
    .bind(workspace.as_str())
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.try_get::<i64, _>("cancel_requested")? == 1)
}

/// Whether a cancel was asked for (a read: it never waits for a writer).
pub async fn cancel_asked(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
) -> Result<bool, DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let row =
        sqlx::query("SELECT cancel_requested FROM imports WHERE workspace_id = $1 AND id = $2")
            .bind(workspace.as_str())
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(row.try_get::<i64, _>("cancel_requested")? == 1)
}

/// Asks a running import to stop; answers whether it was running.
pub async fn ask_cancel(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
) -> Result<bool, DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    let n = sqlx::query(
        "UPDATE imports SET cancel_requested = 1 \
         WHERE workspace_id = $1 AND id = $2 AND status = 'running'",
    )
    .bind(workspace.as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n > 0)
}

/// Ends a run: its outcome and counts, and its file queued for removal.
pub async fn finish(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
    status: ImportStatus,
    counts: Counts,
    message: Option<&str>,
    now: i64,
) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    queue_objects(&mut tx, workspace, Some(id), None, now).await?;
    sqlx::query(
        "UPDATE imports SET status = $1, checked_rows = $2, created_rows = $3, \
         updated_rows = $4, refused_rows = $5, message = $6, finished_at = $7, \
         object_name = NULL WHERE workspace_id = $8 AND id = $9",
    )
    .bind(status.key())
    .bind(signed(counts.checked))
    .bind(signed(counts.created))
    .bind(signed(counts.updated))
    .bind(signed(counts.refused))
    .bind(message)
    .bind(now)
    .bind(workspace.as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Queues for the file sweeper the objects of one import, or of the mappings abandoned
/// before `abandoned_before`.
async fn queue_objects(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    id: Option<&ImportId>,
    abandoned_before: Option<i64>,
    now: i64,
) -> Result<(), DomainError> {
    let rows = sqlx::query(
        "SELECT object_name FROM imports WHERE workspace_id = $1 AND object_name IS NOT NULL \
         AND (id = $2 OR (status = 'mapping' AND created_at < $3))",
    )
    .bind(workspace.as_str())
    .bind(id.map(ImportId::as_str))
    .bind(abandoned_before.unwrap_or(i64::MIN))
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        sqlx::query(
            "INSERT INTO orphaned_objects (object_key, queued_at) VALUES ($1, $2) \
             ON CONFLICT (object_key) DO NOTHING",
        )
        .bind(row.try_get::<String, _>("object_name")?)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Tidies a workspace's imports: mappings left for a day go with their files, and runs that
/// fell silent (their server stopped) are marked failed.
pub async fn tidy(db: &Db, workspace: &WorkspaceId, now: i64) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    let before = now - ABANDONED_AFTER_MS;
    queue_objects(&mut tx, workspace, None, Some(before), now).await?;
    sqlx::query(
        "DELETE FROM imports WHERE workspace_id = $1 AND status = 'mapping' AND created_at < $2",
    )
    .bind(workspace.as_str())
    .bind(before)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE imports SET status = 'failed', finished_at = $1, message = $2 \
         WHERE workspace_id = $3 AND status = 'running' AND heartbeat_at < $4",
    )
    .bind(now)
    .bind("The import was cut off when the server stopped. Rows written before then stay.")
    .bind(workspace.as_str())
    .bind(now - SILENT_AFTER_MS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Rows per statement when saving problems.
const PROBLEM_BATCH: usize = 200;

pub async fn save_problems(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
    problems: &[ImportProblem],
) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    for chunk in problems.chunks(PROBLEM_BATCH) {
        let mut sql = crate::server::records::sql::Sql::default();
        sql.push(
            "INSERT INTO import_problems (import_id, workspace_id, line, field, message) VALUES ",
        );
        for (i, p) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .arg(id.as_str())
                .push(", ")
                .arg(workspace.as_str())
                .push(", ")
                .int(signed(p.line))
                .push(", ")
                .arg(p.field.clone())
                .push(", ")
                .arg(p.message.clone())
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The refused rows by line; `limit`: at most that many.
pub async fn problems(
    db: &Db,
    workspace: &WorkspaceId,
    id: &ImportId,
    limit: Option<u32>,
) -> Result<Vec<ImportProblem>, DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let rows = sqlx::query(
        "SELECT line, field, message FROM import_problems \
         WHERE workspace_id = $1 AND import_id = $2 ORDER BY line LIMIT $3",
    )
    .bind(workspace.as_str())
    .bind(id.as_str())
    .bind(limit.map_or(i64::MAX, i64::from))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| {
            Ok(ImportProblem {
                line: count(r, "line")?,
                field: r.try_get("field")?,
                message: r.try_get("message")?,
            })
        })
        .collect()
}
