//! Authorization checks. A [`Grant`] is the proof that a check passed: its fields are private
//! and it is cut only from a [`Held`] that has the key, so a domain function that takes a
//! `Grant` cannot be reached without the check, and it takes the workspace from the grant
//! rather than from anything the client sent. The key is part of the grant's type
//! (`Grant<keys::CustomersRead>`): handing a read grant to a write does not compile.

use std::marker::PhantomData;

use sqlx::Row;

use crate::model::{ApiKeyId, UserId, WorkspaceId};
use crate::permissions::{keys, Key, Permission, PermissionSet, Scope};
pub use crate::server::access::combined::{combine, Access, Restrictions, RoleContents};
use crate::server::access::refusals::{Refusals, Refused};
use crate::server::access::role_loading::{held_role_ids, role_contents};
pub use crate::server::audit::append::Automated;
use crate::server::audit::append::{Acting, Origin};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Proof that `user` holds the key `K` in `workspace`, as of the check, with the rest of their
/// access there (data scopes, restrictions, the other keys — field-level security reads those).
///
/// A read grant handed to a write does not compile:
///
/// ```compile_fail,E0308
/// # use app::server::{access::grants::Grant, platform::db::Db, platform::clock::Clock, workspace::members};
/// # use app::permissions::keys;
/// # use app::model::UserId;
/// async fn deactivate(db: &Db, clock: &Clock, read: &Grant<keys::TeamRead>, who: &UserId) {
///     members::deactivate(db, clock, read, who).await.ok();
/// }
/// ```
#[must_use = "a grant is the proof of a check; pass it to the domain function it authorises"]
#[derive(Debug)]
pub struct Grant<K: Key> {
    user: UserId,
    workspace: WorkspaceId,
    access: Access,
    request: Request,
    key: PhantomData<K>,
}

/// What a check knows of the request it serves: where it came from, for the trail, and where
/// its refusals are counted (none outside a request: a command, a test of the domain alone).
#[derive(Clone, Debug)]
struct Request {
    origin: Origin,
    refusals: Option<Refusals>,
    clock: Clock,
    /// The API key that made the call, if a key did: the actor the trail names.
    key: Option<ApiKeyId>,
    /// The automation running, if one is: the actor the trail names.
    automation: Option<Automated>,
}

impl Request {
    fn refuse(&self, workspace: &WorkspaceId, user: &UserId, refused: Refused) -> DomainError {
        tracing::warn!(
            target: "security",
            event = refused.action(),
            user = %user,
            api_key = self.key.as_ref().map(ApiKeyId::as_str),
            workspace = %workspace,
            permission = refused.key(),
            ip = self.origin.ip.as_deref(),
            "{}",
            refused.reason()
        );
        if let Some(refusals) = &self.refusals {
            let key = self.key.as_ref();
            refusals.note(
                workspace,
                user,
                key,
                refused,
                &self.origin,
                self.clock.now_ms(),
            );
        }
        DomainError::Forbidden
    }
}

impl<K: Key> Grant<K> {
    pub fn user(&self) -> &UserId {
        &self.user
    }

    pub fn workspace(&self) -> &WorkspaceId {
        &self.workspace
    }

    pub fn permission(&self) -> Permission {
        K::PERMISSION
    }

    /// How much of the permission's resource the holder reaches (`All` for permissions that are
    /// not about records).
    pub fn scope(&self) -> Scope {
        K::PERMISSION
            .resource()
            .map_or(Scope::All, |r| self.access.scope(r))
    }

    /// Whether the holder also holds `other` — for what a response may show (sensitive fields),
    /// never to widen what the grant authorises.
    pub fn also_holds(&self, other: Permission) -> bool {
        self.access.permissions.contains(other)
    }

    /// The time by the clock of the request the grant serves.
    pub fn now_ms(&self) -> i64 {
        self.request.clock.now_ms()
    }

    pub fn restrictions(&self) -> Restrictions {
        self.access.restrictions
    }

