//! The audit log: who changed who may do what, with the state before and after.

use sqlx::Row;

use crate::model::{AuditEntry, AuditPage, UserId, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Entries per page of the audit page.
pub const PAGE_SIZE: i64 = 50;

/// One change: what was done (`role.update`), to what (an id), and the state around it.
pub struct Change<'a> {
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Records one change inside the caller's transaction, so the change and its record land
/// together or not at all. The record is written as the workspace's (PostgreSQL's row-level
/// security admits it for the rest of that transaction).
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    workspace: &WorkspaceId,
    actor: &UserId,
    change: Change<'_>,
) -> Result<(), DomainError> {
    crate::server::platform::db::set_workspace(conn, workspace).await?;
    sqlx::query(
        "INSERT INTO audit_log (id, workspace_id, actor_id, action, target, before_state, \
         after_state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(workspace.as_str())
    .bind(actor.as_str())
    .bind(change.action)
    .bind(change.target)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .bind(clock.now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The workspace's audit log, newest first, `PAGE_SIZE` entries after `before` (an entry id;
/// ids are time-ordered UUIDv7). Targets are named where they still exist. Needs `audit.read`.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
    before: Option<&str>,
) -> Result<AuditPage, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(
        "SELECT a.id, a.created_at, a.action, a.target, a.before_state, a.after_state,          u.display_name AS actor, COALESCE(r.name, tu.display_name, t.name) AS target_name          FROM audit_log a          LEFT JOIN users u ON u.id = a.actor_id          LEFT JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.target          LEFT JOIN users tu ON tu.id = a.target          LEFT JOIN teams t ON t.workspace_id = a.workspace_id AND t.id = a.target          WHERE a.workspace_id = $1 AND ($2 = '' OR a.id < $2)          ORDER BY a.id DESC LIMIT $3",
    )
    .bind(grant.workspace().as_str())
    .bind(before.unwrap_or(""))
    .bind(PAGE_SIZE + 1)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut entries = rows
        .iter()
        .map(|r| {
            let target: String = r.try_get("target")?;
            let before: Option<String> = r.try_get("before_state")?;
            let after: Option<String> = r.try_get("after_state")?;
            // A deleted role, team or department (and an invitation) is named by the state
            // recorded with it.
            let name = r.try_get::<Option<String>, _>("target_name")?.or_else(|| {
                [&before, &after]
                    .into_iter()
                    .flatten()
                    .find_map(|state| recorded_name(state))
            });
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at_ms: r.try_get("created_at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                target: name.unwrap_or(target),
                before,
                after,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let next = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|e| e.id.clone())
    } else {
        None
    };
    Ok(AuditPage { entries, next })
}

/// The `name` (or, for an invitation, the `email`) a recorded state carries, if any.
fn recorded_name(state: &str) -> Option<String> {
    let state = serde_json::from_str::<serde_json::Value>(state).ok()?;
    state
        .get("name")
        .or_else(|| state.get("email"))?
        .as_str()
        .map(str::to_owned)
}
