//! A reviewer's decision on one assignment: keep or revoke. Nothing changes access until the
//! campaign closes, so a decision can be changed while the campaign is open. Nobody decides on
//! their own access, and only an Owner decides to take the Owner role away.

use sqlx::Row;

use crate::model::UserId;
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{self, Grant};
use crate::server::access::roles::BaseRole;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

use super::reviewers;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Keep,
    Revoke,
}

impl Decision {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim() {
            "keep" => Ok(Self::Keep),
            "revoke" => Ok(Self::Revoke),
            _ => Err(DomainError::invalid("decision", "Choose keep or revoke.")),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Keep => "keep",
            Self::Revoke => "revoke",
        }
    }
}

/// Records `decision` on `member`'s assignment of `role_id` in the open campaign `review`.
/// Needs `team.write`.
pub async fn decide(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    review: &str,
    member: &UserId,
    role_id: &str,
    decision: Decision,
) -> Result<(), DomainError> {
    if member == grant.user() {
        return Err(DomainError::Conflict(
            "Someone else reviews your own access.".into(),
        ));
    }
    let workspace = grant.workspace();
    let mut tx = grant.begin(db, true).await?;
    let status: String =
        sqlx::query("SELECT status FROM access_reviews WHERE workspace_id = $1 AND id = $2")
            .bind(workspace.as_str())
            .bind(review)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(DomainError::NotFound)?
            .try_get("status")?;
    if status != "open" {
        return Err(DomainError::Conflict(
            "This review is closed: its decisions are final.".into(),
        ));
    }
    let named = reviewers::named(&mut tx, workspace, review).await?;
    if !reviewers::may_decide(&named, grant.user()) {
        let names: Vec<&str> = named.iter().map(|(_, n)| n.as_str()).collect();
        return Err(DomainError::Conflict(format!(
            "Only this review's reviewers decide it: {}.",
            names.join(", ")
        )));
    }
    let item = sqlx::query(
        "SELECT i.decision, r.base_role FROM access_review_items i \
         LEFT JOIN roles r ON r.workspace_id = i.workspace_id AND r.id = i.role_id \
         WHERE i.workspace_id = $1 AND i.review_id = $2 AND i.user_id = $3 AND i.role_id = $4",
    )
    .bind(workspace.as_str())
    .bind(review)
    .bind(member.as_str())
    .bind(role_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    let owner_role =
        item.try_get::<Option<String>, _>("base_role")?.as_deref() == Some(BaseRole::Owner.key());
    if owner_role
        && decision == Decision::Revoke
        && !grants::is_owner(&mut tx, clock, workspace, grant.user()).await?
    {
        return Err(DomainError::Conflict(
            "Only an Owner can decide to take the Owner role away.".into(),
        ));
    }
    let before: Option<String> = item.try_get("decision")?;
    sqlx::query(
        "UPDATE access_review_items SET decision = $1, decided_by = $2, decided_at_ms = $3 \
         WHERE workspace_id = $4 AND review_id = $5 AND user_id = $6 AND role_id = $7",
    )
    .bind(decision.key())
    .bind(grant.user().as_str())
    .bind(clock.now_ms())
    .bind(workspace.as_str())
    .bind(review)
    .bind(member.as_str())
    .bind(role_id)
    .execute(&mut *tx)
    .await?;
    let state = |d: &str| serde_json::json!({ "user_id": member.as_str(), "role_id": role_id, "decision": d });
    let change = Change {
        action: "access_review.decide",
        target: review,
        before: before.as_deref().map(state),
        after: Some(state(decision.key())),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}
