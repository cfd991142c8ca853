//! The audit log: who changed who may do what, with the state before and after.

use super::clock::Clock;
use super::error::DomainError;
use crate::model::{UserId, WorkspaceId};

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
    super::db::set_workspace(conn, workspace).await?;
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
