//! What a step does, inside its own transaction, under the automation's grant: assign the
//! record (to a member, or to a team's members in turn), move a ticket to a status, tag a
//! customer, open a ticket for the record's customer, or send its event to a webhook endpoint. Each answers what it did in words for the run log; a
//! refusal is an error the runner records as the step's failure. An assignment or a move is a
//! change like a person's: checked against the grant's reach, version bumped, and written to
//! the record's history — which starts the automations it triggers, one deeper.

use serde_json::{json, Value};
use sqlx::Row;

use super::step::{self, Run};
use super::subjects::Subject;
use super::{mail, rotation};
use crate::model::{Action, CustomerId, TicketId, TicketStatus, WebhookEndpointId};
use crate::permissions::{keys, Key, Resource};
use crate::server::access::grants::{Grant, Held};
use crate::server::integrations::webhooks::outbox::{self, Message};
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;
use crate::server::records::customers::tags;
use crate::server::records::tickets::{self, flow, EditForm, TicketForm};
use crate::server::records::{assignment, history, version};

/// Does `action` for `run`'s record in the transaction `conn`; answers what was done.
pub async fn perform(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    action: &Action,
) -> Result<String, DomainError> {
    match action {
        Action::Assign { user_id } => {
            assign_as(conn, clock, held, subject, run, user_id, None).await
        }
        Action::RoundRobin { team_id } => {
            let user = rotation::next(
                conn,
                held.workspace(),
                run.automation,
                run.position,
                team_id,
            )
            .await?;
            assign_as(conn, clock, held, subject, run, &user, Some(team_id)).await
        }
        Action::CallWebhook { endpoint_id } => {
            call_webhook(conn, clock, held, run, endpoint_id).await
        }
        Action::SetStatus { status } => set_status(conn, clock, held, subject, run, status).await,
        Action::AddTag { tag } => add_tag(conn, clock, held, subject, run, tag).await,
        Action::CreateTicket { subject: title } => {
            create_ticket(conn, clock, held, subject, run, title).await
        }
        Action::SendMail {
            to,
            subject: title,
            body,
        } => {
            let template = mail::Template { to, title, body };
            mail::queue(conn, clock, held, subject, run, &template).await
        }
    }
}

/// Tags the run's customer with the automation's `customers.write` grant.
async fn add_tag(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    tag: &str,
) -> Result<String, DomainError> {
    if subject.kind.resource != Resource::Customers {
        return Err(DomainError::Conflict(
            "Only a customer can be tagged.".into(),
        ));
    }
    let tag = tags::clean_one("tag", tag)?;
    let grant = held.grant::<keys::CustomersWrite>()?;
    let id = CustomerId::from_db(run.record_id.to_owned());
    Ok(if tags::add_in(conn, clock, &grant, &id, &tag).await? {
        format!("Tagged “{tag}”.")
    } else {
        format!("Already tagged “{tag}”.")
    })
}

/// Opens a ticket titled `title` for the run's customer (a ticket's own customer), in no one's
/// queue, with the automation's `tickets.write` grant; its first message says which
/// automation opened it.
async fn create_ticket(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    title: &str,
) -> Result<String, DomainError> {
    let grant = held.grant::<keys::TicketsWrite>()?;
    let customers = held.grant::<keys::CustomersRead>()?;
    let customer = match subject.kind.resource {
        Resource::Customers => run.record_id.to_owned(),
        Resource::Tickets => {
            let id = TicketId::from_db(run.record_id.to_owned());
            tickets::find(conn, &grant, &id)
                .await?
                .customer_id
                .as_str()
                .to_owned()
        }
        other => {
            return Err(DomainError::Internal(format!(
                "no automation subject for {other:?}"
            )))
        }
    };
    let form = TicketForm {
        customer_id: customer,
        fields: EditForm {
            subject: title.to_owned(),
            ..EditForm::default()
        },
        message: format!("Opened by the automation “{}”.", run.automation_name),
    };
    let made = tickets::create_in(conn, clock, &grant, &customers, &form).await?;
    Ok(format!("Opened ticket {}.", made.ticket.reference))
}

