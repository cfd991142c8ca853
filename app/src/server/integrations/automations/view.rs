//! What the automations page shows: the workspace's automations with their last run, the
//! choices a form offers, and an automation's run log, step by step.

use sqlx::Row;

use super::subjects;
use crate::model::{
    utc_datetime, AutomationId, AutomationRun, AutomationRunId, AutomationRunStep,
    AutomationSummary, AutomationsView, NamedChoice,
};
use crate::permissions::keys;
use crate::server::access::assignments;
use crate::server::access::grants::Grant;
use crate::server::access::roles;
use crate::server::integrations::webhooks::endpoints;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::{members, team_options};

/// Runs an automation's log shows.
const RUNS_SHOWN: i64 = 50;

/// The page: automations by name, and what a form may choose from.
pub async fn view(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
) -> Result<AutomationsView, DomainError> {
    let mut offered = Vec::new();
    for role in roles::options(db, grant).await? {
        if assignments::may_delegate(db, clock, grant, role.id.as_str(), "An automation")
            .await
            .is_ok()
        {
            offered.push(role);
        }
    }
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(
        "SELECT a.id, a.name, a.trigger_event, a.conditions, a.steps, a.role_id, \
         r.name AS role, u.display_name AS author, a.enabled, a.version, \
         (SELECT MAX(x.created_at) FROM automation_runs x WHERE x.automation_id = a.id) AS last_at \
         FROM automations a JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.role_id \
         JOIN users u ON u.id = a.created_by WHERE a.workspace_id = $1 ORDER BY a.name, a.id",
    )
    .bind(grant.workspace().as_str())
    .fetch_all(&mut *tx)
    .await?;
    let mut automations = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        let last_at: Option<i64> = r.try_get("last_at")?;
        let last_status = match last_at {
            None => None,
            Some(at) => sqlx::query(
                "SELECT status FROM automation_runs WHERE automation_id = $1 AND created_at = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(&id)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?
            .map(|s| s.try_get("status"))
            .transpose()?,
        };
        let list = |column: &str| -> Result<String, DomainError> { Ok(r.try_get(column)?) };
        automations.push(AutomationSummary {
            id: AutomationId::from_db(id),
            name: r.try_get("name")?,
            trigger: r.try_get("trigger_event")?,
            conditions: serde_json::from_str(&list("conditions")?).unwrap_or_default(),
            steps: serde_json::from_str(&list("steps")?).unwrap_or_default(),
            role_id: r.try_get("role_id")?,
            role: r.try_get("role")?,
            author: r.try_get("author")?,
            enabled: r.try_get::<i64, _>("enabled")? == 1,
            version: r.try_get("version")?,
            last_run_at_ms: last_at,
            last_run_status: last_status,
        });
    }
    tx.commit().await?;
    let members = members::options(db, grant.workspace())
        .await?
        .into_iter()
        .map(|m| NamedChoice {
            id: m.user_id.as_str().to_owned(),
            name: m.label,
        })
        .collect();
    let teams = team_options::list(db, grant)
        .await?
        .into_iter()
        .map(|t| NamedChoice {
            id: t.id.as_str().to_owned(),
            name: t.name,
        })
        .collect();
    let endpoints = endpoints::view(db, grant)
        .await?
        .endpoints
        .into_iter()
        .map(|e| NamedChoice {
            id: e.id.as_str().to_owned(),
            name: e.url,
        })
        .collect();
    Ok(AutomationsView {
        automations,
        triggers: subjects::triggers(),
        fields: subjects::fields(),
        roles: offered,
        members,
        teams,
        endpoints,
        statuses: subjects::ticket_statuses(),
    })
}

/// Automation `id`'s newest runs with their steps; `NotFound` outside the workspace.
pub async fn runs(
    db: &Db,
    grant: &Grant<keys::IntegrationsManage>,
    id: &AutomationId,
) -> Result<Vec<AutomationRun>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    sqlx::query("SELECT 1 AS x FROM automations WHERE workspace_id = $1 AND id = $2")
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DomainError::NotFound)?;
    let rows = sqlx::query(
        "SELECT id, event_type, record_id, depth, status, created_at, finished_at \
         FROM automation_runs WHERE workspace_id = $1 AND automation_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .bind(RUNS_SHOWN)
    .fetch_all(&mut *tx)
    .await?;
    let mut runs = Vec::with_capacity(rows.len());
    for r in &rows {
        let run_id: String = r.try_get("id")?;
        let steps = sqlx::query(
            "SELECT position, action, outcome, detail FROM automation_steps \
             WHERE workspace_id = $1 AND run_id = $2 ORDER BY position",
        )
        .bind(grant.workspace().as_str())
        .bind(&run_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|s| {
            Ok(AutomationRunStep {
                position: s.try_get("position")?,
                action: s.try_get("action")?,
                outcome: s.try_get("outcome")?,
                detail: s.try_get("detail")?,
            })
        })
        .collect::<Result<_, DomainError>>()?;
        let mails = sqlx::query(
            "SELECT to_address, status, attempts, sent_at FROM automation_mails \
             WHERE workspace_id = $1 AND run_id = $2 ORDER BY created_at, id",
        )
        .bind(grant.workspace().as_str())
        .bind(&run_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(mail_line)
        .collect::<Result<_, DomainError>>()?;
        let event_type: String = r.try_get("event_type")?;
        let record_id: String = r.try_get("record_id")?;
        runs.push(AutomationRun {
            id: AutomationRunId::from_db(run_id),
            record_href: subjects::of(&event_type).map(|s| format!("{}/{record_id}", s.kind.path)),
            event_type,
            record_id,
            depth: r.try_get("depth")?,
            status: r.try_get("status")?,
            created_at_ms: r.try_get("created_at")?,
            finished_at_ms: r.try_get("finished_at")?,
            steps,
            mails,
        });
    }
    tx.commit().await?;
    Ok(runs)
}

/// Where a run's mail is, in words; the mail server's own error is in the server's log.
fn mail_line(m: &sqlx::any::AnyRow) -> Result<String, DomainError> {
    let to: String = m.try_get("to_address")?;
    let attempts: i64 = m.try_get("attempts")?;
    let status: String = m.try_get("status")?;
    let sent_at: Option<i64> = m.try_get("sent_at")?;
    Ok(match (status.as_str(), sent_at) {
        ("sent", Some(at)) => format!("Mail to {to}: sent {}.", utc_datetime(at)),
        ("failed", _) => format!(
            "Mail to {to}: not sent after {attempts} attempts; the mail server refused it or \
             could not be reached."
        ),
        _ if attempts > 0 => {
            format!("Mail to {to}: not sent yet after {attempts} attempts; it is tried again.")
        }
        _ => format!("Mail to {to}: waiting to be sent."),
    })
}
