//! A handler's steps on one request: moving it on, giving it to someone, matching it to the
//! customer it is about, and notes. Every step is written with its trail entry in one
//! transaction; the requester is mailed after the commit, and the step notes whether that
//! mail went. Holders of `privacy.process` act on the whole workspace: a privacy officer must
//! find a person's data wherever it is, whatever their own data scope.

use sqlx::Row;

use crate::model::{UserId, WorkspaceId};
use crate::permissions::{keys, Permission};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{held, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::BlockField;

use super::requester_mail::{self, Requester};
use super::requests::{reference, Kind, Status};

const NOTE: BlockField = BlockField {
    field: "note",
    empty_message: "Write the note.",
    max_chars: 4000,
};

/// A request as a step reads it, locked in by the step's transaction.
pub(super) struct Open {
    pub id: String,
    pub number: i64,
    pub kind: Kind,
    pub status: Status,
    pub requester: Requester,
    pub due_on: String,
    pub customer_id: Option<String>,
}

/// The request `id` of the grant's workspace; `NotFound` for one of another workspace or one
/// not yet confirmed.
pub(super) async fn load(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    id: &str,
) -> Result<Open, DomainError> {
    let row = sqlx::query(
        "SELECT id, number, kind, status, requester_name, requester_email, due_on, customer_id \
         FROM privacy_requests WHERE workspace_id = $1 AND id = $2 AND status <> 'unconfirmed'",
    )
    .bind(workspace.as_str())
    .bind(id.trim())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(Open {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        kind: Kind::parse(&row.try_get::<String, _>("kind")?)?,
        status: Status::parse(&row.try_get::<String, _>("status")?)?,
        requester: Requester {
            name: row.try_get("requester_name")?,
            email: row.try_get("requester_email")?,
        },
        due_on: row.try_get("due_on")?,
        customer_id: row.try_get("customer_id")?,
    })
}

/// Adds one step (a status reached, or a note when `status` is `None`) to a request's
/// timeline; returns its id.
pub(crate) async fn add_step(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    request: &str,
    author: Option<&UserId>,
    status: Option<Status>,
    body: &str,
    at_ms: i64,
) -> Result<String, DomainError> {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO privacy_request_steps (id, request_id, workspace_id, author_id, status, \
         body, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(request)
    .bind(workspace.as_str())
    .bind(author.map(UserId::as_str))
    .bind(status.map(Status::key))
    .bind(body)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub(crate) async fn mark_mailed(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    step: &str,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE privacy_request_steps SET mailed = 1 WHERE workspace_id = $1 AND id = $2")
        .bind(workspace.as_str())
        .bind(step)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A step the requester is to be told about, once its transaction has committed.
pub struct ToMail {
    pub step_id: String,
    pub requester: Requester,
    pub message: (String, String),
    /// A completed copy request's download link token, for the caller to mail as a link.
    pub archive_token: Option<String>,
}

crate::redacted_debug!(ToMail { step_id });

impl ToMail {
    pub(super) fn new(
        workspace_name: &str,
        open: &Open,
        status: Status,
        body: &str,
        step_id: String,
    ) -> Self {
        Self {
            step_id,
            requester: open.requester.clone(),
            message: requester_mail::step(
                workspace_name,
                &reference(open.number),
                open.kind,
                status,
                body,
                &open.due_on,
            ),
            archive_token: None,
        }
    }
}

/// Sends the mail of a committed step and notes that it went.
pub async fn tell<K: crate::permissions::Key>(
    db: &Db,
    mailer: &crate::server::platform::mail::Mailer,
    grant: &Grant<K>,
    mail: ToMail,
) -> Result<(), DomainError> {
    if requester_mail::send(mailer, &mail.requester, mail.message).await {
        let mut tx = grant.begin(db, true).await?;
        mark_mailed(&mut tx, grant.workspace(), &mail.step_id).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The workspace's name, for the requester's mail.
pub(super) async fn workspace_name(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<String, DomainError> {
    Ok(sqlx::query("SELECT name FROM workspaces WHERE id = $1")
        .bind(workspace.as_str())
        .fetch_one(&mut *conn)
        .await?
        .try_get("name")?)
}

/// Moves a request on to `status` with what the requester should read (`note`; required to
/// reject). Verifying a request about a customer needs the customer found first; requests the
/// server fulfils are completed by fulfilling them. Recorded as `privacy.status`.
pub async fn advance(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
    id: &str,
    status: &str,
    note: &str,
) -> Result<ToMail, DomainError> {
    let status = Status::parse(status)?;
    let note = NOTE.clean_or_empty(note)?;
    let mut tx = grant.begin(db, true).await?;
    let open = load(&mut tx, grant.workspace(), id).await?;
    if !open.status.next(open.kind).contains(&status) {
        return Err(DomainError::Conflict(format!(
            "A request that is “{}” cannot become “{}”.",
            crate::model::privacy_status_label(open.status.key()),
            crate::model::privacy_status_label(status.key())
        )));
    }
    if status == Status::Verified && open.kind.needs_customer() && open.customer_id.is_none() {
        return Err(DomainError::invalid(
            "status",
            "Find the customer this request is about before marking it verified.",
        ));
    }
    if status == Status::Rejected && note.is_empty() {
        return Err(DomainError::invalid(
            "note",
            "Say why the request is rejected: the requester is told.",
        ));
    }
    let now = clock.now_ms();
    let outcome = status.is_finished().then_some(note.as_str());
    let closed_at = status.is_finished().then_some(now);
    let moved = sqlx::query(
        "UPDATE privacy_requests SET status = $1, outcome = COALESCE($2, outcome), \
         closed_at = $3, updated_at = $4, version = version + 1 \
         WHERE workspace_id = $5 AND id = $6 AND status = $7",
    )
    .bind(status.key())
    .bind(outcome)
    .bind(closed_at)
    .bind(now)
    .bind(grant.workspace().as_str())
    .bind(&open.id)
    .bind(open.status.key())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(DomainError::Conflict(
            "Someone else moved this request on since you opened it.".into(),
        ));
    }
    let step = add_step(
        &mut tx,
        grant.workspace(),
        &open.id,
        Some(grant.user()),
        Some(status),
        &note,
        now,
    )
    .await?;
    let change = Change {
        action: "privacy.status",
        target: &open.id,
        before: Some(serde_json::json!({ "status": open.status.key() })),
        after: Some(serde_json::json!({ "status": status.key() })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    let name = workspace_name(&mut tx, grant.workspace()).await?;
    tx.commit().await?;
    Ok(ToMail::new(&name, &open, status, &note, step))
}

/// Gives the request to `assignee` (a member holding `privacy.process`), or to nobody.
/// Recorded as `privacy.assign`.
pub async fn assign(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
    id: &str,
    assignee: Option<&UserId>,
) -> Result<(), DomainError> {
    if let Some(user) = assignee {
        let handles = held(db, clock, user, grant.workspace())
            .await?
            .access()
            .permissions
            .contains(Permission::PrivacyProcess);
        if !handles {
            return Err(DomainError::invalid(
                "assignee_id",
                "Choose a member who may handle privacy requests.",
            ));
        }
    }
    let mut tx = grant.begin(db, true).await?;
    let open = load(&mut tx, grant.workspace(), id).await?;
    let before: Option<String> =
        sqlx::query("SELECT assignee_id FROM privacy_requests WHERE workspace_id = $1 AND id = $2")
            .bind(grant.workspace().as_str())
            .bind(&open.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("assignee_id")?;
    sqlx::query(
        "UPDATE privacy_requests SET assignee_id = $1, updated_at = $2, version = version + 1 \
         WHERE workspace_id = $3 AND id = $4",
    )
    .bind(assignee.map(UserId::as_str))
    .bind(clock.now_ms())
    .bind(grant.workspace().as_str())
    .bind(&open.id)
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "privacy.assign",
        target: &open.id,
        before: Some(serde_json::json!({ "assignee": before })),
        after: Some(serde_json::json!({ "assignee": assignee.map(UserId::as_str) })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Records which customer the request is about (or none), while it is not yet verified: what
/// is verified, archived or erased must not change under the handler. Recorded as
/// `privacy.link`.
pub async fn link(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
    id: &str,
    customer: Option<&str>,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let open = load(&mut tx, grant.workspace(), id).await?;
    if open.status != Status::Received {
        return Err(DomainError::Conflict(
            "The customer can be changed only before the request is verified.".into(),
        ));
    }
    if let Some(customer) = customer {
        let found = sqlx::query(
            "SELECT 1 AS found FROM customers WHERE workspace_id = $1 AND id = $2 \
             AND erased_at IS NULL",
        )
        .bind(grant.workspace().as_str())
        .bind(customer)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(DomainError::invalid(
                "customer_id",
                "Choose a customer of this workspace.",
            ));
        }
    }
    sqlx::query(
        "UPDATE privacy_requests SET customer_id = $1, updated_at = $2, version = version + 1 \
         WHERE workspace_id = $3 AND id = $4",
    )
    .bind(customer)
    .bind(clock.now_ms())
    .bind(grant.workspace().as_str())
    .bind(&open.id)
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "privacy.link",
        target: &open.id,
        before: Some(serde_json::json!({ "customer": open.customer_id })),
        after: Some(serde_json::json!({ "customer": customer })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an internal note (never mailed). Recorded as `privacy.note`, without its text.
pub async fn note(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
    id: &str,
    body: &str,
) -> Result<(), DomainError> {
    let body = NOTE.clean(body)?;
    let mut tx = grant.begin(db, true).await?;
    let open = load(&mut tx, grant.workspace(), id).await?;
    let now = clock.now_ms();
    let step = add_step(
        &mut tx,
        grant.workspace(),
        &open.id,
        Some(grant.user()),
        None,
        &body,
        now,
    )
    .await?;
    let change = Change {
        action: "privacy.note",
        target: &open.id,
        before: None,
        after: Some(serde_json::json!({ "step": step, "characters": body.chars().count() })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}
