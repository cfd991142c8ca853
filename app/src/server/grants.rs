//! Authorization checks. A [`Grant`] is the proof that a check passed: its fields are private
//! and the only constructor is [`require`], so a domain function that takes a `Grant` cannot
//! be reached without the check, and it takes the workspace from the grant rather than from
//! anything the client sent.

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;

use super::base_roles::BaseRole;
use super::clock::Clock;
use super::db::Db;
use super::error::DomainError;
use crate::model::{UserId, WorkspaceId};
use crate::permissions::{Permission, PermissionSet, Resource, Scope};

/// Proof that `user` holds `permission` in `workspace`, as of the check, with the rest of their
/// access there (data scopes, restrictions, the other keys — field-level security reads those).
#[must_use = "a grant is the proof of a check; pass it to the domain function it authorises"]
#[derive(Debug)]
pub struct Grant {
    user: UserId,
    workspace: WorkspaceId,
    permission: Permission,
    access: Access,
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

    /// How much of the permission's resource the holder reaches (`All` for permissions that are
    /// not about records).
    pub fn scope(&self) -> Scope {
        self.permission
            .resource()
            .map_or(Scope::All, |r| self.access.scope(r))
    }

    /// Whether the holder also holds `other` — for what a response may show (sensitive fields),
    /// never to widen what the grant authorises.
    pub fn also_holds(&self, other: Permission) -> bool {
        self.access.permissions.contains(other)
    }

    pub fn restrictions(&self) -> Restrictions {
        self.access.restrictions
    }

    /// A transaction inside the grant's workspace — the only way into the tables behind
    /// PostgreSQL's row-level security (see [`Db::begin_in`]). `write`: the transaction writes.
    pub async fn begin(
        &self,
        db: &Db,
        write: bool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, DomainError> {
        Ok(db.begin_in(&self.workspace, write).await?)
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

/// What a role lets its holders do besides permission keys. With several roles, the most
/// permissive value of each wins (permissions add up, so restrictions give way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Restrictions {
    pub allow_export: bool,
    pub allow_bulk: bool,
    /// `None`: lists are not capped.
    pub max_records: Option<u32>,
}

impl Restrictions {
    fn widen(self, other: Restrictions) -> Restrictions {
        Restrictions {
            allow_export: self.allow_export || other.allow_export,
            allow_bulk: self.allow_bulk || other.allow_bulk,
            max_records: match (self.max_records, other.max_records) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        }
    }
}

/// Everything a person may do in a workspace: the union of their unexpired roles (and those
/// roles' parents). Per resource the widest scope wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    pub permissions: PermissionSet,
    pub scopes: BTreeMap<Resource, Scope>,
    pub restrictions: Restrictions,
}

impl Access {
    /// The Owner's access: every key, every record.
    pub fn everything() -> Self {
        Access {
            permissions: PermissionSet::all(),
            scopes: Resource::ALL.iter().map(|r| (*r, Scope::All)).collect(),
            restrictions: Restrictions {
                allow_export: true,
                allow_bulk: true,
                max_records: None,
            },
        }
    }

