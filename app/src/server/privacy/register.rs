//! The register of privacy requests: every confirmed request with its status, assignee and
//! due day (overdue ones flagged), and one request with its timeline and what may come next.
//! Read with `privacy.read`.

use sqlx::Row;

use crate::model::{
    PrivacyHandler, PrivacyMatch, PrivacyRequestDetail, PrivacyRequestSummary, PrivacyStep,
};
use crate::permissions::{keys, Key, Permission};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::{login_hours, recipients};

use super::requests::{reference, Kind, Status};

/// The register shows this many requests: open ones first, by due day, then the newest
/// finished ones.
const SHOWN: i64 = 200;

const SUMMARY: &str = "SELECT r.id, r.number, r.kind, r.requester_name, r.requester_email, \
     r.status, r.received_at, r.due_on, u.display_name AS assignee \
     FROM privacy_requests r LEFT JOIN users u ON u.id = r.assignee_id \
     WHERE r.workspace_id = $1 AND r.status <> 'unconfirmed'";

fn summary(row: &sqlx::any::AnyRow, today: &str) -> Result<PrivacyRequestSummary, DomainError> {
    let status: String = row.try_get("status")?;
    let due_on: String = row.try_get("due_on")?;
    let finished = Status::parse(&status)?.is_finished();
    Ok(PrivacyRequestSummary {
        id: row.try_get("id")?,
        reference: reference(row.try_get("number")?),
        kind: row.try_get("kind")?,
        requester_name: row.try_get("requester_name")?,
        requester_email: row.try_get("requester_email")?,
        overdue: !finished && due_on.as_str() < today,
        status,
        received_at_ms: row.try_get("received_at")?,
        due_on,
        assignee: row.try_get("assignee")?,
    })
}

/// The register's requests.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyRead>,
) -> Result<Vec<PrivacyRequestSummary>, DomainError> {
    let today = login_hours::today(db, clock, grant.workspace())
        .await?
        .format("%Y-%m-%d")
        .to_string();
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(&format!(
        "{SUMMARY} ORDER BY CASE WHEN r.status IN ('completed', 'rejected') THEN 1 ELSE 0 END, \
         CASE WHEN r.status IN ('completed', 'rejected') THEN -r.received_at ELSE 0 END, \
         r.due_on, r.number LIMIT {SHOWN}"
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter().map(|row| summary(row, &today)).collect()
}

/// One request; `NotFound` for one of another workspace or not yet confirmed.
pub async fn detail<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    id: &str,
) -> Result<PrivacyRequestDetail, DomainError> {
    let today = login_hours::today(db, clock, grant.workspace())
        .await?
        .format("%Y-%m-%d")
        .to_string();
    let workspace = grant.workspace().as_str();
    let mut tx = grant.begin(db, false).await?;
    let row = sqlx::query(&format!("{SUMMARY} AND r.id = $2"))
        .bind(workspace)
        .bind(id.trim())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DomainError::NotFound)?;
    let shown = summary(&row, &today)?;
    let more = sqlx::query(
        "SELECT r.details, r.assignee_id, r.customer_id, r.outcome, c.name AS customer_name, \
         c.erased_at, c.restricted_at FROM privacy_requests r \
         LEFT JOIN customers c ON c.workspace_id = r.workspace_id AND c.id = r.customer_id \
         WHERE r.workspace_id = $1 AND r.id = $2",
    )
    .bind(workspace)
    .bind(&shown.id)
    .fetch_one(&mut *tx)
    .await?;
    let customer = match (
        more.try_get::<Option<String>, _>("customer_id")?,
        more.try_get::<Option<String>, _>("customer_name")?,
    ) {
        (Some(id), Some(name)) => Some(PrivacyMatch {
            id,
            name,
            why: "chosen by a handler".into(),
        }),
        _ => None,
    };
    let customer_state = if more.try_get::<Option<i64>, _>("erased_at")?.is_some() {
        Some("Erased".to_owned())
    } else if more.try_get::<Option<i64>, _>("restricted_at")?.is_some() {
        Some("Restricted: read-only".to_owned())
    } else {
        None
    };
    let steps = sqlx::query(
        "SELECT s.at_ms, s.status, s.body, s.mailed, u.display_name AS author \
         FROM privacy_request_steps s LEFT JOIN users u ON u.id = s.author_id \
         WHERE s.workspace_id = $1 AND s.request_id = $2 ORDER BY s.at_ms, s.id",
    )
    .bind(workspace)
    .bind(&shown.id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|s| {
        Ok(PrivacyStep {
            at_ms: s.try_get("at_ms")?,
            author: s.try_get("author")?,
            status: s.try_get("status")?,
            body: s.try_get("body")?,
            mailed: s.try_get::<i64, _>("mailed")? == 1,
        })
    })
    .collect::<Result<Vec<_>, DomainError>>()?;
    let matches = matches(
        &mut tx,
        grant,
        &shown.requester_email,
        &shown.requester_name,
    )
    .await?;
    tx.commit().await?;
    let kind = Kind::parse(&shown.kind)?;
    let status = Status::parse(&shown.status)?;
    let fulfil = (status == Status::InProgress && kind.fulfilled_by_server())
        .then(|| fulfil_words(kind).to_owned());
    Ok(PrivacyRequestDetail {
        details: more.try_get("details")?,
        assignee_id: more.try_get("assignee_id")?,
        customer,
        customer_state,
        outcome: more.try_get("outcome")?,
        steps,
        matches,
        handlers: recipients::holders(db, clock, grant.workspace(), Permission::PrivacyProcess)
            .await?
            .into_iter()
            .map(|h| PrivacyHandler {
                user_id: h.user.as_str().to_owned(),
                name: h.name,
            })
            .collect(),
        next: status
            .next(kind)
            .into_iter()
            .map(|s| s.key().to_owned())
            .collect(),
        fulfil,
        editable: false,
        summary: shown,
    })
}

