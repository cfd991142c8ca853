//! Mail from a template, sent by an automation's step: `{{field}}` stands for a field of the
//! record (those a condition may test) and `{{automation}}` for the automation's name. The
//! step resolves the recipient within the automation's reach and writes the message in its own
//! transaction — a step rolled back sends nothing — and a worker sends it afterwards, retried
//! with back-off. A worker that dies between sending and marking a message sent sends it again
//! after its lease: at least once, never lost.

use lettre::message::Mailbox;
use serde_json::{Map, Value};
use sqlx::Row;

use super::step::{self, Run};
use super::subjects::Subject;
use crate::model::{WorkspaceId, MAIL_TO_ASSIGNEE, MAIL_TO_CUSTOMER};
use crate::permissions::{keys, Resource};
use crate::server::access::grants::Held;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::{Backend, Db};
use crate::server::platform::error::DomainError;
use crate::server::platform::mail::{Mail, Mailer};
use crate::server::platform::text::LineField;
use crate::server::records::{customers, rows};

const SUBJECT: LineField = LineField {
    field: "steps",
    subject: "A mail's subject",
    empty_message: "Give each mail a subject.",
    max_chars: 200,
};
pub const MAX_BODY_CHARS: usize = 5_000;
/// Attempts before a mail is given up as failed; the waits between them double from a minute
/// (1 + 2 + 4 + 8 + 16: the last attempt about half an hour after the first).
const MAX_ATTEMPTS: i64 = 6;
const LEASE_MS: i64 = 120_000;

/// A mail step as its author wrote it.
pub struct Template<'a> {
    pub to: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// The names between `{{` and `}}` in `text`.
fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    found
}