    /// The holder acting in the grant's workspace, from the request's origin: whom the trail
    /// records a change against.
    pub fn acting(&self) -> Acting<'_> {
        Acting {
            workspace: &self.workspace,
            user: &self.user,
            key: self.request.key.as_ref(),
            automation: self.request.automation.as_ref(),
            origin: Some(&self.request.origin),
        }
    }

    /// Proof that the holder may also act on many records at once: their role allows bulk
    /// work. A refusal is logged, counted for the trail, and answers `Forbidden`.
    pub fn bulk(&self) -> Result<Bulk<'_, K>, DomainError> {
        if self.access.restrictions.allow_bulk {
            return Ok(Bulk { grant: self });
        }
        let refused = Refused::Bulk(K::PERMISSION.key());
        Err(self.request.refuse(&self.workspace, &self.user, refused))
    }

    /// Proof that the holder may also take data out: their role allows exports. A refusal is
    /// logged, counted for the trail, and answers `Forbidden`.
    pub fn export(&self) -> Result<Export<'_, K>, DomainError> {
        if self.access.restrictions.allow_export {
            return Ok(Export { grant: self });
        }
        let refused = Refused::Export(K::PERMISSION.key());
        Err(self.request.refuse(&self.workspace, &self.user, refused))
    }

    /// Whether the holder is an Owner of the workspace: for a page to offer what only Owners
    /// may do (acting on it takes [`Grant::owner`], which records a refusal).
    pub async fn held_by_owner(&self, db: &Db) -> Result<bool, DomainError> {
        let mut tx = self.begin(db, false).await?;
        let owner = is_owner(&mut tx, &self.request.clock, &self.workspace, &self.user).await?;
        tx.commit().await?;
        Ok(owner)
    }

    /// Proof that the holder is also an Owner of the workspace (an unexpired Owner role, an
    /// active membership), for what nobody less may do. A refusal is logged, counted for the
    /// trail, and answers `Forbidden`.
    pub async fn owner(self, db: &Db) -> Result<Owner<K>, DomainError> {
        if self.held_by_owner(db).await? {
            return Ok(Owner { grant: self });
        }
        let refused = Refused::Owner(K::PERMISSION.key());
        Err(self.request.refuse(&self.workspace, &self.user, refused))
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
}

/// A [`Grant`] whose holder's role allows bulk work; only [`Grant::bulk`] makes one, so a
/// function that changes many records at once takes this and cannot be reached without both
/// checks.
#[must_use = "a bulk grant is the proof of a check; pass it to the bulk action it authorises"]
pub struct Bulk<'g, K: Key> {
    grant: &'g Grant<K>,
}

impl<K: Key> Bulk<'_, K> {
    pub fn grant(&self) -> &Grant<K> {
        self.grant
    }
}

/// Proof that the holder of a grant may export: the key is in the grant's type, and the
/// role's "data export allowed" restriction was checked. An export function takes this.
#[must_use = "an export grant is the proof of a check; pass it to the export it authorises"]
pub struct Export<'g, K: Key> {
    grant: &'g Grant<K>,
}

impl<K: Key> Export<'_, K> {
    pub fn grant(&self) -> &Grant<K> {
        self.grant
    }
}

/// A [`Grant`] whose holder is an Owner of its workspace; only [`Grant::owner`] makes one.
#[must_use = "an owner grant is the proof of a check; pass it to the action it authorises"]
pub struct Owner<K: Key> {
    grant: Grant<K>,
}

