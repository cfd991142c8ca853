//! Running automations: a worker claims pending runs (on PostgreSQL with `FOR UPDATE SKIP
//! LOCKED`, so several server processes share the work and each run goes to one of them;
//! SQLite serialises the claiming statement itself) and does each run's steps in order, each
//! in its own transaction together with its line in the run log — so a run interrupted by a
//! crash is taken up again after its lease and goes on from the first step not logged, never
//! doing one twice. A failing step stops the run unless it is set to let the run go on. The
//! automation acts under its role, narrowed to what its author holds at the run; the run is
//! recorded in the trail with the automation as actor.

use sqlx::Row;

use super::actions;
use super::step::Run;
use super::subjects;
use crate::model::{AutomationId, Step, UserId, WorkspaceId};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{self, Automated, Held};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::{Backend, Db};
use crate::server::platform::error::DomainError;

/// A claimed run is the claimer's for this long; a worker that dies lets it go.
const LEASE_MS: i64 = 300_000;

/// How long a finished run stays in its automation's log (the trail keeps its entry longer).
pub const KEEP_RUNS_DAYS: i64 = 90;

/// A claimed run.
struct Claimed {
    id: String,
    workspace: WorkspaceId,
    automation: AutomationId,
    event_type: String,
    record_id: String,
    depth: i64,
}

/// Runs up to `limit` pending runs, oldest first; returns how many were claimed.
pub async fn run_due(db: &Db, clock: &Clock, limit: i64) -> Result<usize, DomainError> {
    let claimed = claim(db, clock.now_ms(), limit).await?;
    let count = claimed.len();
    // One after another: a round robin hands out records in the order they came.
    for run in claimed {
        if let Err(e) = run_one(db, clock, &run).await {
            tracing::warn!(run = %run.id, error = %e, "an automation run stopped; it is retried");
        }
    }
    Ok(count)
}

/// Forgets finished runs older than [`KEEP_RUNS_DAYS`], with their steps and mail, in every
/// workspace; answers how many. Harmless to run in several processes at once.
pub async fn forget_old(db: &Db, clock: &Clock) -> Result<u64, DomainError> {
    let before = clock.now_ms() - KEEP_RUNS_DAYS * 24 * 3_600_000;
    Ok(sqlx::query(
        "DELETE FROM automation_runs WHERE status IN ('succeeded', 'failed', 'cut') \
         AND finished_at < $1",
    )
    .bind(before)
    .execute(db.pool())
    .await?
    .rows_affected())
}

async fn claim(db: &Db, now_ms: i64, limit: i64) -> Result<Vec<Claimed>, DomainError> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(&format!(
        "UPDATE automation_runs SET status = 'running', claimed_until = $1 WHERE id IN (\
         SELECT id FROM automation_runs WHERE status = 'pending' \
         OR (status = 'running' AND claimed_until < $2) \
         ORDER BY created_at, id LIMIT $3 {lock}) \
         RETURNING id, workspace_id, automation_id, event_type, record_id, depth, created_at"
    ))
    .bind(now_ms + LEASE_MS)
    .bind(now_ms)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut claimed = rows
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>("created_at")?,
                Claimed {
                    id: r.try_get("id")?,
                    workspace: WorkspaceId::from_db(r.try_get("workspace_id")?),
                    automation: AutomationId::from_db(r.try_get("automation_id")?),
                    event_type: r.try_get("event_type")?,
                    record_id: r.try_get("record_id")?,
                    depth: r.try_get("depth")?,
                },
            ))
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    // RETURNING keeps no order.
    claimed.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    Ok(claimed.into_iter().map(|(_, c)| c).collect())
}

/// The automation as a run reads it.
struct Automation {
    name: String,
    steps: Vec<Step>,
    role_id: String,
    author: UserId,
    enabled: bool,
}

