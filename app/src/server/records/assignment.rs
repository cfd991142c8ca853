//! Who a record is assigned to: the person and team a form names, looked up in the caller's
//! workspace, and refused when the record would land outside the caller's own reach (a write
//! never puts a record where its writer could no longer see it).

use sqlx::Row;

use super::kind::RecordKind;
use super::scope;
use crate::model::{TeamId, UserId};
use crate::permissions::{Key, Scope};
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;

/// An assignee and team, checked.
pub struct Assignment {
    pub assigned: UserId,
    pub team: Option<TeamId>,
}

/// Resolves the form's `assigned_user_id` (empty: the caller) and `team_id` (empty: none) for
/// a record of `kind`.
pub async fn resolve<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    kind: &RecordKind,
    assigned_user_id: &str,
    team_id: &str,
) -> Result<Assignment, DomainError> {
    let assigned = match assigned_user_id.trim() {
        "" => grant.user().clone(),
        id => {
            let row = sqlx::query(
                "SELECT user_id FROM memberships \
                 WHERE workspace_id = $1 AND user_id = $2 AND deactivated_at IS NULL",
            )
            .bind(grant.workspace().as_str())
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| {
                DomainError::invalid(
                    "assigned_user_id",
                    "Choose an active member of this workspace.",
                )
            })?;
            UserId::from_db(row.try_get("user_id")?)
        }
    };
    let team = match team_id.trim() {
        "" => None,
        id => {
            let row = sqlx::query("SELECT id FROM teams WHERE workspace_id = $1 AND id = $2")
                .bind(grant.workspace().as_str())
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| {
                    DomainError::invalid("team_id", "Choose a team of this workspace.")
                })?;
            Some(TeamId::from_db(row.try_get("id")?))
        }
    };
    if !scope::within_scope(conn, grant, &assigned, team.as_ref()).await? {
        let noun = kind.noun;
        return Err(DomainError::invalid(
            "assigned_user_id",
            match grant.scope() {
                Scope::Assigned => format!(
                    "Your role reaches only {noun}s assigned to you: assign it to yourself."
                ),
                _ => format!(
                    "Your role does not reach {noun}s assigned like this: choose yourself, or a \
                     team or colleague within your reach."
                ),
            },
        ));
    }
    Ok(Assignment { assigned, team })
}
