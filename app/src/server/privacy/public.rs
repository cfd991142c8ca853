//! The public side of privacy requests: each workspace's form, at `/privacy/{slug}`, open to
//! anyone without signing in. A submission counts only once the requester follows the link
//! mailed to the address they gave, so nobody files a request in someone else's name. The gate
//! limits submissions per address and per email before they reach here; a flood of
//! submissions for one email within the link's life adds no rows and no mail.

use chrono::Days;
use sqlx::Row;

use crate::model::{PrivacyConfirmed, PublicPrivacyForm, WorkspaceId};
use crate::server::audit::append::{append, Actor, Event, Origin, Outcome};
use crate::server::identity::accounts::EmailAddress;
use crate::server::identity::email_tokens;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::{BlockField, LineField};
use crate::server::workspace::login_hours;

use super::requester_mail::Requester;
use super::requests::{reference, Kind};
use super::settings;

/// A confirmation link works for a day.
pub const CONFIRM_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// Unconfirmed requests one email may have waiting in one workspace: more are answered the
/// same way and dropped.
const WAITING_PER_EMAIL: i64 = 3;

const NAME: LineField = LineField {
    field: "name",
    subject: "Your name",
    empty_message: "Enter your name.",
    max_chars: 200,
};

const DETAILS: BlockField = BlockField {
    field: "details",
    empty_message: "Say what is wrong and what it should be.",
    max_chars: 4000,
};

/// A workspace as its public form names it, by slug. The fields are private: only
/// [`workspace`] makes one, after finding the workspace, so the public paths below cannot be
/// pointed at an id the caller made up.
#[derive(Debug)]
pub struct FormWorkspace {
    id: WorkspaceId,
    name: String,
    slug: String,
}

impl FormWorkspace {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn slug(&self) -> &str {
        &self.slug
    }

    pub(super) fn id(&self) -> &WorkspaceId {
        &self.id
    }
}

/// The workspace whose form lives at `/privacy/{slug}`; `NotFound` for any other slug.
pub async fn workspace(db: &Db, slug: &str) -> Result<FormWorkspace, DomainError> {
    let slug = slug.trim();
    if slug.is_empty() || slug.len() > 64 {
        return Err(DomainError::NotFound);
    }
    let row = sqlx::query("SELECT id, name, slug FROM workspaces WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    Ok(FormWorkspace {
        id: WorkspaceId::from_db(row.try_get("id")?),
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
    })
}

/// What the form shows above its fields.
pub async fn form(db: &Db, workspace: &FormWorkspace) -> Result<PublicPrivacyForm, DomainError> {
    let mut tx = db.begin_in(&workspace.id, false).await?;
    let due_days = settings::due_days(&mut tx, &workspace.id).await?;
    tx.commit().await?;
    Ok(PublicPrivacyForm {
        workspace_name: workspace.name.clone(),
        due_days,
    })
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub kind: String,
    pub name: String,
    pub email: String,
    pub details: String,
}

/// A submission that needs its link mailed: `None` from [`submit`] when the email already has
/// enough waiting.
#[derive(Debug)]
pub struct ToConfirm {
    pub requester: Requester,
    pub kind: Kind,
    pub token: String,
}

/// Checks the form (each bad field named, nothing saved) and files the request as
/// unconfirmed, with a fresh link token to mail. Recorded as `privacy.submit` by a visitor.
pub async fn submit(
    db: &Db,
    clock: &Clock,
    workspace: &FormWorkspace,
    form: &Submission,
    origin: &Origin,
) -> Result<Option<ToConfirm>, DomainError> {
    let kind = Kind::parse(&form.kind)?;
    let name = NAME.clean(&form.name)?;
    let email = EmailAddress::parse(&form.email)?;
    let details = if kind == Kind::Correction {
        DETAILS.clean(&form.details)?
    } else {
        DETAILS.clean_or_empty(&form.details)?
    };
    let now = clock.now_ms();
    let mut tx = db.begin_in(&workspace.id, true).await?;
    let waiting: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM privacy_requests WHERE workspace_id = $1 \
         AND status = 'unconfirmed' AND lower(requester_email) = $2 AND confirm_expires_at > $3",
    )
    .bind(workspace.id.as_str())
    .bind(email.key())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    if waiting >= WAITING_PER_EMAIL {
        // Released now rather than when the connection is next used: the lock is the
        // workspace's writers'.
        tx.rollback().await?;
        return Ok(None);
    }
    let id = uuid::Uuid::now_v7().to_string();
    let token = email_tokens::fresh();
    sqlx::query(
        "INSERT INTO privacy_requests (id, workspace_id, kind, requester_name, requester_email, \
         details, status, confirm_hash, confirm_expires_at, submitted_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'unconfirmed', $7, $8, $9, $9)",
    )
    .bind(&id)
    .bind(workspace.id.as_str())
    .bind(kind.key())
    .bind(&name)
    .bind(email.as_str())
    .bind(&details)
    .bind(email_tokens::hash(&token))
    .bind(now + CONFIRM_TTL_MS)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let event = Event {
        actor: Actor::Visitor,
        action: "privacy.submit",
        target: &id,
        outcome: Outcome::Done,
        reason: None,
        before: None,
        after: Some(serde_json::json!({ "kind": kind.key() }).to_string()),
        origin: Some(origin),
        count: 1,
        at_ms: now,
    };
    append(&mut tx, &workspace.id, event).await?;
    tx.commit().await?;
    Ok(Some(ToConfirm {
        requester: Requester {
            name,
            email: email.as_str().to_owned(),
        },
        kind,
        token,
    }))
}

