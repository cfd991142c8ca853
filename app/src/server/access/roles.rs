//! Roles inside a workspace. Every workspace is created with the four base roles; their
//! permission contents arrive with the authorization work.

use crate::model::{RoleId, WorkspaceId};
use crate::permissions::{Permission, Resource, Scope};

use crate::permissions::keys;
use crate::server::platform::error::DomainError;

pub use crate::server::access::base_roles::BaseRole;

/// Creates the four base roles in a new workspace; returns the Owner role's id.
pub(crate) async fn create_base_roles(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    now_ms: i64,
) -> Result<RoleId, DomainError> {
    let mut owner = None;
    for base in BaseRole::ALL {
        let id = RoleId::fresh();
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, description, base_role, created_at, \
             allow_export, allow_bulk) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(workspace.as_str())
        .bind(base.name())
        .bind(base.description())
        .bind(base.key())
        .bind(now_ms)
        .bind(i64::from(base.default_restrictions().0))
        .bind(i64::from(base.default_restrictions().1))
        .execute(&mut *tx)
        .await?;
        for permission in base.default_permissions() {
            sqlx::query(
                "INSERT INTO role_permissions (workspace_id, role_id, permission) \
                 VALUES ($1, $2, $3)",
            )
            .bind(workspace.as_str())
            .bind(id.as_str())
            .bind(permission.key())
            .execute(&mut *tx)
            .await?;
        }
        if base != BaseRole::Owner {
            for resource in Resource::SCOPED {
                sqlx::query(
                    "INSERT INTO role_scopes (workspace_id, role_id, resource, scope) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(workspace.as_str())
                .bind(id.as_str())
                .bind(resource.key())
                .bind(base.default_scope().key())
                .execute(&mut *tx)
                .await?;
            }
        }
        if base == BaseRole::Owner {
            owner = Some(id);
        }
    }
    owner.ok_or_else(|| DomainError::Internal("no Owner among the base roles".into()))
}

/// How role lists are ordered: base roles from most to least powerful, then custom roles by
/// name. `table` is the roles table's name or alias in the query.
pub(crate) fn display_order(table: &str) -> String {
    format!(
        "CASE {table}.base_role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 WHEN 'staff' THEN 2 \
         WHEN 'guest' THEN 3 ELSE 4 END, {table}.name, {table}.id"
    )
}

/// The roles of the grant's workspace, for choosing one (an invitation's, an API key's): any
/// grant of the workspace reaches them.
pub async fn options<K: crate::permissions::Key>(
    db: &crate::server::platform::db::Db,
    grant: &crate::server::access::grants::Grant<K>,
) -> Result<Vec<crate::model::RoleOption>, DomainError> {
    use sqlx::Row;
    let rows = sqlx::query(&format!(
        "SELECT id, name FROM roles WHERE workspace_id = $1 ORDER BY {}",
        display_order("roles")
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::model::RoleOption {
                id: RoleId::from_db(r.try_get("id")?),
                name: r.try_get("name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}

/// Every role of the grant's workspace with its own contents, holder count and whether the
/// caller holds it, in display order. Needs `roles.read`.
pub async fn list(
    db: &crate::server::platform::db::Db,
    clock: &crate::server::platform::clock::Clock,
    grant: &crate::server::access::grants::Grant<keys::RolesRead>,
) -> Result<Vec<crate::model::RoleView>, DomainError> {
    use crate::model::RoleView;
    use sqlx::Row;
    use std::collections::HashMap;
    let workspace = grant.workspace().as_str();
    let rows = sqlx::query(&format!(
        "SELECT id, name, description, base_role, parent_role_id, allow_export, allow_bulk, \
         max_records FROM roles WHERE workspace_id = $1 ORDER BY {}",
        display_order("roles")
    ))
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    let mut keys: HashMap<String, Vec<Permission>> = HashMap::new();
    for row in
        sqlx::query("SELECT role_id, permission FROM role_permissions WHERE workspace_id = $1")
            .bind(workspace)
            .fetch_all(db.pool())
            .await?
    {
        if let Some(p) = Permission::from_key(&row.try_get::<String, _>("permission")?) {
            keys.entry(row.try_get("role_id")?).or_default().push(p);
        }
    }
    let mut scopes: HashMap<String, Vec<(Resource, Scope)>> = HashMap::new();
    for row in
        sqlx::query("SELECT role_id, resource, scope FROM role_scopes WHERE workspace_id = $1")
            .bind(workspace)
            .fetch_all(db.pool())
            .await?
    {
        let (r, s): (String, String) = (row.try_get("resource")?, row.try_get("scope")?);
        if let (Some(r), Some(s)) = (Resource::from_key(&r), Scope::from_key(&s)) {
            scopes
                .entry(row.try_get("role_id")?)
                .or_default()
                .push((r, s));
        }
    }
    let mut holders: HashMap<String, usize> = HashMap::new();
    let mut mine = Vec::new();
    for row in sqlx::query(
        "SELECT a.role_id, a.user_id FROM role_assignments a \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         WHERE a.workspace_id = $1 AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $2)",
    )
    .bind(workspace)
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?
    {
        let role: String = row.try_get("role_id")?;
        if row.try_get::<String, _>("user_id")? == grant.user().as_str() {
            mine.push(role.clone());
        }
        *holders.entry(role).or_default() += 1;
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let base_role: Option<String> = r.try_get("base_role")?;
            let owner = base_role.as_deref() == Some(BaseRole::Owner.key());
            let mut permissions = if owner {
                Permission::ALL.to_vec()
            } else {
                keys.remove(&id).unwrap_or_default()
            };
            permissions.sort_by_key(|p| Permission::ALL.iter().position(|q| q == p));
            let mut role_scopes = if owner {
                Resource::SCOPED.iter().map(|r| (*r, Scope::All)).collect()
            } else {
                scopes.remove(&id).unwrap_or_default()
            };
            role_scopes.sort();
            Ok(RoleView {
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                permissions,
                scopes: role_scopes,
                allow_export: owner || r.try_get::<i64, _>("allow_export")? != 0,
                allow_bulk: owner || r.try_get::<i64, _>("allow_bulk")? != 0,
                max_records: r
                    .try_get::<Option<i64>, _>("max_records")?
                    .and_then(|n| u32::try_from(n).ok()),
                parent_role_id: r
                    .try_get::<Option<String>, _>("parent_role_id")?
                    .map(RoleId::from_db),
                holders: holders.get(&id).copied().unwrap_or(0),
                held_by_you: mine.contains(&id),
                base_role,
                id: RoleId::from_db(id),
            })
        })
        .collect()
}
