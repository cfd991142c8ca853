//! Reading roles for a check: which roles a person holds, and what those roles and their
//! ancestors contain. A fixed number of statements however many roles or how deep the chain,
//! because every signed-in request runs them.

use std::collections::HashMap;

use sqlx::Row;

use crate::model::{UserId, WorkspaceId};
use crate::permissions::{Permission, PermissionSet, Resource, Scope};
use crate::server::access::base_roles::BaseRole;
use crate::server::access::combined::{Restrictions, RoleContents, MAX_PARENT_DEPTH};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The roles `user` holds in `workspace` now: unexpired assignments through an active
/// membership.
pub async fn held_role_ids(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<Vec<String>, DomainError> {
    let rows = sqlx::query(
        "SELECT a.role_id FROM role_assignments a \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         WHERE a.workspace_id = $1 AND a.user_id = $2 AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $3)",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("role_id"))
        .collect::<Result<_, _>>()?)
}

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The roles `held` (ids, `$2…`) and their ancestors in workspace `$1`, as a CTE named `chain`.
fn chain(held: usize) -> String {
    format!(
        "WITH RECURSIVE chain(id, depth) AS ( \
           SELECT id, 0 FROM roles WHERE workspace_id = $1 AND id IN ({}) \
           UNION SELECT r.parent_role_id, c.depth + 1 FROM roles r JOIN chain c ON r.id = c.id \
           WHERE r.workspace_id = $1 AND r.parent_role_id IS NOT NULL AND c.depth < {MAX_PARENT_DEPTH}) ",
        placeholders(2, held)
    )
}

fn bind_chain<'q>(
    sql: &'q str,
    workspace: &'q WorkspaceId,
    held: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    held.iter()
        .fold(sqlx::query(sql).bind(workspace.as_str()), |q, id| {
            q.bind(id.as_str())
        })
}

/// The stored contents of the roles `held` and their ancestors — only those, in two
/// statements.
pub async fn role_contents(
    db: &Db,
    workspace: &WorkspaceId,
    held: &[String],
) -> Result<HashMap<String, RoleContents>, DomainError> {
    if held.is_empty() {
        return Ok(HashMap::new());
    }
    let cte = chain(held.len());
    let sql = format!(
        "{cte}SELECT id, base_role, parent_role_id, allow_export, allow_bulk, max_records \
         FROM roles WHERE workspace_id = $1 AND id IN (SELECT id FROM chain)"
    );
    let mut roles = HashMap::new();
    for row in bind_chain(&sql, workspace, held)
        .fetch_all(db.pool())
        .await?
    {
        let max: Option<i64> = row.try_get("max_records")?;
        let role = RoleContents {
            parent: row.try_get("parent_role_id")?,
            owner: row.try_get::<Option<String>, _>("base_role")?.as_deref()
                == Some(BaseRole::Owner.key()),
            permissions: PermissionSet::default(),
            scopes: Vec::new(),
            restrictions: Restrictions {
                allow_export: row.try_get::<i64, _>("allow_export")? != 0,
                allow_bulk: row.try_get::<i64, _>("allow_bulk")? != 0,
                max_records: max.and_then(|n| u32::try_from(n).ok()),
            },
        };
        roles.insert(row.try_get::<String, _>("id")?, role);
    }
    let sql = format!(
        "{cte}SELECT role_id, 'key' AS kind, permission AS name, '' AS value \
         FROM role_permissions WHERE role_id IN (SELECT id FROM chain) \
         UNION ALL SELECT role_id, 'scope', resource, scope \
         FROM role_scopes WHERE role_id IN (SELECT id FROM chain)"
    );
    for row in bind_chain(&sql, workspace, held)
        .fetch_all(db.pool())
        .await?
    {
        let role_id: String = row.try_get("role_id")?;
        let Some(role) = roles.get_mut(&role_id) else {
            continue;
        };
        let name: String = row.try_get("name")?;
        if row.try_get::<String, _>("kind")? == "key" {
            // A key no longer in the catalogue grants nothing.
            if let Some(p) = Permission::from_key(&name) {
                role.permissions.insert(p);
            }
        } else if let (Some(r), Some(s)) = (
            Resource::from_key(&name),
            Scope::from_key(&row.try_get::<String, _>("value")?),
        ) {
            role.scopes.push((r, s));
        }
    }
    Ok(roles)
}

/// Whether `user` is an administrator — an Owner, or holding an administrative key directly or
/// through a parent role — in any workspace where they are an active member and whose
/// second-factor policy is `mfa_policy`. One statement across all their workspaces.
pub async fn administers_where(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    mfa_policy: &str,
) -> Result<bool, DomainError> {
    let mut conn = db.pool().acquire().await?;
    let filter = "JOIN workspace_settings s ON s.workspace_id = a.workspace_id \
                  WHERE s.mfa_policy = $2";
    administers(&mut conn, clock, user, filter, mfa_policy).await
}

/// Whether `user` is an administrator (as above) of `workspace`, inside the caller's
/// transaction (on PostgreSQL, one set to that workspace).
pub async fn administers_workspace(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<bool, DomainError> {
    let filter = "WHERE a.workspace_id = $2";
    administers(conn, clock, user, filter, workspace.as_str()).await
}

/// The administrator test over the assignments `filter` keeps (`$2` is `filter_value`).
async fn administers(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    user: &UserId,
    filter: &str,
    filter_value: &str,
) -> Result<bool, DomainError> {
    let admin_keys: Vec<&str> = Permission::ALL
        .iter()
        .filter(|p| p.is_administrative())
        .map(|p| p.key())
        .collect();
    let sql = format!(
        "WITH RECURSIVE chain(workspace_id, id, depth) AS ( \
           SELECT a.workspace_id, a.role_id, 0 FROM role_assignments a \
           JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
           {filter} AND a.user_id = $1 AND m.deactivated_at IS NULL \
             AND (a.expires_at IS NULL OR a.expires_at > $3) \
           UNION SELECT r.workspace_id, r.parent_role_id, c.depth + 1 FROM roles r \
           JOIN chain c ON r.workspace_id = c.workspace_id AND r.id = c.id \
           WHERE r.parent_role_id IS NOT NULL AND c.depth < {MAX_PARENT_DEPTH}) \
         SELECT COUNT(*) AS n FROM chain c \
         JOIN roles r ON r.workspace_id = c.workspace_id AND r.id = c.id \
         WHERE r.base_role = '{owner}' OR EXISTS (SELECT 1 FROM role_permissions p \
           WHERE p.role_id = r.id AND p.permission IN ({keys}))",
        owner = BaseRole::Owner.key(),
        keys = placeholders(4, admin_keys.len()),
    );
    let query = sqlx::query(&sql)
        .bind(user.as_str())
        .bind(filter_value)
        .bind(clock.now_ms());
    let row = admin_keys
        .iter()
        .fold(query, |q, k| q.bind(*k))
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(4, 1), "$4");
    }
}
