//! Creating and editing roles, with the guardrails: nobody grants what they do not hold (Owners
//! excepted), nobody edits a role they hold, the Owner role is fixed, no role or person ends up
//! holding both keys of a segregation-of-duties pair, parents form no cycle — and every change
//! is in the audit log with the state before and after.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use crate::model::{RoleId, UserId, WorkspaceId};
use crate::permissions::{keys, Key};
use crate::permissions::{Permission, Resource};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{self, Access, Grant, RoleContents};
use crate::server::access::role_loading;
use crate::server::access::roles::BaseRole;
use crate::server::access::sod;
use crate::server::audit::alerts::{self, Alert, AlertKind};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

use super::role_draft::parse;
pub use super::role_draft::{RoleDiff, RoleDraft};

/// Every role of the workspace with its parent and whether it is the Owner role.
pub(super) async fn family(
    db: &Db,
    workspace: &WorkspaceId,
) -> Result<HashMap<String, (Option<String>, Option<String>)>, DomainError> {
    let rows =
        sqlx::query("SELECT id, parent_role_id, base_role FROM roles WHERE workspace_id = $1")
            .bind(workspace.as_str())
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                (r.try_get("parent_role_id")?, r.try_get("base_role")?),
            ))
        })
        .collect()
}

/// `role` and every role that inherits from it, however indirectly.
pub(super) fn descendants(
    family: &HashMap<String, (Option<String>, Option<String>)>,
    role: &str,
) -> HashSet<String> {
    let mut found: HashSet<String> = [role.to_owned()].into();
    loop {
        let before = found.len();
        for (id, (parent, _)) in family {
            if parent.as_ref().is_some_and(|p| found.contains(p)) {
                found.insert(id.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// The access a draft (saved as `id`) gives on its own, parents included.
async fn draft_access(
    db: &Db,
    workspace: &WorkspaceId,
    id: &str,
    contents: &RoleContents,
) -> Result<Access, DomainError> {
    let mut roles = match &contents.parent {
        Some(parent) => {
            role_loading::role_contents(db, workspace, std::slice::from_ref(parent)).await?
        }
        None => HashMap::new(),
    };
    roles.insert(id.to_owned(), contents.clone());
    Ok(grants::combine(&[id], &roles))
}

/// The editor's own access, or `None` for an Owner: Owners may hand out anything.
async fn editor_access<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
) -> Result<Option<Access>, DomainError> {
    let mut conn = db.pool().acquire().await?;
    if grants::is_owner(&mut conn, clock, grant.workspace(), grant.user()).await? {
        return Ok(None);
    }
    drop(conn);
    Ok(Some(
        grants::access(db, clock, grant.user(), grant.workspace()).await?,
    ))
}

/// No escalation: `granted` (a role's access, parents included) must lie within `mine` —
/// every key, every scope it names, and restrictions no looser.
pub(super) fn within(mine: &Access, granted: &Access) -> Result<(), DomainError> {
    if let Some(p) = granted
        .permissions
        .iter()
        .find(|p| !mine.permissions.contains(*p))
    {
        return Err(DomainError::invalid(
            "permissions",
            format!("You can't grant {}: you don't hold it yourself.", p.key()),
        ));
    }
    for resource in Resource::SCOPED {
        if granted.scopes.contains_key(&resource) && granted.scope(resource) > mine.scope(resource)
        {
            return Err(DomainError::invalid(
                "scopes",
                format!(
                    "You can't give the scope {} for {}: yours is {}.",
                    granted.scope(resource).key(),
                    resource.key(),
                    mine.scope(resource).key()
                ),
            ));
        }
    }
    let (r, m) = (granted.restrictions, mine.restrictions);
    let wider_cap = match (r.max_records, m.max_records) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a > b,
    };
    if (r.allow_export && !m.allow_export) || (r.allow_bulk && !m.allow_bulk) || wider_cap {
        return Err(DomainError::invalid(
            "restrictions",
            "You can't give restrictions looser than your own.",
        ));
    }
    Ok(())
}

/// No escalation when handing out stored role `role_id` (assigning it, inviting with it, moving
/// a deleted role's holders to it): the editor must hold everything it grants, parents
/// included (Owners excepted). A refusal names `field`, the form field the role was chosen in.
pub(crate) async fn may_hand_out<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    role_id: &str,
    field: &'static str,
) -> Result<(), DomainError> {
    let Some(mine) = editor_access(db, clock, grant).await? else {
        return Ok(());
    };
    let role = role_loading::role_contents(db, grant.workspace(), &[role_id.to_owned()]).await?;
    within(&mine, &grants::combine(&[role_id], &role)).map_err(|e| match e {
        DomainError::Invalid { message, .. } => DomainError::invalid(field, message),
        other => other,
    })
}

/// The checks every save makes; returns what the role will grant.
async fn guard<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    id: &str,
    contents: &RoleContents,
) -> Result<Access, DomainError> {
    let workspace = grant.workspace();
    let family = family(db, workspace).await?;
    if let Some(parent) = &contents.parent {
        match family.get(parent) {
            None => {
                return Err(DomainError::invalid(
                    "parent_role_id",
                    "Choose a role of this workspace.",
                ))
            }
            Some((_, base)) if base.as_deref() == Some(BaseRole::Owner.key()) => {
                return Err(DomainError::invalid(
                    "parent_role_id",
                    "The Owner role can't be a parent: it holds everything.",
                ))
            }
            _ => {}
        }
        if descendants(&family, id).contains(parent) {
            return Err(DomainError::invalid(
                "parent_role_id",
                "That parent inherits from this role: roles can't inherit in a circle.",
            ));
        }
    }
    let after = draft_access(db, workspace, id, contents).await?;
    if let Some(mine) = editor_access(db, clock, grant).await? {
        within(&mine, &after)?;
    }

    // Segregation of duties, for the role itself and for everyone it would reach.
    let rules = sod::rules(db, workspace).await?;
    if let Some(pair) = sod::conflict(after.permissions, &rules) {
        return Err(sod::refusal("this role's holders", pair));
    }
    let reach = descendants(&family, id);
    for (user, name) in holders(db, clock, workspace, &reach).await? {
        let held = role_loading::held_role_ids(db, clock, &user, workspace).await?;
        let mut roles = role_loading::role_contents(db, workspace, &held).await?;
        if let Some(parent) = &contents.parent {
            roles.extend(
                role_loading::role_contents(db, workspace, std::slice::from_ref(parent)).await?,
            );
        }
        roles.insert(id.to_owned(), contents.clone());
        let held: Vec<&str> = held.iter().map(String::as_str).collect();
        if let Some(pair) = sod::person_conflict(grants::combine(&held, &roles).permissions, &rules)
        {
            return Err(sod::refusal(&name, pair));
        }
    }
    Ok(after)
}

/// People holding any of `roles` now (unexpired, active membership): id and name.
pub(super) async fn holders(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    roles: &HashSet<String>,
) -> Result<Vec<(UserId, String)>, DomainError> {
    let rows = sqlx::query(
        "SELECT DISTINCT a.user_id, a.role_id, u.display_name FROM role_assignments a \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         JOIN users u ON u.id = a.user_id \
         WHERE a.workspace_id = $1 AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $2)",
    )
    .bind(workspace.as_str())
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in rows {
        let role: String = row.try_get("role_id")?;
        let user: String = row.try_get("user_id")?;
        if roles.contains(&role) && seen.insert(user.clone()) {
            out.push((UserId::from_db(user), row.try_get("display_name")?));
        }
    }
    Ok(out)
}

pub(super) fn state(name: &str, contents: &RoleContents) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "permissions": contents.permissions.iter().map(Permission::key).collect::<Vec<_>>(),
        "scopes": contents.scopes.iter().map(|(r, s)| (r.key(), s.key())).collect::<HashMap<_, _>>(),
        "allow_export": contents.restrictions.allow_export,
        "allow_bulk": contents.restrictions.allow_bulk,
        "max_records": contents.restrictions.max_records,
        "parent_role_id": contents.parent,
    })
}

