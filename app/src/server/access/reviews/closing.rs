//! Closing a campaign: in one transaction every "revoke" decision is applied (each one a
//! `role.unassign` in the trail, like a revocation on the team page), every assignment gets
//! its outcome, and the campaign's report is what those outcomes say. A revocation the
//! guardrails forbid — the last Owner's role, the Owner role by someone not an Owner — is not
//! applied and the report says why. Undecided assignments are kept and reported as not
//! reviewed.

use sqlx::Row;

use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{self, Grant};
use crate::server::access::roles::BaseRole;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// What became of one assignment, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    NotReviewed,
    Revoked,
    AlreadyRemoved,
    LastOwner,
    OwnerOnly,
}

impl Outcome {
    pub const ALL: [Self; 6] = [
        Self::Kept,
        Self::NotReviewed,
        Self::Revoked,
        Self::AlreadyRemoved,
        Self::LastOwner,
        Self::OwnerOnly,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::NotReviewed => "not_reviewed",
            Self::Revoked => "revoked",
            Self::AlreadyRemoved => "already_removed",
            Self::LastOwner => "last_owner",
            Self::OwnerOnly => "owner_only",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Self::Kept => "Kept",
            Self::NotReviewed => "Not reviewed: kept",
            Self::Revoked => "Revoked",
            Self::AlreadyRemoved => "Already removed before the review closed",
            Self::LastOwner => "Not revoked: the last Owner keeps the Owner role",
            Self::OwnerOnly => "Not revoked: only an Owner can take the Owner role away",
        }
    }
}

/// The words for a stored outcome.
pub fn outcome_words(key: &str) -> &'static str {
    Outcome::ALL
        .into_iter()
        .find(|o| o.key() == key)
        .map_or("Unknown", Outcome::words)
}

/// How many assignments ended each way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub kept: u32,
    pub not_reviewed: u32,
    pub revoked: u32,
    pub not_applied: u32,
}

/// Closes the open campaign `review`, applying its revocations. Needs `team.write`.
pub async fn close(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    review: &str,
) -> Result<Tally, DomainError> {
    let workspace = grant.workspace();
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    let found =
        sqlx::query("SELECT number FROM access_reviews WHERE workspace_id = $1 AND id = $2")
            .bind(workspace.as_str())
            .bind(review)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(DomainError::NotFound)?;
    let number: i64 = found.try_get("number")?;
    // Taking the campaign from open to closed is what serialises two closers: the second
    // changes no row and is told so.
    let taken = sqlx::query(
        "UPDATE access_reviews SET status = 'closed', closed_by = $1, closed_at_ms = $2 \
         WHERE workspace_id = $3 AND id = $4 AND status = 'open'",
    )
    .bind(grant.user().as_str())
    .bind(now)
    .bind(workspace.as_str())
    .bind(review)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if taken != 1 {
        return Err(DomainError::Conflict(
            "This review is already closed.".into(),
        ));
    }
    let closer_is_owner = grants::is_owner(&mut tx, clock, workspace, grant.user()).await?;
    let items = sqlx::query(
        "SELECT i.user_id, i.role_id, i.decision, r.base_role, a.expires_at, \
         a.role_id AS still_held FROM access_review_items i \
         LEFT JOIN roles r ON r.workspace_id = i.workspace_id AND r.id = i.role_id \
         LEFT JOIN role_assignments a ON a.workspace_id = i.workspace_id \
           AND a.user_id = i.user_id AND a.role_id = i.role_id \
         WHERE i.workspace_id = $1 AND i.review_id = $2 ORDER BY i.user_id, i.role_id",
    )
    .bind(workspace.as_str())
    .bind(review)
    .fetch_all(&mut *tx)
    .await?;
    let mut tally = Tally::default();
    for item in items {
        let user: String = item.try_get("user_id")?;
        let role: String = item.try_get("role_id")?;
        let outcome = match item.try_get::<Option<String>, _>("decision")?.as_deref() {
            None => Outcome::NotReviewed,
            Some("keep") => Outcome::Kept,
            Some(_) => {
                let held = item.try_get::<Option<String>, _>("still_held")?.is_some();
                let owner_role = item.try_get::<Option<String>, _>("base_role")?.as_deref()
                    == Some(BaseRole::Owner.key());
                if !held {
                    Outcome::AlreadyRemoved
                } else if owner_role && !closer_is_owner {
                    Outcome::OwnerOnly
                } else if owner_role
                    && grants::active_owner_count(&mut tx, clock, workspace).await? <= 1
                {
                    Outcome::LastOwner
                } else {
                    revoke(
                        &mut tx,
                        clock,
                        grant,
                        &user,
                        &role,
                        item.try_get("expires_at")?,
                    )
                    .await?;
                    Outcome::Revoked
                }
            }
        };
        match outcome {
            Outcome::Kept => tally.kept += 1,
            Outcome::NotReviewed => tally.not_reviewed += 1,
            Outcome::Revoked => tally.revoked += 1,
            _ => tally.not_applied += 1,
        }
        sqlx::query(
            "UPDATE access_review_items SET outcome = $1 \
             WHERE workspace_id = $2 AND review_id = $3 AND user_id = $4 AND role_id = $5",
        )
        .bind(outcome.key())
        .bind(workspace.as_str())
        .bind(review)
        .bind(&user)
        .bind(&role)
        .execute(&mut *tx)
        .await?;
    }
    let change = Change {
        action: "access_review.close",
        target: review,
        before: None,
        after: Some(serde_json::json!({
            "number": number,
            "kept": tally.kept,
            "not_reviewed": tally.not_reviewed,
            "revoked": tally.revoked,
            "not_applied": tally.not_applied,
        })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(tally)
}

async fn revoke(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    user: &str,
    role: &str,
    expires_at: Option<i64>,
) -> Result<(), DomainError> {
    sqlx::query(
        "DELETE FROM role_assignments WHERE workspace_id = $1 AND user_id = $2 AND role_id = $3",
    )
    .bind(grant.workspace().as_str())
    .bind(user)
    .bind(role)
    .execute(&mut *conn)
    .await?;
    let change = Change {
        action: "role.unassign",
        target: user,
        before: Some(serde_json::json!({ "role_id": role, "expires_at": expires_at })),
        after: None,
    };
    audit::record(conn, clock, grant.acting(), change).await?;
    Ok(())
}
