//! Starting runs: a record's change writes one pending run for each enabled automation of its
//! workspace that it triggers and whose conditions hold, in the change's own transaction — a
//! change that rolls back starts nothing; a committed one always has its runs. A change made
//! by an automation starts runs one deeper; past [`MAX_DEPTH`] the run is written as `cut`
//! and does nothing, so automations that set each other off stop.

use serde_json::Value;
use sqlx::Row;

use super::conditions;
use crate::model::AutomationRunId;
use crate::server::audit::append::Acting;
use crate::server::platform::error::DomainError;

/// How deep a chain of automations' changes may go: a person's change starts runs at depth 1.
pub const MAX_DEPTH: i64 = 3;

/// A change to one record, as its history records it.
pub struct Change<'a> {
    /// `ticket.create`.
    pub event_type: &'a str,
    pub record_id: &'a str,
    /// The record as it is after the change (before it, for a deletion): conditions test it.
    pub record: &'a Value,
    pub at_ms: i64,
}

/// Writes the runs `change` starts, inside the caller's transaction (already inside the
/// workspace). With no automation on the event it costs one indexed read.
pub async fn start(
    conn: &mut sqlx::AnyConnection,
    by: Acting<'_>,
    change: Change<'_>,
) -> Result<(), DomainError> {
    let rows = sqlx::query(
        "SELECT id, conditions FROM automations \
         WHERE workspace_id = $1 AND trigger_event = $2 AND enabled = 1 ORDER BY created_at, id",
    )
    .bind(by.workspace.as_str())
    .bind(change.event_type)
    .fetch_all(&mut *conn)
    .await?;
    let depth = by.automation.map_or(1, |a| a.depth + 1);
    for row in rows {
        let stored: String = row.try_get("conditions")?;
        let Some(conditions) = conditions::stored(&stored) else {
            tracing::warn!(automation = %row.try_get::<String, _>("id")?, "unreadable conditions");
            continue;
        };
        if !conditions::hold(&conditions, change.record) {
            continue;
        }
        let (status, finished) = if depth > MAX_DEPTH {
            ("cut", Some(change.at_ms))
        } else {
            ("pending", None)
        };
        sqlx::query(
            "INSERT INTO automation_runs (id, workspace_id, automation_id, event_type, \
             record_id, depth, status, created_at, finished_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(AutomationRunId::fresh().as_str())
        .bind(by.workspace.as_str())
        .bind(row.try_get::<String, _>("id")?)
        .bind(change.event_type)
        .bind(change.record_id)
        .bind(depth)
        .bind(status)
        .bind(change.at_ms)
        .bind(finished)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
