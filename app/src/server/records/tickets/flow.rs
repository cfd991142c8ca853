//! A ticket's status — open → pending → resolved → closed, with pending and resolved able to
//! return to open — and taking an unassigned ticket from the queue. Each names the version it
//! was based on, needs `tickets.write`, and is in the ticket's history; a status may also be set
//! on many tickets at once (`bulk_status`).

use sqlx::Row;

use crate::model::{TicketDetail, TicketId, TicketStatus};
use crate::permissions::keys;
use crate::server::access::grants::{Bulk, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::bulk::{self, Selection};
use crate::server::records::sql::Sql;
use crate::server::records::{history, version};

use super::{detail, find, KIND};

/// Why a ticket at `from` cannot move to `to`, in words; `None` when it can.
fn refusal(from: TicketStatus, to: TicketStatus) -> Option<String> {
    if from.next().contains(&to) {
        return None;
    }
    Some(match from {
        TicketStatus::Closed => "This ticket is closed: open a new ticket instead.".into(),
        _ if from == to => format!("This ticket is {} already.", from.label().to_lowercase()),
        _ => {
            let from = from.label().to_lowercase();
            let article = if from.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "An"
            } else {
                "A"
            };
            format!(
                "{article} {from} ticket can't become {}.",
                to.label().to_lowercase()
            )
        }
    })
}

/// One change of the ticket row, checked against the ticket as it stands.
async fn step(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    expected: i64,
    action: &str,
    change: impl FnOnce(&crate::model::Ticket) -> Result<Sql, DomainError>,
) -> Result<TicketDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let after = step_in(&mut tx, clock, grant, id, Some(expected), action, change).await?;
    tx.commit().await?;
    Ok(after)
}

/// [`step`] in the caller's transaction `conn`, on version `expected` or, with none, on the
/// version the ticket has now (an automation's step, which saw no form).
async fn step_in(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    expected: Option<i64>,
    action: &str,
    change: impl FnOnce(&crate::model::Ticket) -> Result<Sql, DomainError>,
) -> Result<TicketDetail, DomainError> {
    let before = find(conn, grant, id).await?;
    let mut set = change(&before)?;
    let expected = expected.unwrap_or(before.version);
    version::claim(conn, &KIND, grant, id.as_str(), expected, clock.now_ms()).await?;
    set.push(" WHERE workspace_id = ")
        .arg(grant.workspace().as_str())
        .push(" AND id = ")
        .arg(id.as_str());
    set.query().execute(&mut *conn).await?;
    let after = detail(conn, grant, id).await?;
    let event = history::Event {
        action,
        id: id.as_str(),
        before: Some(history::fields(&before)),
        after: Some(history::fields(&after.ticket)),
    };
    history::record(conn, clock, grant, &KIND, event).await?;
    Ok(after)
}

/// What the history calls a move to `to`.
fn status_action(to: TicketStatus) -> &'static str {
    match to {
        TicketStatus::Open => "reopened",
        other => other.key(),
    }
}

/// The row change moving a ticket to `to` at `now`, refused (saying why) from a status that
/// does not lead there.
fn status_change(
    to: TicketStatus,
    now: i64,
) -> impl FnOnce(&crate::model::Ticket) -> Result<Sql, DomainError> {
    move |ticket| {
        if let Some(why) = refusal(ticket.status, to) {
            return Err(DomainError::Conflict(why));
        }
        let mut sql = Sql::default();
        sql.push("UPDATE tickets SET status = ")
            .arg(to.key())
            .push(", status_changed_at = ")
            .int(now);
        Ok(sql)
    }
}

/// Moves a ticket to `to` if its status allows (else `Conflict`, saying why).
pub async fn set_status(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    expected: i64,
    to: TicketStatus,
) -> Result<TicketDetail, DomainError> {
    let change = status_change(to, clock.now_ms());
    step(db, clock, grant, id, expected, status_action(to), change).await
}

/// Moves ticket `id`, as it is now, to `to` in the caller's transaction `conn` (an automation's
/// step): refused from a status that does not lead there, as a person's move is.
pub async fn set_status_in(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    to: TicketStatus,
) -> Result<TicketDetail, DomainError> {
    let change = status_change(to, clock.now_ms());
    step_in(conn, clock, grant, id, None, status_action(to), change).await
}

/// Assigns an unassigned ticket (else `Conflict`, naming who has it) to the caller.
pub async fn take(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    expected: i64,
) -> Result<TicketDetail, DomainError> {
    let me = grant.user().as_str().to_owned();
    step(db, clock, grant, id, expected, "taken", |ticket| {
        if ticket.assigned_user_id.is_some() {
            return Err(DomainError::Conflict(format!(
                "{} has this ticket already.",
                ticket.assigned_to.as_deref().unwrap_or("Someone")
            )));
        }
        let mut sql = Sql::default();
        sql.push("UPDATE tickets SET assigned_user_id = ").arg(me);
        Ok(sql)
    })
    .await
}

/// Moves every chosen ticket to `to`, or none if any of them may not (the first refusal is
/// named by its reference); returns how many moved.
pub async fn bulk_status(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, keys::TicketsWrite>,
    selection: &Selection,
    to: TicketStatus,
) -> Result<usize, DomainError> {
    let grant = bulk.grant();
    let mut tx = grant.begin(db, true).await?;
    bulk::check_reach(&mut tx, &KIND, grant, selection).await?;
    let mut current = Sql::default();
    current
        .push("SELECT tickets.number, tickets.status FROM tickets WHERE tickets.workspace_id = ")
        .arg(grant.workspace().as_str());
    bulk::in_clause(&mut current, "tickets", selection);
    current.push(" ORDER BY tickets.number");
    for row in current.query().fetch_all(&mut *tx).await? {
        let stored: String = row.try_get("status")?;
        let from = TicketStatus::from_key(&stored)
            .ok_or_else(|| DomainError::Internal(format!("ticket status {stored:?}")))?;
        if let Some(why) = refusal(from, to) {
            let number: i64 = row.try_get("number")?;
            return Err(DomainError::Conflict(format!(
                "T-{number}: {why} Nothing was changed."
            )));
        }
    }
    let now = clock.now_ms();
    let mut sql = Sql::default();
    sql.push("UPDATE tickets SET status = ")
        .arg(to.key())
        .push(", status_changed_at = ")
        .int(now)
        .push(", version = version + 1, updated_at = ")
        .int(now)
        .push(" WHERE workspace_id = ")
        .arg(grant.workspace().as_str());
    bulk::in_clause(&mut sql, "tickets", selection);
    let moved = sql.query().execute(&mut *tx).await?.rows_affected() as usize;
    let set = serde_json::json!({ "status": to.key() });
    bulk::log(&mut tx, clock, grant, &KIND, "status", selection, set).await?;
    tx.commit().await?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketStatus::*;

    #[test]
    fn the_flow_allows_its_steps_and_says_why_not_otherwise() {
        for (from, to) in [
            (Open, Pending),
            (Open, Resolved),
            (Pending, Open),
            (Resolved, Open),
            (Resolved, Closed),
        ] {
            assert_eq!(refusal(from, to), None, "{from:?} → {to:?}");
        }
        assert_eq!(
            refusal(Open, Closed).unwrap(),
            "An open ticket can't become closed."
        );
        assert_eq!(
            refusal(Pending, Pending).unwrap(),
            "This ticket is pending already."
        );
        assert!(refusal(Closed, Open).unwrap().contains("closed"));
    }
}