async fn write_contents(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    id: &str,
    contents: &RoleContents,
) -> Result<(), DomainError> {
    for table in ["role_permissions", "role_scopes"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE workspace_id = $1 AND role_id = $2"
        ))
        .bind(workspace.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    for p in contents.permissions.iter() {
        sqlx::query(
            "INSERT INTO role_permissions (workspace_id, role_id, permission) VALUES ($1, $2, $3)",
        )
        .bind(workspace.as_str())
        .bind(id)
        .bind(p.key())
        .execute(&mut *tx)
        .await?;
    }
    for (r, s) in &contents.scopes {
        sqlx::query("INSERT INTO role_scopes (workspace_id, role_id, resource, scope) VALUES ($1, $2, $3, $4)")
            .bind(workspace.as_str())
            .bind(id)
            .bind(r.key())
            .bind(s.key())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Creates a custom role. Needs `roles.write`.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    draft: &RoleDraft,
) -> Result<RoleId, DomainError> {
    let parsed = parse(draft)?;
    let id = RoleId::fresh();
    guard(db, clock, grant, id.as_str(), &parsed.contents).await?;
    let diff = preview(db, clock, grant, None, draft).await?;
    let r = parsed.contents.restrictions;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO roles (id, workspace_id, name, description, created_at, parent_role_id, \
         allow_export, allow_bulk, max_records) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&parsed.name)
    .bind(&parsed.description)
    .bind(clock.now_ms())
    .bind(parsed.contents.parent.clone())
    .bind(i64::from(r.allow_export))
    .bind(i64::from(r.allow_bulk))
    .bind(r.max_records.map(i64::from))
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::invalid("name", "A role with this name already exists.")
        })
    })?;
    write_contents(&mut tx, grant.workspace(), id.as_str(), &parsed.contents).await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "role.create",
            target: id.as_str(),
            before: None,
            after: Some(state(&parsed.name, &parsed.contents)),
        },
    )
    .await?;
    alert_if_sensitive(&mut tx, clock, grant, id.as_str(), &parsed.name, &diff).await?;
    tx.commit().await?;
    Ok(id)
}

