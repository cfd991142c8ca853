//! Making, changing and deleting automations, by holders of `integrations.manage`. A form is
//! checked whole before anything is written: a trigger from the catalogue, conditions on the
//! trigger's fields, one to ten steps naming members, teams and endpoints of the workspace,
//! and a role the author may hand out (never Owner) — a run narrows it again to what the
//! author holds then. Each change is versioned and recorded in the trail.

use serde_json::json;
use sqlx::Row;

use super::{mail, schedule, subjects};
use crate::model::{Action, AutomationId, Condition, Step, MAIL_TO_ASSIGNEE, MAIL_TO_CUSTOMER};
use crate::permissions::{keys, Resource};
use crate::server::access::assignments;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::customers::tags;
use crate::server::records::tickets;

const NAME: LineField = LineField {
    field: "name",
    subject: "The automation's name",
    empty_message: "Name the automation after what it does, such as “Share out new tickets”.",
    max_chars: 80,
};
const MAX_CONDITIONS: usize = 10;
const MAX_STEPS: usize = 10;
const MAX_VALUE_CHARS: usize = 200;

/// An automation as the form sends it; `conditions` and `steps` are JSON lists.
#[derive(Debug, Default)]
pub struct AutomationForm {
    pub name: String,
    pub trigger: String,
    pub conditions: String,
    pub steps: String,
    pub role_id: String,
    pub enabled: bool,
}

/// A form that passed every check; only [`check`] makes one.
#[derive(Debug)]
pub struct Checked {
    name: String,
    trigger: String,
    conditions: Vec<Condition>,
    steps: Vec<Step>,
    role_id: String,
    enabled: bool,
}

impl Checked {
    fn state(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "trigger": self.trigger,
            "conditions": self.conditions,
            "steps": self.steps,
            "role_id": self.role_id,
            "enabled": self.enabled,
        })
    }
}

/// Checks `form` whole, naming the field a refusal is about.
pub async fn check(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    form: &AutomationForm,
) -> Result<Checked, DomainError> {
    let name = NAME.clean(&form.name)?;
    let trigger = form.trigger.trim();
    let subject = subjects::of(trigger)
        .ok_or_else(|| DomainError::invalid("trigger", "Choose an event from the list."))?;
    let conditions: Vec<Condition> = parse_list("conditions", &form.conditions, MAX_CONDITIONS)?;
    for c in &conditions {
        if !subject.fields.iter().any(|(f, _)| *f == c.field) {
            return Err(DomainError::invalid(
                "conditions",
                format!(
                    "Choose a field of the {} for each condition.",
                    subject.kind.noun
                ),
            ));
        }
        if c.value.chars().any(char::is_control) || c.value.chars().count() > MAX_VALUE_CHARS {
            return Err(DomainError::invalid(
                "conditions",
                format!("A value is one line of at most {MAX_VALUE_CHARS} characters."),
            ));
        }
        if c.op.takes_value() && c.value.trim().is_empty() {
            return Err(DomainError::invalid(
                "conditions",
                format!("Give a value for “{}”.", c.op.label()),
            ));
        }
    }
    let steps: Vec<Step> = parse_list("steps", &form.steps, MAX_STEPS)?;
    if steps.is_empty() {
        return Err(DomainError::invalid("steps", "Add at least one step."));
    }
    let mut tx = grant.begin(db, false).await?;
    for step in &steps {
        check_step(&mut tx, grant, subject, &step.action).await?;
    }
    tx.commit().await?;
    let role_id = form.role_id.trim();
    assignments::may_delegate(db, clock, grant, role_id, "An automation").await?;
    Ok(Checked {
        name,
        trigger: trigger.to_owned(),
        conditions,
        steps,
        role_id: role_id.to_owned(),
        enabled: form.enabled,
    })
}

/// A JSON list of at most `max` items of `T`, each exactly its declared fields.
fn parse_list<T: serde::de::DeserializeOwned>(
    field: &'static str,
    raw: &str,
    max: usize,
) -> Result<Vec<T>, DomainError> {
    let raw = raw.trim();
    let items: Vec<T> = if raw.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(raw).map_err(|_| {
            DomainError::invalid(field, "This list could not be read. Reload the page.")
        })?
    };
    if items.len() > max {
        return Err(DomainError::invalid(field, format!("Use at most {max}.")));
    }
    Ok(items)
}