async fn load(db: &Db, run: &Claimed) -> Result<Option<Automation>, DomainError> {
    let mut tx = db.begin_in(&run.workspace, false).await?;
    let row = sqlx::query(
        "SELECT name, steps, role_id, created_by, enabled FROM automations \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(run.workspace.as_str())
    .bind(run.automation.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    let steps: String = row.try_get("steps")?;
    Ok(Some(Automation {
        name: row.try_get("name")?,
        steps: serde_json::from_str(&steps)
            .map_err(|e| DomainError::Internal(format!("stored steps: {e}")))?,
        role_id: row.try_get("role_id")?,
        author: UserId::from_db(row.try_get("created_by")?),
        enabled: row.try_get::<i64, _>("enabled")? == 1,
    }))
}

async fn run_one(db: &Db, clock: &Clock, run: &Claimed) -> Result<(), DomainError> {
    // A deleted automation takes its runs with it.
    let Some(automation) = load(db, run).await? else {
        return Ok(());
    };
    let held = grants::held_by_automation(
        db,
        clock,
        Automated {
            id: run.automation.clone(),
            depth: run.depth,
        },
        &automation.author,
        &run.workspace,
        &automation.role_id,
    )
    .await?;
    let logged = logged_steps(db, run).await?;
    let mut failed = logged.iter().any(|(_, outcome)| outcome == "failed");
    let mut stopped = false;
    for (i, step) in automation.steps.iter().enumerate() {
        let position = i as i64 + 1;
        if let Some((_, outcome)) = logged.iter().find(|(p, _)| *p == position) {
            stopped |= outcome == "failed" && !step.continue_on_failure;
            continue;
        }
        let context = Run {
            run_id: &run.id,
            automation: &run.automation,
            automation_name: &automation.name,
            event_type: &run.event_type,
            record_id: &run.record_id,
            position,
        };
        let outcome = if !automation.enabled {
            failed = true;
            Outcome::Skipped("The automation was turned off before this run.")
        } else if stopped {
            Outcome::Skipped("An earlier step failed.")
        } else {
            attempt(db, clock, &held, run, &context, step).await?
        };
        let (outcome, detail) = match outcome {
            Outcome::Done => continue,
            Outcome::Skipped(why) => ("skipped", why.to_owned()),
            Outcome::Failed(why) => {
                failed = true;
                stopped |= !step.continue_on_failure;
                ("failed", why)
            }
        };
        let mut tx = db.begin_in(&run.workspace, true).await?;
        log_step(
            &mut tx,
            run,
            position,
            step,
            outcome,
            &detail,
            clock.now_ms(),
        )
        .await?;
        tx.commit().await?;
    }
    finish(db, clock, &held, run, &automation.name, failed).await
}

/// How a step went.
enum Outcome {
    /// Done, and logged with its change.
    Done,
    Skipped(&'static str),
    Failed(String),
}

/// One step, in its own transaction with its log line when it succeeds; a failure rolls the
/// step back and answers why, for the log.
async fn attempt(
    db: &Db,
    clock: &Clock,
    held: &Held,
    run: &Claimed,
    context: &Run<'_>,
    step: &Step,
) -> Result<Outcome, DomainError> {
    let Some(subject) = subjects::of(&run.event_type) else {
        return Ok(Outcome::Failed(
            "This event is no longer one automations act on.".into(),
        ));
    };
    let mut tx = db.begin_in(&run.workspace, true).await?;
    match actions::perform(&mut tx, clock, held, subject, context, &step.action).await {
        Ok(done) => {
            let at = clock.now_ms();
            log_step(&mut tx, run, context.position, step, "done", &done, at).await?;
            tx.commit().await?;
            Ok(Outcome::Done)
        }
        Err(e) => {
            drop(tx);
            Ok(Outcome::Failed(why(e)))
        }
    }
}

/// A step's failure in words for the run log; ours are logged, not shown.
fn why(e: DomainError) -> String {
    match e {
        DomainError::Invalid { message, .. } | DomainError::Conflict(message) => message,
        DomainError::NotFound => "The record is gone or out of the automation's reach.".into(),
        DomainError::Forbidden => "The automation's role does not allow this step.".into(),
        other => {
            tracing::error!(error = %other, "an automation step failed");
            "Something went wrong on our side; it was logged.".into()
        }
    }
}

async fn logged_steps(db: &Db, run: &Claimed) -> Result<Vec<(i64, String)>, DomainError> {
    let mut tx = db.begin_in(&run.workspace, false).await?;
    let rows = sqlx::query(
        "SELECT position, outcome FROM automation_steps WHERE workspace_id = $1 AND run_id = $2",
    )
    .bind(run.workspace.as_str())
    .bind(&run.id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| Ok((r.try_get("position")?, r.try_get("outcome")?)))
        .collect()
}

async fn log_step(
    conn: &mut sqlx::AnyConnection,
    run: &Claimed,
    position: i64,
    step: &Step,
    outcome: &str,
    detail: &str,
    at_ms: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO automation_steps (run_id, workspace_id, position, action, outcome, detail, \
         at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&run.id)
    .bind(run.workspace.as_str())
    .bind(position)
    .bind(step.action.key())
    .bind(outcome)
    .bind(detail)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends the run and records it in the trail, with the automation as actor.
async fn finish(
    db: &Db,
    clock: &Clock,
    held: &Held,
    run: &Claimed,
    name: &str,
    failed: bool,
) -> Result<(), DomainError> {
    let status = if failed { "failed" } else { "succeeded" };
    let mut tx = db.begin_in(&run.workspace, true).await?;
    sqlx::query(
        "UPDATE automation_runs SET status = $1, finished_at = $2, claimed_until = NULL \
         WHERE id = $3",
    )
    .bind(status)
    .bind(clock.now_ms())
    .bind(&run.id)
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: if failed {
            "automation.run_failed"
        } else {
            "automation.run"
        },
        target: run.automation.as_str(),
        before: None,
        after: Some(serde_json::json!({
            "automation": name,
            "run": run.id,
            "event": run.event_type,
            "record": run.record_id,
            "depth": run.depth,
        })),
    };
    audit::record(&mut tx, clock, held.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}