/// The role `id` of the grant's workspace as stored: name and contents. `NotFound` elsewhere.
pub(super) async fn stored(
    db: &Db,
    workspace: &WorkspaceId,
    id: &str,
) -> Result<(String, Option<String>, RoleContents), DomainError> {
    let row = sqlx::query("SELECT name, base_role FROM roles WHERE workspace_id = $1 AND id = $2")
        .bind(workspace.as_str())
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    let contents = role_loading::role_contents(db, workspace, &[id.to_owned()])
        .await?
        .remove(id)
        .ok_or(DomainError::NotFound)?;
    Ok((row.try_get("name")?, row.try_get("base_role")?, contents))
}

/// The refusals that apply to changing a stored role whatever the change: the Owner role is
/// fixed, and nobody changes a role they hold (they would be granting themselves).
pub(super) async fn check_changeable<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    id: &str,
    base: Option<&str>,
    (verb, done): (&str, &str),
) -> Result<(), DomainError> {
    if base == Some(BaseRole::Owner.key()) {
        return Err(DomainError::Conflict(format!(
            "The Owner role can't be {done}: it holds everything."
        )));
    }
    if role_loading::held_role_ids(db, clock, grant.user(), grant.workspace())
        .await?
        .iter()
        .any(|r| r == id)
    {
        return Err(DomainError::Conflict(format!(
            "You can't {verb} a role you hold. Ask another admin."
        )));
    }
    Ok(())
}

/// What saving `draft` would change — over role `id`, or as a new role when `id` is `None` —
/// after every check saving makes, so the editor shows a refusal before the admin confirms.
/// Needs `roles.write`.
pub async fn preview(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    id: Option<&RoleId>,
    draft: &RoleDraft,
) -> Result<RoleDiff, DomainError> {
    let id = id.map(RoleId::as_str);
    let parsed = parse(draft)?;
    let Some(id) = id else {
        let fresh = RoleId::fresh();
        let after = guard(db, clock, grant, fresh.as_str(), &parsed.contents).await?;
        return Ok(RoleDiff {
            grants: after.permissions.iter().collect(),
            revokes: Vec::new(),
            affected_users: 0,
        });
    };
    let (_, base, before) = stored(db, grant.workspace(), id).await?;
    check_changeable(db, clock, grant, id, base.as_deref(), ("edit", "edited")).await?;
    let after = guard(db, clock, grant, id, &parsed.contents)
        .await?
        .permissions;
    let before = draft_access(db, grant.workspace(), id, &before)
        .await?
        .permissions;
    let family = family(db, grant.workspace()).await?;
    let affected = holders(db, clock, grant.workspace(), &descendants(&family, id))
        .await?
        .len();
    Ok(RoleDiff {
        grants: after.iter().filter(|p| !before.contains(*p)).collect(),
        revokes: before.iter().filter(|p| !after.contains(*p)).collect(),
        affected_users: affected,
    })
}

/// Saves `draft` over role `id` and returns what changed. Needs `roles.write`; refused for the
/// Owner role and for a role the editor holds.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    id: &RoleId,
    draft: &RoleDraft,
) -> Result<RoleDiff, DomainError> {
    let role_id = id;
    let id = id.as_str();
    let diff = preview(db, clock, grant, Some(role_id), draft).await?;
    let (old_name, _, old) = stored(db, grant.workspace(), id).await?;
    let parsed = parse(draft)?;
    let r = parsed.contents.restrictions;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE roles SET name = $1, description = $2, parent_role_id = $3, allow_export = $4, \
         allow_bulk = $5, max_records = $6 WHERE workspace_id = $7 AND id = $8",
    )
    .bind(&parsed.name)
    .bind(&parsed.description)
    .bind(parsed.contents.parent.clone())
    .bind(i64::from(r.allow_export))
    .bind(i64::from(r.allow_bulk))
    .bind(r.max_records.map(i64::from))
    .bind(grant.workspace().as_str())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::invalid("name", "A role with this name already exists.")
        })
    })?;
    write_contents(&mut tx, grant.workspace(), id, &parsed.contents).await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "role.update",
            target: id,
            before: Some(state(&old_name, &old)),
            after: Some(state(&parsed.name, &parsed.contents)),
        },
    )
    .await?;
    alert_if_sensitive(&mut tx, clock, grant, id, &parsed.name, &diff).await?;
    tx.commit().await?;
    Ok(diff)
}

/// Alerts the administrators when a role is made to grant sensitive keys it did not (created
/// with them, or widened to them), in the change's transaction.
async fn alert_if_sensitive(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    role: &str,
    name: &str,
    diff: &RoleDiff,
) -> Result<(), DomainError> {
    let sensitive: Vec<&str> = diff
        .grants
        .iter()
        .filter(|p| p.is_sensitive())
        .map(|p| p.key())
        .collect();
    if sensitive.is_empty() {
        return Ok(());
    }
    let alert = Alert {
        kind: AlertKind::SensitiveRole,
        subject: role,
        summary: format!("The role {name} now grants {}", sensitive.join(", ")),
    };
    alerts::raise(conn, grant.workspace(), alert, clock.now_ms()).await
}