/// What fulfilling a request of `kind` does, in words for the button's confirmation.
pub fn fulfil_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Access | Kind::Portability => {
            "Complete the request: the requester is mailed a link to download the same archive \
             themselves, for 7 days."
        }
        Kind::Deletion => {
            "Erase the customer: their details, contacts, addresses, tags, notes, ticket \
             messages and every file go; orders and payments stay, without them. This cannot \
             be undone."
        }
        Kind::Restriction => {
            "Restrict the customer: their records can still be read but no longer changed."
        }
        Kind::Closure => {
            "Schedule the workspace's deletion in 30 days. Until then its Owner can export what \
             they need and cancel; then every record, file and trail entry of the workspace is \
             deleted."
        }
        Kind::Correction => "",
    }
}

/// Customers whose address, a contact's address, or name is the requester's.
async fn matches<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    email: &str,
    name: &str,
) -> Result<Vec<PrivacyMatch>, DomainError> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, 'the customer''s address' AS why FROM customers c \
         WHERE c.workspace_id = $1 AND c.erased_at IS NULL AND lower(c.email) = $2 \
         UNION SELECT c.id, c.name, 'contact ' || p.name AS why FROM customer_contacts p \
         JOIN customers c ON c.workspace_id = p.workspace_id AND c.id = p.customer_id \
         WHERE p.workspace_id = $1 AND c.erased_at IS NULL AND lower(p.email) = $2 \
         UNION SELECT c.id, c.name, 'the customer''s name' AS why FROM customers c \
         WHERE c.workspace_id = $1 AND c.erased_at IS NULL AND c.name_key = $3 \
         ORDER BY 2, 1 LIMIT 20",
    )
    .bind(grant.workspace().as_str())
    .bind(email.trim().to_lowercase())
    .bind(name.trim().to_lowercase())
    .fetch_all(&mut *conn)
    .await?;
    let mut found = rows
        .iter()
        .map(|r| {
            Ok(PrivacyMatch {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                why: r.try_get("why")?,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    // One row per customer, however many ways it matched: its reasons joined.
    found.dedup_by(|next, kept| {
        let same = next.id == kept.id;
        if same {
            kept.why = format!("{}, {}", kept.why, next.why);
        }
        same
    });
    Ok(found)
}