/// The step's member, team or endpoint is the workspace's own; a status is one the trigger's
/// tickets have; a tag is one line, put on customers only; a ticket to open has a subject.
async fn check_step(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::IntegrationsManage>,
    subject: &subjects::Subject,
    action: &Action,
) -> Result<(), DomainError> {
    let (sql, id, message) = match action {
        Action::AddTag { tag } => {
            if subject.kind.resource != Resource::Customers {
                return Err(DomainError::invalid(
                    "steps",
                    "Only a customer can be tagged: choose a customer trigger.",
                ));
            }
            return tags::clean_one("steps", tag).map(drop);
        }
        Action::CreateTicket { subject: title } => {
            return tickets::SUBJECT.clean(title).map(drop).map_err(|_| {
                DomainError::invalid(
                    "steps",
                    "Give the ticket to open a subject of one line, at most 200 characters.",
                )
            });
        }
        Action::SendMail {
            to,
            subject: title,
            body,
        } => {
            let template = mail::Template { to, title, body };
            mail::check(subject, &template)?;
            if to == MAIL_TO_CUSTOMER || to == MAIL_TO_ASSIGNEE {
                return Ok(());
            }
            (
                "SELECT 1 AS x FROM memberships WHERE workspace_id = $1 AND user_id = $2 \
                 AND deactivated_at IS NULL",
                to,
                "Choose an active member of this workspace to mail.",
            )
        }
        Action::SetStatus { status } => {
            let known = subjects::ticket_statuses().iter().any(|s| s.id == *status);
            if subject.kind.resource == Resource::Tickets && known {
                return Ok(());
            }
            return Err(DomainError::invalid(
                "steps",
                "Only a ticket's status can be set: choose a ticket trigger and a status.",
            ));
        }
        Action::Assign { user_id } => (
            "SELECT 1 AS x FROM memberships WHERE workspace_id = $1 AND user_id = $2 \
             AND deactivated_at IS NULL",
            user_id,
            "Choose an active member of this workspace to assign to.",
        ),
        Action::RoundRobin { team_id } => (
            "SELECT 1 AS x FROM teams WHERE workspace_id = $1 AND id = $2",
            team_id,
            "Choose a team of this workspace to share records among.",
        ),
        Action::CallWebhook { endpoint_id } => (
            "SELECT 1 AS x FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2",
            endpoint_id,
            "Choose a webhook endpoint of this workspace.",
        ),
    };
    let found = sqlx::query(sql)
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(DomainError::invalid("steps", message)),
    }
}

/// Makes a checked automation; answers its id.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    checked: Checked,
) -> Result<AutomationId, DomainError> {
    let id = AutomationId::fresh();
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "INSERT INTO automations (id, workspace_id, name, trigger_event, conditions, steps, \
         role_id, enabled, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&checked.name)
    .bind(&checked.trigger)
    .bind(json!(checked.conditions).to_string())
    .bind(json!(checked.steps).to_string())
    .bind(&checked.role_id)
    .bind(i64::from(checked.enabled))
    .bind(grant.user().as_str())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| DomainError::on_unique(e, taken))?;
    schedule::keep(
        &mut tx,
        grant.workspace(),
        &id,
        &checked.trigger,
        checked.enabled,
    )
    .await?;
    let change = Change {
        action: "automation.create",
        target: id.as_str(),
        before: None,
        after: Some(checked.state()),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(id)
}

fn taken() -> DomainError {
    DomainError::invalid("name", "Another automation has this name. Choose another.")
}

/// Changes automation `id` to `checked` on `version`, the one its editor saw (else
/// `Conflict`). The editor becomes its author: its runs act within what they hold.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    id: &AutomationId,
    version: i64,
    checked: Checked,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = stored(&mut tx, grant, id).await?;
    let changed = sqlx::query(
        "UPDATE automations SET name = $1, trigger_event = $2, conditions = $3, steps = $4, \
         role_id = $5, enabled = $6, created_by = $7, updated_at = $8, version = version + 1 \
         WHERE workspace_id = $9 AND id = $10 AND version = $11",
    )
    .bind(&checked.name)
    .bind(&checked.trigger)
    .bind(json!(checked.conditions).to_string())
    .bind(json!(checked.steps).to_string())
    .bind(&checked.role_id)
    .bind(i64::from(checked.enabled))
    .bind(grant.user().as_str())
    .bind(clock.now_ms())
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .bind(version)
    .execute(&mut *tx)
    .await
    .map_err(|e| DomainError::on_unique(e, taken))?;
    if changed.rows_affected() == 0 {
        return Err(DomainError::Conflict(
            "This automation was changed by someone else since you opened it. Reload to see \
             it, then make your change again."
                .into(),
        ));
    }
    schedule::keep(
        &mut tx,
        grant.workspace(),
        id,
        &checked.trigger,
        checked.enabled,
    )
    .await?;
    let change = Change {
        action: "automation.update",
        target: id.as_str(),
        before: Some(before),
        after: Some(checked.state()),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes automation `id` with its run log.
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    id: &AutomationId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = stored(&mut tx, grant, id).await?;
    sqlx::query("DELETE FROM automations WHERE workspace_id = $1 AND id = $2")
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let change = Change {
        action: "automation.delete",
        target: id.as_str(),
        before: Some(before),
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The automation as stored, for the trail; `NotFound` outside the workspace.
async fn stored(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::IntegrationsManage>,
    id: &AutomationId,
) -> Result<serde_json::Value, DomainError> {
    let row = sqlx::query(
        "SELECT name, trigger_event, conditions, steps, role_id, enabled FROM automations \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound)?;
    let list = |column: &str| -> Result<serde_json::Value, DomainError> {
        let raw: String = row.try_get(column)?;
        Ok(serde_json::from_str(&raw).unwrap_or(serde_json::Value::Null))
    };
    Ok(json!({
        "name": row.try_get::<String, _>("name")?,
        "trigger": row.try_get::<String, _>("trigger_event")?,
        "conditions": list("conditions")?,
        "steps": list("steps")?,
        "role_id": row.try_get::<String, _>("role_id")?,
        "enabled": row.try_get::<i64, _>("enabled")? == 1,
    }))
}