impl<K: Key> Owner<K> {
    pub fn grant(&self) -> &Grant<K> {
        &self.grant
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

/// How many active members hold the Owner role in `workspace`, for a transaction about to
/// remove one. Every caller then removes an Owner only if another stays, so two such
/// transactions must not both count before either commits: on PostgreSQL (READ COMMITTED) the
/// workspace's row is locked first — `FOR NO KEY UPDATE`, which leaves the rows that merely
/// reference it alone — so the second waits and counts after the first commits. On SQLite the
/// callers' write transactions take the database's write lock up front.
pub async fn active_owner_count(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    workspace: &WorkspaceId,
) -> Result<i64, DomainError> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE")
            .bind(workspace.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    }
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

/// What one person may do in one workspace, as read from the database: the value every
/// [`Grant`] of a request is cut from, so a request reads the person's roles once however many
/// checks it makes. Only [`held`] builds one.
#[derive(Debug)]
pub struct Held {
    user: UserId,
    workspace: WorkspaceId,
    access: Access,
    request: Request,
}

impl Held {
    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn user(&self) -> &UserId {
        &self.user
    }

    pub fn workspace(&self) -> &WorkspaceId {
        &self.workspace
    }

    /// The holder acting in the workspace, from the request's origin (see [`Grant::acting`]).
    pub fn acting(&self) -> Acting<'_> {
        Acting {
            workspace: &self.workspace,
            user: &self.user,
            key: self.request.key.as_ref(),
            automation: self.request.automation.as_ref(),
            origin: Some(&self.request.origin),
        }
    }

    /// Refuses the request for `refused`: logged, counted for the trail, answers `Forbidden`.
    pub(crate) fn refuse(&self, refused: Refused) -> DomainError {
        self.request.refuse(&self.workspace, &self.user, refused)
    }

    /// The API key the holder acts through, if a key made the call.
    pub fn key(&self) -> Option<&ApiKeyId> {
        self.request.key.as_ref()
    }

    /// The same, serving a request from `origin` whose refusals are counted in `refusals`.
    pub fn serving(mut self, origin: Origin, refusals: Refusals) -> Self {
        self.request.origin = origin;
        self.request.refusals = Some(refusals);
        self
    }

    /// The grant for the key `K`, if held. A refusal is logged, counted for the trail, and
    /// answers `Forbidden`.
    pub fn grant<K: Key>(&self) -> Result<Grant<K>, DomainError> {
        let permission = K::PERMISSION;
        if self.access.permissions.contains(permission) {
            return Ok(Grant {
                user: self.user.clone(),
                workspace: self.workspace.clone(),
                access: self.access.clone(),
                request: self.request.clone(),
                key: PhantomData,
            });
        }
        let refused = Refused::Permission(permission.key());
        Err(self.request.refuse(&self.workspace, &self.user, refused))
    }
}

/// Reads what `user` may do in `workspace` now.
pub async fn held(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<Held, DomainError> {
    Ok(Held {
        access: access(db, clock, user, workspace).await?,
        user: user.clone(),
        workspace: workspace.clone(),
        request: Request {
            origin: Origin::default(),
            refusals: None,
            clock: clock.clone(),
            key: None,
            automation: None,
        },
    })
}

/// What an API key may do: its role's access, narrowed to what its creator holds now (so a
/// key never outgrows the person who made it, nor outlives their access), acting as that
/// person for data scopes and named as the key in the trail. Only the key's authentication
/// calls this, after checking the key.
pub(crate) async fn held_by_key(
    db: &Db,
    clock: &Clock,
    key: ApiKeyId,
    creator: &UserId,
    workspace: &WorkspaceId,
    role_id: &str,
) -> Result<Held, DomainError> {
    delegated(db, clock, creator, workspace, role_id, Delegate::Key(key)).await
}

/// What an automation may do in a run: its role's access narrowed to what its author holds
/// now (as a key's is to its maker's), acting as the author for data scopes and named as the
/// automation in the trail. Only the automation runner calls this, for a run it claimed.
pub(crate) async fn held_by_automation(
    db: &Db,
    clock: &Clock,
    automated: Automated,
    author: &UserId,
    workspace: &WorkspaceId,
    role_id: &str,
) -> Result<Held, DomainError> {
    let delegate = Delegate::Automation(automated);
    delegated(db, clock, author, workspace, role_id, delegate).await
}

/// Who acts for a person under a role of its own.
enum Delegate {
    Key(ApiKeyId),
    Automation(Automated),
}

/// What `delegate` may do: role `role_id`'s access narrowed to what `maker` holds now, acting
/// as `maker` for data scopes and named as the delegate in the trail.
async fn delegated(
    db: &Db,
    clock: &Clock,
    maker: &UserId,
    workspace: &WorkspaceId,
    role_id: &str,
    delegate: Delegate,
) -> Result<Held, DomainError> {
    // The maker's roles and the delegated one, loaded together: one pass over the role tables
    // per call instead of two.
    let makers = held_role_ids(db, clock, maker, workspace).await?;
    let mut wanted = makers.clone();
    wanted.push(role_id.to_owned());
    let roles = role_contents(db, workspace, &wanted).await?;
    let maker_access = if makers.is_empty() {
        Access::default()
    } else {
        let makers: Vec<&str> = makers.iter().map(String::as_str).collect();
        combine(&makers, &roles)
    };
    let (key, automation) = match delegate {
        Delegate::Key(key) => (Some(key), None),
        Delegate::Automation(automated) => (None, Some(automated)),
    };
    Ok(Held {
        access: combine(&[role_id], &roles).narrowed_to(&maker_access),
        user: maker.clone(),
        workspace: workspace.clone(),
        request: Request {
            origin: Origin::default(),
            refusals: None,
            clock: clock.clone(),
            key,
            automation,
        },
    })
}

/// Checks that `user` holds the key `K` in `workspace`. A refusal is logged as a security
/// event and answers `Forbidden`.
pub async fn require<K: Key>(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<Grant<K>, DomainError> {
    held(db, clock, user, workspace).await?.grant::<K>()
}

/// What `other` holds in the workspace of `asker`'s grant, for explaining their access ("why
/// may Grace …?") — never to act as them. Needs `roles.read`.
pub async fn held_by_other(
    db: &Db,
    clock: &Clock,
    asker: &Grant<keys::RolesRead>,
    other: &UserId,
) -> Result<Held, DomainError> {
    held(db, clock, other, asker.workspace()).await
}