    /// The scope for `resource`; a role that says nothing about it reaches only assigned
    /// records (least privilege).
    pub fn scope(&self, resource: Resource) -> Scope {
        self.scopes
            .get(&resource)
            .copied()
            .unwrap_or(Scope::Assigned)
    }
}

/// One role's stored contents, as `combine` needs them.
#[derive(Clone, Debug, Default)]
pub struct RoleContents {
    pub parent: Option<String>,
    pub owner: bool,
    pub permissions: PermissionSet,
    pub scopes: Vec<(Resource, Scope)>,
    pub restrictions: Restrictions,
}

/// Parent chains longer than this are cut (the editor refuses cycles; this is the backstop).
const MAX_PARENT_DEPTH: usize = 16;

/// The access `held` roles give, looking roles (and their parents) up in `roles`. Plain data
/// in, plain data out: the permission-check benchmark measures this.
pub fn combine(held: &[&str], roles: &HashMap<String, RoleContents>) -> Access {
    let mut access = Access::default();
    let mut restrictions: Option<Restrictions> = None;
    for id in held {
        let Some(role) = roles.get(*id) else { continue };
        if role.owner {
            return Access::everything();
        }
        restrictions = Some(match restrictions {
            Some(r) => r.widen(role.restrictions),
            None => role.restrictions,
        });
        let mut next = Some(*id);
        let mut depth = 0;
        while let (Some(id), true) = (next, depth < MAX_PARENT_DEPTH) {
            let Some(role) = roles.get(id) else { break };
            if role.owner {
                return Access::everything();
            }
            access.permissions = access.permissions.union(role.permissions);
            for (resource, scope) in &role.scopes {
                let entry = access.scopes.entry(*resource).or_insert(*scope);
                *entry = (*entry).max(*scope);
            }
            next = role.parent.as_deref();
            depth += 1;
        }
    }
    access.restrictions = restrictions.unwrap_or_default();
    access
}

/// The stored contents of one role of `workspace`, if it exists there.
async fn load_role(
    db: &Db,
    workspace: &WorkspaceId,
    id: &str,
) -> Result<Option<RoleContents>, DomainError> {
    let Some(row) = sqlx::query(
        "SELECT base_role, parent_role_id, allow_export, allow_bulk, max_records \
         FROM roles WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace.as_str())
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let max: Option<i64> = row.try_get("max_records")?;
    let mut role = RoleContents {
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
    let keys = sqlx::query("SELECT permission FROM role_permissions WHERE role_id = $1")
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    for row in keys {
        // A key no longer in the catalogue grants nothing.
        if let Some(p) = Permission::from_key(&row.try_get::<String, _>("permission")?) {
            role.permissions.insert(p);
        }
    }
    let scopes = sqlx::query("SELECT resource, scope FROM role_scopes WHERE role_id = $1")
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    for row in scopes {
        let resource: String = row.try_get("resource")?;
        let scope: String = row.try_get("scope")?;
        if let (Some(r), Some(s)) = (Resource::from_key(&resource), Scope::from_key(&scope)) {
            role.scopes.push((r, s));
        }
    }
    Ok(Some(role))
}

/// The stored contents of the roles `held` and their ancestors — only those, so a check costs
/// the same however many roles the workspace has.
pub async fn role_contents(
    db: &Db,
    workspace: &WorkspaceId,
    held: &[String],
) -> Result<HashMap<String, RoleContents>, DomainError> {
    let mut roles = HashMap::new();
    let mut wanted: Vec<String> = held.to_vec();
    for _ in 0..=MAX_PARENT_DEPTH {
        let mut parents = Vec::new();
        for id in wanted.drain(..) {
            if roles.contains_key(&id) {
                continue;
            }
            if let Some(role) = load_role(db, workspace, &id).await? {
                parents.extend(role.parent.clone());
                roles.insert(id, role);
            }
        }
        if parents.is_empty() {
            break;
        }
        wanted = parents;
    }
    Ok(roles)
}

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

/// Everything `user` may do in `workspace` now: their unexpired role assignments through an
/// active membership, combined; nothing at all without one.
pub async fn access(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<Access, DomainError> {
    let held = held_role_ids(db, clock, user, workspace).await?;
    if held.is_empty() {
        return Ok(Access::default());
    }
    let roles = role_contents(db, workspace, &held).await?;
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    Ok(combine(&held, &roles))
}

/// The keys `user` holds in `workspace` now.
pub async fn effective(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<PermissionSet, DomainError> {
    Ok(access(db, clock, user, workspace).await?.permissions)
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
    let access = access(db, clock, user, workspace).await?;
    if access.permissions.contains(permission) {
        return Ok(Grant {
            user: user.clone(),
            workspace: workspace.clone(),
            permission,
            access,
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

    fn role(parent: Option<&str>, permissions: &[Permission], scope: Scope) -> RoleContents {
        RoleContents {
            parent: parent.map(str::to_owned),
            owner: false,
            permissions: permissions.iter().copied().collect(),
            scopes: vec![(Resource::Customers, scope)],
            restrictions: Restrictions::default(),
        }
    }

    #[test]
    fn roles_add_up_parents_are_inherited_and_the_widest_scope_wins() {
        use Permission::*;
        let mut roles = HashMap::new();
        roles.insert("base".into(), role(None, &[CustomersRead], Scope::Team));
        roles.insert(
            "child".into(),
            role(Some("base"), &[CustomersWrite], Scope::Assigned),
        );
        roles.insert("other".into(), role(None, &[OrdersRead], Scope::Assigned));
        roles.insert(
            "owner".into(),
            RoleContents {
                owner: true,
                ..RoleContents::default()
            },
        );
        let a = combine(&["child"], &roles);
        assert!(a.permissions.contains(CustomersRead), "inherited");
        assert!(a.permissions.contains(CustomersWrite));
        assert_eq!(
            a.scope(Resource::Customers),
            Scope::Team,
            "parent's wider scope"
        );
        assert_eq!(
            a.scope(Resource::Orders),
            Scope::Assigned,
            "unset: least privilege"
        );
        let both = combine(&["child", "other"], &roles);
        assert!(both.permissions.contains(OrdersRead));
        assert_eq!(combine(&["owner"], &roles), Access::everything());
        assert_eq!(combine(&[], &roles), Access::default());
        assert_eq!(combine(&["missing"], &roles), Access::default());

        // A cycle (the editor refuses them) ends instead of looping.
        roles.insert("a".into(), role(Some("b"), &[TicketsRead], Scope::Assigned));
        roles.insert("b".into(), role(Some("a"), &[QuotesRead], Scope::Assigned));
        let cyclic = combine(&["a"], &roles);
        assert!(cyclic.permissions.contains(QuotesRead));
    }

    #[test]
    fn the_most_permissive_restriction_wins() {
        let tight = Restrictions {
            allow_export: false,
            allow_bulk: true,
            max_records: Some(100),
        };
        let loose = Restrictions {
            allow_export: true,
            allow_bulk: false,
            max_records: Some(500),
        };
        assert_eq!(
            tight.widen(loose),
            Restrictions {
                allow_export: true,
                allow_bulk: true,
                max_records: Some(500)
            }
        );
        let unlimited = Restrictions::default();
        assert_eq!(tight.widen(unlimited).max_records, None);
    }

    #[test]
    fn base_roles_start_with_least_privilege_below_the_owner() {
        use Permission::*;
        assert!(
            BaseRole::Owner.default_permissions().is_empty(),
            "Owner holds all implicitly"
        );
        let guest = BaseRole::Guest.default_permissions();
        assert!(
            guest.iter().all(|p| p.key().ends_with(".read")),
            "Guest is read-only"
        );
        assert!(
            !guest.contains(&CustomersSensitive),
            "Guest sees no sensitive fields"
        );
        assert!(!BaseRole::Manager
            .default_permissions()
            .contains(&BillingManage));
        assert!(!BaseRole::Staff.default_permissions().contains(&TeamWrite));
        assert_eq!(BaseRole::Staff.default_scope(), Scope::Assigned);
    }
}
