//! A ticket's thread: public replies and internal notes, oldest first. Adding a message needs
//! `tickets.write` and a ticket within reach that is not closed; it is an append, so two people
//! answering at once both land (no version is named), and it is in the ticket's history.

use sqlx::Row;

use crate::model::{MessageKind, TicketId, TicketMessage, TicketStatus};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::BlockField;
use crate::server::records::history;

use super::{detail, find, KIND};

const BODY_MAX_CHARS: usize = 10_000;

/// A message body: trimmed, not empty, without control characters but line breaks and tabs.
pub(super) fn clean_body(raw: &str, field: &'static str) -> Result<String, DomainError> {
    BlockField {
        field,
        empty_message: "Write the message.",
        max_chars: BODY_MAX_CHARS,
    }
    .clean(raw)
}

/// The thread of ticket `id` (already found within reach), oldest first.
pub(super) async fn messages<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &TicketId,
) -> Result<Vec<TicketMessage>, DomainError> {
    let rows = sqlx::query(
        "SELECT m.kind, m.body, m.created_at, u.display_name AS author FROM ticket_messages m \
         LEFT JOIN users u ON u.id = m.author_id \
         WHERE m.workspace_id = $1 AND m.ticket_id = $2 ORDER BY m.created_at, m.id",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(TicketMessage {
                kind: MessageKind::from_key(&kind)
                    .ok_or_else(|| DomainError::Internal(format!("message kind {kind:?}")))?,
                body: row.try_get("body")?,
                author: row.try_get("author")?,
                at_ms: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Appends a message in the transaction `conn`.
pub(super) async fn insert(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    kind: MessageKind,
    body: &str,
    now_ms: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO ticket_messages (id, workspace_id, ticket_id, kind, body, author_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .bind(kind.key())
    .bind(body)
    .bind(grant.user().as_str())
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds a public reply or an internal note to a ticket within reach (else `NotFound`) that is
/// not closed (else `Conflict`).
pub async fn add_message(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    kind: MessageKind,
    body: &str,
) -> Result<crate::model::TicketDetail, DomainError> {
    let body = clean_body(body, "body")?;
    let mut tx = grant.begin(db, true).await?;
    let ticket = find(&mut tx, grant, id).await?;
    crate::server::records::version::refuse_if_customer_restricted(
        &mut tx,
        &super::KIND,
        grant.workspace(),
        id.as_str(),
    )
    .await?;
    if ticket.status == TicketStatus::Closed {
        return Err(DomainError::Conflict(
            "This ticket is closed: open a new ticket to continue the conversation.".into(),
        ));
    }
    let now = clock.now_ms();
    insert(&mut tx, grant, id, kind, &body, now).await?;
    sqlx::query("UPDATE tickets SET updated_at = $1 WHERE workspace_id = $2 AND id = $3")
        .bind(now)
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let event = history::Event {
        action: match kind {
            MessageKind::Reply => "replied",
            MessageKind::Note => "noted",
        },
        id: id.as_str(),
        before: None,
        after: None,
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    let found = detail(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_its_lines_and_refuses_control_characters() {
        assert_eq!(
            clean_body("  Hello\r\nthere\t! ", "body").unwrap(),
            "Hello\nthere\t!"
        );
        for bad in ["", "   \n ", "a\u{0}b", "a\u{1b}[31m"] {
            assert!(
                matches!(
                    clean_body(bad, "body"),
                    Err(DomainError::Invalid { field: "body", .. })
                ),
                "{bad:?}"
            );
        }
        assert!(clean_body(&"x".repeat(BODY_MAX_CHARS + 1), "body").is_err());
    }
}
