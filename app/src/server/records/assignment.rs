//! Who a record is assigned to: the person and team a form names, looked up in the caller's
//! workspace, and refused when the record would land outside the caller's own reach (a write
//! never puts a record where its writer could no longer see it). Most kinds always have an
//! assignee (empty means the writer); a ticket may wait unassigned in its team's queue.

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

/// A maybe-empty assignee and team, checked.
pub struct Queue {
    pub assigned: Option<UserId>,
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
        id => member(conn, grant, id).await?,
    };
    let team = team(conn, grant, team_id).await?;
    check_reach(conn, grant, kind, Some(&assigned), team.as_ref()).await?;
    Ok(Assignment { assigned, team })
}

/// Resolves the form's `assigned_user_id` (empty: nobody) and `team_id` (empty: none) for a
/// record of `kind` that may wait unassigned.
pub async fn resolve_queue<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    kind: &RecordKind,
    assigned_user_id: &str,
    team_id: &str,
) -> Result<Queue, DomainError> {
    let assigned = match assigned_user_id.trim() {
        "" => None,
        id => Some(member(conn, grant, id).await?),
    };
    let team = team(conn, grant, team_id).await?;
    check_reach(conn, grant, kind, assigned.as_ref(), team.as_ref()).await?;
    Ok(Queue { assigned, team })
}

async fn member<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &str,
) -> Result<UserId, DomainError> {
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
    Ok(UserId::from_db(row.try_get("user_id")?))
}

async fn team<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    team_id: &str,
) -> Result<Option<TeamId>, DomainError> {
    match team_id.trim() {
        "" => Ok(None),
        id => {
            let row = sqlx::query("SELECT id FROM teams WHERE workspace_id = $1 AND id = $2")
                .bind(grant.workspace().as_str())
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| {
                    DomainError::invalid("team_id", "Choose a team of this workspace.")
                })?;
            Ok(Some(TeamId::from_db(row.try_get("id")?)))
        }
    }
}

async fn check_reach<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    kind: &RecordKind,
    assigned: Option<&UserId>,
    team: Option<&TeamId>,
) -> Result<(), DomainError> {
    if scope::within_scope(conn, grant, assigned, team).await? {
        return Ok(());
    }
    let noun = kind.noun;
    Err(DomainError::invalid(
        "assigned_user_id",
        match grant.scope() {
            Scope::Assigned => {
                format!("Your role reaches only {noun}s assigned to you: assign it to yourself.")
            }
            _ => format!(
                "Your role does not reach {noun}s assigned like this: choose yourself, or a \
                 team or colleague within your reach."
            ),
        },
    ))
}
