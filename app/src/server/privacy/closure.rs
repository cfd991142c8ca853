//! Closing a workspace on request: fulfilling a closure request schedules the workspace's
//! deletion after a grace period, during which its Owner can export what they need and cancel.
//! Once the period is over, the daily purge deletes the workspace and everything in it —
//! records, files (their bytes through the orphan sweeper), members' access, its trail — in one
//! statement. Scheduling and cancelling need an Owner as well as `privacy.process`: nobody less
//! ends a workspace.

use sqlx::Row;

use crate::model::{utc_date, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{is_owner, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Days between the closure's scheduling and the deletion.
pub const GRACE_DAYS: i64 = 30;

async fn owner_only(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
) -> Result<(), DomainError> {
    if is_owner(conn, clock, grant.workspace(), grant.user()).await? {
        Ok(())
    } else {
        Err(DomainError::Conflict(
            "Only an Owner of the workspace may close it or cancel its closure.".into(),
        ))
    }
}

/// Schedules the deletion inside the fulfilment's transaction; returns the day it happens
/// (UTC). Recorded as `workspace.closure_scheduled`.
pub(super) async fn schedule(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
    request: &str,
) -> Result<String, DomainError> {
    owner_only(conn, clock, grant).await?;
    let now = clock.now_ms();
    let delete_after = now + GRACE_DAYS * DAY_MS;
    sqlx::query(
        "INSERT INTO workspace_closures (workspace_id, request_id, scheduled_by, scheduled_at, \
         delete_after) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id) DO UPDATE \
         SET request_id = excluded.request_id, scheduled_by = excluded.scheduled_by, \
             scheduled_at = excluded.scheduled_at, delete_after = excluded.delete_after, \
             cancelled_by = NULL, cancelled_at = NULL",
    )
    .bind(grant.workspace().as_str())
    .bind(request)
    .bind(grant.user().as_str())
    .bind(now)
    .bind(delete_after)
    .execute(&mut *conn)
    .await?;
    let on = utc_date(delete_after);
    let change = Change {
        action: "workspace.closure_scheduled",
        target: grant.workspace().as_str(),
        before: None,
        after: Some(serde_json::json!({ "request": request, "deleted_after": on })),
    };
    audit::record(conn, clock, grant.acting(), change).await?;
    Ok(on)
}

/// The day (UTC) the workspace is to be deleted, if a closure is scheduled and not cancelled.
pub async fn pending<K: crate::permissions::Key>(
    db: &Db,
    grant: &Grant<K>,
) -> Result<Option<String>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let row = sqlx::query(
        "SELECT delete_after FROM workspace_closures WHERE workspace_id = $1 \
         AND cancelled_at IS NULL",
    )
    .bind(grant.workspace().as_str())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(match row {
        Some(row) => Some(utc_date(row.try_get("delete_after")?)),
        None => None,
    })
}

/// Cancels the scheduled closure. Recorded as `workspace.closure_cancelled`.
pub async fn cancel(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    owner_only(&mut tx, clock, grant).await?;
    let now = clock.now_ms();
    let cancelled = sqlx::query(
        "UPDATE workspace_closures SET cancelled_by = $1, cancelled_at = $2 \
         WHERE workspace_id = $3 AND cancelled_at IS NULL AND delete_after > $2",
    )
    .bind(grant.user().as_str())
    .bind(now)
    .bind(grant.workspace().as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if cancelled != 1 {
        return Err(DomainError::Conflict(
            "No closure of this workspace is waiting to be cancelled.".into(),
        ));
    }
    let change = Change {
        action: "workspace.closure_cancelled",
        target: grant.workspace().as_str(),
        before: None,
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes every workspace whose closure's grace period is over and was not cancelled;
/// returns them. Each goes in a transaction of its own, with everything it holds.
pub async fn delete_due(db: &Db, clock: &Clock) -> Result<Vec<WorkspaceId>, DomainError> {
    let mut deleted = Vec::new();
    for workspace in crate::server::audit::chain::workspaces(db).await? {
        let mut tx = db.begin_in(&workspace, true).await?;
        let due = sqlx::query(
            "SELECT 1 AS due FROM workspace_closures WHERE workspace_id = $1 \
             AND cancelled_at IS NULL AND delete_after <= $2",
        )
        .bind(workspace.as_str())
        .bind(clock.now_ms())
        .fetch_optional(&mut *tx)
        .await?;
        if due.is_none() {
            continue;
        }
        sqlx::query("DELETE FROM workspaces WHERE id = $1")
            .bind(workspace.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(workspace = %workspace, "workspace deleted: its closure's grace period is over");
        deleted.push(workspace);
    }
    Ok(deleted)
}