/// A confirmed request, with whom to tell.
#[derive(Debug)]
pub struct Confirmed {
    pub shown: PrivacyConfirmed,
    pub requester: Requester,
    pub kind: Kind,
    pub step_id: String,
}

/// Follows a mailed link: the request counts from now — it gets its number and its due day
/// and appears in the register. An unknown, used or expired link gets one answer. Recorded as
/// `privacy.confirm` by a visitor.
pub async fn confirm(
    db: &Db,
    clock: &Clock,
    workspace: &FormWorkspace,
    token: &str,
    origin: &Origin,
) -> Result<Confirmed, DomainError> {
    let refused = || DomainError::invalid("token", "This link has expired or was already used.");
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(refused());
    }
    let now = clock.now_ms();
    let today = login_hours::today(db, clock, &workspace.id).await?;
    // A forged or stale link is refused from a read: only a real one takes the write lock.
    let mut read = db.begin_in(&workspace.id, false).await?;
    let row = sqlx::query(
        "SELECT id, kind, requester_name, requester_email FROM privacy_requests \
         WHERE workspace_id = $1 AND confirm_hash = $2 AND status = 'unconfirmed' \
           AND confirm_expires_at > $3",
    )
    .bind(workspace.id.as_str())
    .bind(email_tokens::hash(token))
    .bind(now)
    .fetch_optional(&mut *read)
    .await?
    .ok_or_else(refused)?;
    read.commit().await?;
    let mut tx = db.begin_in(&workspace.id, true).await?;
    let id: String = row.try_get("id")?;
    let kind = Kind::parse(&row.try_get::<String, _>("kind")?)?;
    let number: i64 = sqlx::query(
        "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM privacy_requests WHERE workspace_id = $1",
    )
    .bind(workspace.id.as_str())
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let days_to_answer = settings::due_days(&mut tx, &workspace.id).await?;
    let due_on = (today + Days::new(days_to_answer.unsigned_abs()))
        .format("%Y-%m-%d")
        .to_string();
    // The status condition makes the claim: of two clicks racing, one updates the row.
    let claimed = sqlx::query(
        "UPDATE privacy_requests SET status = 'received', confirm_hash = NULL, number = $1, \
         received_at = $2, due_on = $3, updated_at = $2 \
         WHERE id = $4 AND workspace_id = $5 AND status = 'unconfirmed'",
    )
    .bind(number)
    .bind(now)
    .bind(&due_on)
    .bind(&id)
    .bind(workspace.id.as_str())
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::Conflict(
                "Another request was confirmed at the same moment; try again.".into(),
            )
        })
    })?
    .rows_affected();
    if claimed != 1 {
        return Err(refused());
    }
    let step_id = super::handling::add_step(
        &mut tx,
        &workspace.id,
        &id,
        None,
        Some(super::requests::Status::Received),
        "Confirmed by the requester.",
        now,
    )
    .await?;
    let event = Event {
        actor: Actor::Visitor,
        action: "privacy.confirm",
        target: &id,
        outcome: Outcome::Done,
        reason: None,
        before: Some(serde_json::json!({ "status": "unconfirmed" }).to_string()),
        after: Some(
            serde_json::json!({ "status": "received", "number": number, "due_on": due_on })
                .to_string(),
        ),
        origin: Some(origin),
        count: 1,
        at_ms: now,
    };
    append(&mut tx, &workspace.id, event).await?;
    tx.commit().await?;
    Ok(Confirmed {
        shown: PrivacyConfirmed {
            reference: reference(number),
            due_on,
        },
        requester: Requester {
            name: row.try_get("requester_name")?,
            email: row.try_get("requester_email")?,
        },
        kind,
        step_id,
    })
}

/// Notes that the requester was mailed about a step.
pub async fn mailed(db: &Db, workspace: &FormWorkspace, step_id: &str) -> Result<(), DomainError> {
    let mut tx = db.begin_in(&workspace.id, true).await?;
    super::handling::mark_mailed(&mut tx, &workspace.id, step_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes requests whose link was never followed, once it has expired: they never counted.
/// Returns how many, across every workspace.
pub async fn purge_unconfirmed(db: &Db, clock: &Clock) -> Result<u64, DomainError> {
    let mut removed = 0;
    for workspace in crate::server::audit::chain::workspaces(db).await? {
        let mut tx = db.begin_in(&workspace, true).await?;
        removed += sqlx::query(
            "DELETE FROM privacy_requests WHERE workspace_id = $1 AND status = 'unconfirmed' \
             AND confirm_expires_at <= $2",
        )
        .bind(workspace.as_str())
        .bind(clock.now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
    }
    Ok(removed)
}

/// The slug of the workspace's public form, for the register to show its address.
pub async fn slug_of<K: crate::permissions::Key>(
    db: &Db,
    grant: &crate::server::access::grants::Grant<K>,
) -> Result<String, DomainError> {
    Ok(sqlx::query("SELECT slug FROM workspaces WHERE id = $1")
        .bind(grant.workspace().as_str())
        .fetch_one(db.pool())
        .await?
        .try_get("slug")?)
}
