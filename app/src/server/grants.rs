//! Authorization checks. A [`Grant`] is the proof that a check passed: its fields are private
//! and the only constructor is [`require`], so a domain function that takes a `Grant` cannot
//! be reached without the check, and it takes the workspace from the grant rather than from
//! anything the client sent.

use std::collections::BTreeSet;

use sqlx::Row;

use super::clock::Clock;
use super::db::Db;
use super::error::DomainError;
use super::roles::BaseRole;
use crate::model::{UserId, WorkspaceId};
use crate::permissions::Permission;

/// Proof that `user` holds `permission` in `workspace`, as of the check.
#[must_use = "a grant is the proof of a check; pass it to the domain function it authorises"]
#[derive(Debug)]
pub struct Grant {
    user: UserId,
    workspace: WorkspaceId,
    permission: Permission,
}

impl Grant {
    pub fn user(&self) -> &UserId {
        &self.user
    }

    pub fn workspace(&self) -> &WorkspaceId {
        &self.workspace
    }

    pub fn permission(&self) -> Permission {
        self.permission
    }

    /// This grant, if it is for `permission`: a domain function states the permission it needs,
    /// so a read grant cannot be handed to a write.
    pub fn of(&self, permission: Permission) -> Result<&Self, DomainError> {
        if self.permission == permission {
            Ok(self)
        } else {
            Err(DomainError::Internal(format!(
                "a {} grant was passed where {} is needed",
                self.permission.key(),
                permission.key()
            )))
        }
    }
}

/// Whether `user` holds the Owner role in `workspace` (unexpired, active membership).
pub async fn is_owner(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<bool, DomainError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM role_assignments a \
         JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.role_id \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         WHERE a.workspace_id = $1 AND a.user_id = $2 AND r.base_role = 'owner' \
           AND m.deactivated_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > $3)",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(clock.now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// How many active members hold the Owner role in `workspace`.
pub async fn active_owner_count(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    workspace: &WorkspaceId,
) -> Result<i64, DomainError> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT a.user_id) AS n FROM role_assignments a \
         JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.role_id \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         WHERE a.workspace_id = $1 AND r.base_role = 'owner' AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $2)",
    )
    .bind(workspace.as_str())
    .bind(clock.now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("n")?)
}

/// What each base role holds until roles carry stored permissions (the authorization work
/// replaces this table with the role editor's data).
fn base_role_permissions(role: BaseRole) -> &'static [Permission] {
    use Permission::*;
    match role {
        BaseRole::Owner => Permission::ALL,
        BaseRole::Manager => &[
            TeamRead,
            TeamWrite,
            RolesRead,
            RolesWrite,
            SettingsWrite,
            AuditRead,
        ],
        BaseRole::Staff => &[TeamRead],
        BaseRole::Guest => &[],
    }
}

/// Everything `user` may do in `workspace` now: the union over their unexpired role
/// assignments, and nothing at all without an active membership.
pub async fn effective(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<BTreeSet<Permission>, DomainError> {
    let rows = sqlx::query(
        "SELECT r.base_role FROM role_assignments a \
         JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.role_id \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         WHERE a.workspace_id = $1 AND a.user_id = $2 AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $3)",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    let mut held = BTreeSet::new();
    for row in rows {
        let base: Option<String> = row.try_get("base_role")?;
        if let Some(role) = base.as_deref().and_then(BaseRole::from_key) {
            held.extend(base_role_permissions(role).iter().copied());
        }
    }
    Ok(held)
}

/// Checks that `user` holds `permission` in `workspace`. A refusal is logged as a security
/// event and answers `Forbidden`.
pub async fn require(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
    permission: Permission,
) -> Result<Grant, DomainError> {
    if effective(db, clock, user, workspace)
        .await?
        .contains(&permission)
    {
        return Ok(Grant {
            user: user.clone(),
            workspace: workspace.clone(),
            permission,
        });
    }
    tracing::warn!(
        target: "security",
        event = "permission_denied",
        user = %user,
        workspace = %workspace,
        permission = permission.key(),
        "permission denied"
    );
    Err(DomainError::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_hold_everything_and_guests_nothing_administrative() {
        assert_eq!(base_role_permissions(BaseRole::Owner), Permission::ALL);
        assert!(base_role_permissions(BaseRole::Guest).is_empty());
        assert!(!base_role_permissions(BaseRole::Manager).contains(&Permission::BillingManage));
        assert!(!base_role_permissions(BaseRole::Staff).contains(&Permission::TeamWrite));
    }
}
