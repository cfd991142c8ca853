//! The requester's own copy: completing an access or portability request mails them a link to
//! download the archive themselves for seven days, at `/privacy/{slug}/archive?token=…`. The
//! token is the credential (the database keeps its SHA-256); the archive is gathered afresh at
//! each download, and each download is a step on the request and `privacy.archive_download`
//! in the trail, by a visitor.

use sqlx::Row;

use crate::model::WorkspaceId;
use crate::server::audit::append::{append, Actor, Event, Origin, Outcome};
use crate::server::files::storage::Storage;
use crate::server::identity::email_tokens;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

use super::archive::{assemble, Archive};
use super::handling::add_step;
use super::public::FormWorkspace;

/// How long the requester's link works.
pub const LINK_DAYS: i64 = 7;

/// Gives a completed copy request its download link, inside the completion's transaction;
/// returns the token to mail.
pub(super) async fn issue(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    request: &str,
    now: i64,
) -> Result<String, DomainError> {
    let token = email_tokens::fresh();
    sqlx::query(
        "UPDATE privacy_requests SET archive_hash = $1, archive_expires_at = $2 \
         WHERE workspace_id = $3 AND id = $4",
    )
    .bind(email_tokens::hash(&token))
    .bind(now + LINK_DAYS * DAY_MS)
    .bind(workspace.as_str())
    .bind(request)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// The archive a mailed link names, while it works; an unknown or expired link gets one
/// answer, and so does a request whose customer has since been erased.
pub async fn download(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    workspace: &FormWorkspace,
    token: &str,
    origin: &Origin,
) -> Result<Archive, DomainError> {
    let refused = || DomainError::invalid("token", "This link has expired or does not work.");
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(refused());
    }
    let id = workspace.id();
    let now = clock.now_ms();
    let mut tx = db.begin_in(id, false).await?;
    let row = sqlx::query(
        "SELECT r.id, r.number, r.customer_id FROM privacy_requests r \
         JOIN customers c ON c.workspace_id = r.workspace_id AND c.id = r.customer_id \
         WHERE r.workspace_id = $1 AND r.archive_hash = $2 AND r.archive_expires_at > $3 \
           AND r.status = 'completed' AND c.erased_at IS NULL",
    )
    .bind(id.as_str())
    .bind(email_tokens::hash(token))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(refused)?;
    tx.commit().await?;
    let request: String = row.try_get("id")?;
    let customer: String = row.try_get("customer_id")?;
    let archive = assemble(db, clock, storage, id, row.try_get("number")?, &customer).await?;
    let mut tx = db.begin_in(id, true).await?;
    let body = format!(
        "Archive downloaded by the requester: {} bytes, SHA-256 {}.",
        archive.bytes.len(),
        archive.sha256
    );
    add_step(&mut tx, id, &request, None, None, &body, now).await?;
    let event = Event {
        actor: Actor::Visitor,
        action: "privacy.archive_download",
        target: &request,
        outcome: Outcome::Done,
        reason: None,
        before: None,
        after: Some(archive.described(&customer, &request).to_string()),
        origin: Some(origin),
        count: 1,
        at_ms: now,
    };
    append(&mut tx, id, event).await?;
    tx.commit().await?;
    Ok(archive)
}