/// `text` with each known placeholder replaced by its value (an empty field: nothing).
fn render(text: &str, values: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&rest[..start]);
        match values.get(after[..end].trim()) {
            Some(Value::String(v)) => out.push_str(v),
            Some(_) => {}
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Checks a mail step as it is saved: a recipient named (a member's id is checked against the
/// workspace by the caller), a one-line subject, a body within bounds, and only placeholders
/// the record has.
pub fn check(subject: &Subject, template: &Template<'_>) -> Result<(), DomainError> {
    let invalid = |m: String| DomainError::invalid("steps", m);
    if template.to.trim().is_empty() {
        return Err(invalid("Choose whom each mail goes to.".into()));
    }
    SUBJECT.clean(template.title)?;
    let body = template.body.trim();
    if body.is_empty() {
        return Err(invalid("Write what each mail says.".into()));
    }
    if body.chars().count() > MAX_BODY_CHARS
        || body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(invalid(format!(
            "A mail's text is at most {MAX_BODY_CHARS} characters, without control characters."
        )));
    }
    let known = |name: &str| name == "automation" || subject.fields.iter().any(|f| f.0 == name);
    let text = format!("{} {body}", template.title);
    if let Some(unknown) = placeholders(&text).into_iter().find(|p| !known(p)) {
        let fields: Vec<String> = subject
            .fields
            .iter()
            .map(|f| format!("{{{{{}}}}}", f.0))
            .collect();
        return Err(invalid(format!(
            "“{{{{{unknown}}}}}” is not a field of the {}: use {} or {{{{automation}}}}.",
            subject.kind.noun,
            fields.join(", ")
        )));
    }
    Ok(())
}

/// Writes the step's mail for the run's record in the step's transaction; answers to whom.
pub(super) async fn queue(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    template: &Template<'_>,
) -> Result<String, DomainError> {
    let mut values = match subject.kind.resource {
        Resource::Tickets => {
            let grant = held.grant::<keys::TicketsRead>()?;
            step::read(conn, &grant, subject, run.record_id).await?.0
        }
        _ => {
            let grant = held.grant::<keys::CustomersRead>()?;
            step::read(conn, &grant, subject, run.record_id).await?.0
        }
    };
    let address = recipient(conn, held, subject, run, template.to, &values).await?;
    values.insert(
        "automation".into(),
        Value::String(run.automation_name.into()),
    );
    let title: String = render(template.title, &values)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let body = render(template.body, &values);
    let id = uuid::Uuid::new_v4().to_string();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO automation_mails (id, workspace_id, run_id, to_address, subject, body, \
         status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(&id)
    .bind(held.workspace().as_str())
    .bind(run.run_id)
    .bind(&address)
    .bind(&title)
    .bind(&body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO automation_mail_queue (mail_id, workspace_id, due_at) VALUES ($1, $2, $3)",
    )
    .bind(&id)
    .bind(held.workspace().as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(format!("Mail to {address} queued."))
}

/// The address the step's mail goes to, within the automation's reach.
async fn recipient(
    conn: &mut sqlx::AnyConnection,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    to: &str,
    values: &Map<String, Value>,
) -> Result<String, DomainError> {
    let field = |name: &str| values.get(name).and_then(Value::as_str).unwrap_or_default();
    let address = if to == MAIL_TO_CUSTOMER {
        let customer = match subject.kind.resource {
            Resource::Customers => run.record_id,
            _ => field("customer_id"),
        };
        let grant = held.grant::<keys::CustomersRead>()?;
        let a = customers::KIND.alias;
        let sql = format!("{a}.email FROM customers {a}");
        let row = rows::find_one(conn, &customers::KIND, &sql, &grant, customer).await?;
        row.try_get::<Option<String>, _>("email")?
            .unwrap_or_default()
    } else {
        let member = if to == MAIL_TO_ASSIGNEE {
            field("assigned_user_id")
        } else {
            to
        };
        if member.is_empty() {
            return Err(DomainError::Conflict(
                "The record has no assignee to mail.".into(),
            ));
        }
        sqlx::query_scalar::<_, String>(
            "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.workspace_id = $1 AND u.id = $2 AND m.deactivated_at IS NULL",
        )
        .bind(held.workspace().as_str())
        .bind(member)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::Conflict("The member to mail is no longer active.".into()))?
    };
    if address.trim().parse::<Mailbox>().is_err() {
        return Err(DomainError::Conflict(if address.trim().is_empty() {
            "The customer has no email address.".into()
        } else {
            format!("“{address}” is not an address mail can go to.")
        }));
    }
    Ok(address.trim().to_owned())
}

/// A claimed mail.
struct Claimed {
    id: String,
    workspace: WorkspaceId,
}

/// Sends up to `limit` mails that are due, from every workspace; answers how many went.
pub async fn send_due(
    db: &Db,
    clock: &Clock,
    mailer: &Mailer,
    limit: i64,
) -> Result<usize, DomainError> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let now = clock.now_ms();
    let rows = sqlx::query(&format!(
        "UPDATE automation_mail_queue SET claimed_until = $1 WHERE mail_id IN (\
         SELECT mail_id FROM automation_mail_queue WHERE due_at <= $2 \
         AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY due_at LIMIT $3 {lock}) \
         RETURNING mail_id, workspace_id"
    ))
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut sent = 0;
    for row in rows {
        let mail = Claimed {
            id: row.try_get("mail_id")?,
            workspace: WorkspaceId::from_db(row.try_get("workspace_id")?),
        };
        sent += usize::from(send_one(db, clock, mailer, &mail).await?);
    }
    Ok(sent)
}

async fn send_one(
    db: &Db,
    clock: &Clock,
    mailer: &Mailer,
    mail: &Claimed,
) -> Result<bool, DomainError> {
    let mut tx = db.begin_in(&mail.workspace, false).await?;
    let row = sqlx::query(
        "SELECT to_address, subject, body, attempts FROM automation_mails \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(mail.workspace.as_str())
    .bind(&mail.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let attempts = row.try_get::<i64, _>("attempts")? + 1;
    let to: String = row.try_get("to_address")?;
    let outcome = match to.parse::<Mailbox>() {
        Ok(to) => {
            let message = Mail {
                to,
                subject: row.try_get("subject")?,
                text: row.try_get("body")?,
            };
            mailer.send(message).await.map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    };
    let now = clock.now_ms();
    let mut tx = db.begin_in(&mail.workspace, true).await?;
    let (status, error, again) = match &outcome {
        Ok(()) => ("sent", String::new(), None),
        Err(e) if attempts < MAX_ATTEMPTS => {
            tracing::warn!(mail = %mail.id, error = %e, "an automation's mail was not sent; it is retried");
            (
                "pending",
                e.clone(),
                Some(now + 60_000 * (1 << (attempts - 1))),
            )
        }
        Err(e) => {
            tracing::warn!(mail = %mail.id, error = %e, "an automation's mail was given up");
            ("failed", e.clone(), None)
        }
    };
    sqlx::query(
        "UPDATE automation_mails SET status = $1, attempts = $2, error = $3, sent_at = $4 \
         WHERE workspace_id = $5 AND id = $6",
    )
    .bind(status)
    .bind(attempts)
    .bind(&error)
    .bind(outcome.is_ok().then_some(now))
    .bind(mail.workspace.as_str())
    .bind(&mail.id)
    .execute(&mut *tx)
    .await?;
    let queue = match again {
        Some(due) => sqlx::query(
            "UPDATE automation_mail_queue SET due_at = $1, claimed_until = NULL WHERE mail_id = $2",
        )
        .bind(due)
        .bind(&mail.id),
        None => sqlx::query("DELETE FROM automation_mail_queue WHERE mail_id = $1").bind(&mail.id),
    };
    queue.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(outcome.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_from_the_record_and_others_kept() {
        let mut values = Map::new();
        values.insert("name".into(), Value::String("Acme".into()));
        values.insert("email".into(), Value::Null);
        let text = "Hello {{ name }},{{email}} {{unknown}} {{ open";
        assert_eq!(placeholders(text), ["name", "email", "unknown"]);
        assert_eq!(render(text, &values), "Hello Acme, {{unknown}} {{ open");
    }
}
