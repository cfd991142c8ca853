//! Scheduled automations (`ticket.every_day`): at each period, one pending run for each record
//! of the kind that the automation's conditions hold of, then run like any other. An
//! automation runs first in the period it is made in, then at the start of each next one. A
//! period is claimed in `scheduled_runs` in the same transaction that writes its runs, so
//! however many server processes share the database it runs once, and a process that dies
//! half-way leaves neither the claim nor the runs.

use serde_json::{Map, Value};
use sqlx::Row;

use super::conditions;
use super::subjects::{self, Subject};
use crate::model::{utc_datetime, AutomationId, AutomationRunId, WorkspaceId};
use crate::server::platform::claims;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The most runs one period of one automation starts; the rest of its records wait for the
/// next period (and a warning is logged), so one rule cannot flood the queue.
pub const MAX_RUNS_PER_PERIOD: usize = 1_000;

/// The name of an automation's claims in `scheduled_runs`.
fn job(id: &str) -> String {
    format!("automation:{id}")
}

/// Keeps `automation_schedules` in step with an automation just written in `conn`: a row while
/// it is enabled and scheduled, none otherwise.
pub async fn keep(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    id: &AutomationId,
    trigger: &str,
    enabled: bool,
) -> Result<(), DomainError> {
    sqlx::query("DELETE FROM automation_schedules WHERE automation_id = $1")
        .bind(id.as_str())
        .execute(&mut *conn)
        .await?;
    if enabled && subjects::period_of(trigger).is_some() {
        sqlx::query(
            "INSERT INTO automation_schedules (automation_id, workspace_id, trigger_event) \
             VALUES ($1, $2, $3)",
        )
        .bind(id.as_str())
        .bind(workspace.as_str())
        .bind(trigger)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Starts the current period of every scheduled automation that no process has started yet;
/// answers how many runs this caller wrote. `holder` names this process in the claims.
pub async fn start_due(db: &Db, clock: &Clock, holder: &str) -> Result<usize, DomainError> {
    let rows =
        sqlx::query("SELECT automation_id, workspace_id, trigger_event FROM automation_schedules")
            .fetch_all(db.pool())
            .await?;
    let now = clock.now_ms();
    let mut written = 0;
    for row in rows {
        let trigger: String = row.try_get("trigger_event")?;
        let (Some(period), Some(subject)) = (subjects::period_of(&trigger), subjects::of(&trigger))
        else {
            continue;
        };
        let id: String = row.try_get("automation_id")?;
        let slot = utc_datetime(period.start(now));
        if claims::holder(db, &job(&id), &slot).await?.is_some() {
            continue;
        }
        let due = Due {
            workspace: WorkspaceId::from_db(row.try_get("workspace_id")?),
            automation: id,
            trigger,
            slot,
        };
        written += start_period(db, now, holder, subject, &due).await?;
    }
    Ok(written)
}

/// One automation's period, not yet claimed when looked at.
struct Due {
    workspace: WorkspaceId,
    automation: String,
    trigger: String,
    slot: String,
}

async fn start_period(
    db: &Db,
    now: i64,
    holder: &str,
    subject: &Subject,
    due: &Due,
) -> Result<usize, DomainError> {
    let mut tx = db.begin_in(&due.workspace, true).await?;
    // Another process may have claimed it since it was looked at: then this one writes nothing.
    if !claims::claim_in(&mut tx, &job(&due.automation), &due.slot, holder, now).await? {
        return Ok(0);
    }
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT conditions FROM automations WHERE workspace_id = $1 AND id = $2 AND enabled = 1",
    )
    .bind(due.workspace.as_str())
    .bind(&due.automation)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(wanted) = stored.as_deref().and_then(conditions::stored) else {
        tx.commit().await?;
        return Ok(0);
    };
    let records = matching(&mut tx, subject, &due.workspace, &wanted).await?;
    if records.len() > MAX_RUNS_PER_PERIOD {
        tracing::warn!(
            automation = %due.automation,
            matching = records.len(),
            "a scheduled automation matched more records than one period runs; the rest wait"
        );
    }
    let count = records.len().min(MAX_RUNS_PER_PERIOD);
    for record in records.into_iter().take(MAX_RUNS_PER_PERIOD) {
        sqlx::query(
            "INSERT INTO automation_runs (id, workspace_id, automation_id, event_type, \
             record_id, depth, status, created_at) VALUES ($1, $2, $3, $4, $5, 1, 'pending', $6)",
        )
        .bind(AutomationRunId::fresh().as_str())
        .bind(due.workspace.as_str())
        .bind(&due.automation)
        .bind(&due.trigger)
        .bind(record)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(count)
}

/// The ids of the workspace's records of `subject` that `wanted` holds of, oldest first.
async fn matching(
    conn: &mut sqlx::AnyConnection,
    subject: &Subject,
    workspace: &WorkspaceId,
    wanted: &[crate::model::Condition],
) -> Result<Vec<String>, DomainError> {
    let columns: Vec<&str> = subject.fields.iter().map(|(f, _)| *f).collect();
    let live = subject
        .live
        .map(|l| format!(" AND {l}"))
        .unwrap_or_default();
    let rows = sqlx::query(&format!(
        "SELECT id, {} FROM {} WHERE workspace_id = $1{live} ORDER BY created_at, id",
        columns.join(", "),
        subject.kind.table,
    ))
    .bind(workspace.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut ids = Vec::new();
    for row in rows {
        let mut record = Map::new();
        for field in &columns {
            let value: Option<String> = row.try_get(*field)?;
            record.insert(
                (*field).to_owned(),
                value.map_or(Value::Null, Value::String),
            );
        }
        if conditions::hold(wanted, &Value::Object(record)) {
            ids.push(row.try_get("id")?);
        }
    }
    Ok(ids)
}