/// Moves the run's ticket to `status` with the automation's `tickets.write` grant.
async fn set_status(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    status: &str,
) -> Result<String, DomainError> {
    let to = TicketStatus::from_key(status)
        .filter(|_| subject.kind.resource == Resource::Tickets)
        .ok_or_else(|| DomainError::Conflict("Only a ticket's status can be set.".into()))?;
    let grant = held.grant::<keys::TicketsWrite>()?;
    let id = TicketId::from_db(run.record_id.to_owned());
    flow::set_status_in(conn, clock, &grant, &id, to).await?;
    Ok(format!("Moved to {}.", to.label().to_lowercase()))
}

/// Assigns with the write grant of the subject's kind, which the automation's role must hold.
async fn assign_as(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    subject: &Subject,
    run: &Run<'_>,
    user: &str,
    team: Option<&str>,
) -> Result<String, DomainError> {
    match subject.kind.resource {
        Resource::Tickets => {
            let grant = held.grant::<keys::TicketsWrite>()?;
            assign(conn, clock, &grant, subject, run.record_id, user, team).await
        }
        Resource::Customers => {
            let grant = held.grant::<keys::CustomersWrite>()?;
            assign(conn, clock, &grant, subject, run.record_id, user, team).await
        }
        other => Err(DomainError::Internal(format!(
            "no automation subject for {other:?}"
        ))),
    }
}

/// Assigns record `id` to member `user` and to `team` (`None`: the team it has), within the
/// grant's reach.
async fn assign<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    subject: &Subject,
    id: &str,
    user: &str,
    team: Option<&str>,
) -> Result<String, DomainError> {
    let kind = subject.kind;
    let table = kind.table;
    let (before, at_version) = step::read(conn, grant, subject, id).await?;
    let current_team = before
        .get("team_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let to = assignment::resolve(conn, grant, kind, user, team.unwrap_or(&current_team)).await?;
    let now = clock.now_ms();
    version::claim(conn, kind, grant, id, at_version, now).await?;
    let (user, team) = (to.assigned.as_str(), to.team.as_ref().map(|t| t.as_str()));
    sqlx::query(&format!(
        "UPDATE {table} SET assigned_user_id = $1, team_id = $2 WHERE workspace_id = $3 AND id = $4"
    ))
    .bind(user)
    .bind(team)
    .bind(grant.workspace().as_str())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let mut after = before.clone();
    after.insert("assigned_user_id".into(), json!(user));
    after.insert("team_id".into(), json!(team));
    let event = history::Event {
        action: "update",
        id,
        before: Some(Value::Object(before)),
        after: Some(Value::Object(after)),
    };
    history::record(conn, clock, grant, kind, event).await?;
    let name: String = sqlx::query("SELECT display_name FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(&mut *conn)
        .await?
        .try_get("display_name")?;
    Ok(format!("Assigned to {name}."))
}

/// Sends the run's event to endpoint `endpoint_id` through the outbox: which record, what
/// happened to it and which automation sent it — not its fields.
async fn call_webhook(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    held: &Held,
    run: &Run<'_>,
    endpoint_id: &str,
) -> Result<String, DomainError> {
    let found = sqlx::query(
        "SELECT enabled, url FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2",
    )
    .bind(held.workspace().as_str())
    .bind(endpoint_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| DomainError::Conflict("The webhook endpoint was deleted.".into()))?;
    if found.try_get::<i64, _>("enabled")? == 0 {
        return Err(DomainError::Conflict(
            "The webhook endpoint is disabled.".into(),
        ));
    }
    let message = Message {
        event_type: run.event_type,
        data: json!({
            "id": run.record_id,
            "automation": { "id": run.automation.as_str(), "name": run.automation_name },
        }),
        at_ms: clock.now_ms(),
    };
    let endpoint = WebhookEndpointId::from_db(endpoint_id.to_owned());
    outbox::enqueue_to(conn, held.workspace(), &endpoint, message).await?;
    Ok(format!(
        "Queued for {}.",
        found.try_get::<String, _>("url")?
    ))
}
