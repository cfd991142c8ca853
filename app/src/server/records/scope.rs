//! The data scope as SQL: every list, count, look-up, update and delete of a record kind gets
//! the grant's workspace and scope in its WHERE clause, so a row out of reach is never fetched
//! and answers `NotFound` like one that does not exist.

use super::kind::{Reach, RecordKind};
use super::sql::Sql;
use crate::model::{TeamId, UserId, WorkspaceId};
use crate::permissions::{Key, Resource, Scope};
use crate::server::access::grants::{Grant, Held};
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Whose reach a clause confines rows to: the holder of a grant — or, to explain someone's
/// access without acting as them, what they hold for one resource ([`HeldFor`]).
pub trait Reacher {
    fn user(&self) -> &UserId;
    fn workspace(&self) -> &WorkspaceId;
    fn scope(&self) -> Scope;
    fn max_records(&self) -> Option<u32>;
}

impl<K: Key> Reacher for Grant<K> {
    fn user(&self) -> &UserId {
        Grant::user(self)
    }
    fn workspace(&self) -> &WorkspaceId {
        Grant::workspace(self)
    }
    fn scope(&self) -> Scope {
        Grant::scope(self)
    }
    fn max_records(&self) -> Option<u32> {
        self.restrictions().max_records
    }
}

/// What a person holds, seen for one resource: their scope and cap for it.
pub struct HeldFor<'a> {
    pub held: &'a Held,
    pub resource: Resource,
}

impl Reacher for HeldFor<'_> {
    fn user(&self) -> &UserId {
        self.held.user()
    }
    fn workspace(&self) -> &WorkspaceId {
        self.held.workspace()
    }
    fn scope(&self) -> Scope {
        self.held.access().scope(self.resource)
    }
    fn max_records(&self) -> Option<u32> {
        self.held.access().restrictions.max_records
    }
}

/// The WHERE clause (without `WHERE`) that confines the kind's alias to the grant's workspace
/// and scope.
pub fn scope_filter<R: Reacher>(sql: &mut Sql, kind: &RecordKind, grant: &R) {
    filter_as(sql, kind, kind.alias, grant);
}

fn filter_as<R: Reacher>(sql: &mut Sql, kind: &RecordKind, alias: &str, grant: &R) {
    sql.push(&format!(" {alias}.workspace_id = "))
        .arg(grant.workspace().as_str());
    match kind.reach {
        Reach::Catalogue => {}
        Reach::Assigned { assignee, team } => {
            assigned_filter(sql, alias, assignee, team, grant);
        }
        Reach::Through { parent, column } => {
            // A parent filter that would say only "in this workspace" is left out: the
            // composite foreign key (workspace_id, column) already keeps a child in its
            // parent's workspace, and the subquery cost a dashboard a scan of every order.
            if !narrows(parent, grant) {
                return;
            }
            let inner = format!("{alias}_{}", parent.alias);
            sql.push(&format!(
                " AND {alias}.{column} IN (SELECT {inner}.id FROM {} {inner} WHERE",
                parent.table
            ));
            filter_as(sql, parent, &inner, grant);
            sql.push(")");
        }
    }
}

/// Whether `kind`'s filter for the grant says more than "in the grant's workspace".
fn narrows<R: Reacher>(kind: &RecordKind, grant: &R) -> bool {
    match kind.reach {
        Reach::Catalogue => false,
        Reach::Assigned { .. } => grant.scope() != Scope::All,
        Reach::Through { parent, .. } => narrows(parent, grant),
    }
}

fn assigned_filter<R: Reacher>(
    sql: &mut Sql,
    alias: &str,
    assignee: &str,
    team_column: &str,
    grant: &R,
) {
    let me = grant.user().as_str();
    let team = |sql: &mut Sql| {
        sql.push(&format!(
            " OR {alias}.{team_column} IN (SELECT tm.team_id FROM team_members tm \
             WHERE tm.workspace_id = "
        ))
        .arg(grant.workspace().as_str())
        .push(" AND tm.user_id = ")
        .arg(me)
        .push(")");
    };
    match grant.scope() {
        Scope::All => {}
        Scope::Assigned => {
            sql.push(&format!(" AND {alias}.{assignee} = ")).arg(me);
        }
        Scope::Team => {
            sql.push(&format!(" AND ({alias}.{assignee} = ")).arg(me);
            team(sql);
            sql.push(")");
        }
        Scope::Department => {
            sql.push(&format!(" AND ({alias}.{assignee} = ")).arg(me);
            team(sql);
            sql.push(&format!(
                " OR {alias}.{assignee} IN (SELECT peer.user_id FROM memberships mine \
                 JOIN memberships peer ON peer.workspace_id = mine.workspace_id \
                 AND peer.department_id = mine.department_id WHERE mine.workspace_id = "
            ))
            .arg(grant.workspace().as_str())
            .push(" AND mine.user_id = ")
            .arg(me)
            .push("))");
        }
    }
}

/// With a "max records visible" restriction, confines the kind's alias to the first that many
/// records of the grant's reach in list order: lists, counts and look-ups by id see the same
/// window.
pub fn cap_filter<R: Reacher>(sql: &mut Sql, kind: &RecordKind, grant: &R) {
    if let Some(cap) = grant.max_records() {
        let a = kind.alias;
        sql.push(&format!(
            " AND {a}.id IN (SELECT {a}.id FROM {} {a} WHERE",
            kind.table
        ));
        scope_filter(sql, kind, grant);
        let (key, dir) = (kind.default_sort(), kind.direction());
        sql.push(&format!(" ORDER BY {a}.{key} {dir}, {a}.id {dir} LIMIT "))
            .int(i64::from(cap))
            .push(")");
    }
}

/// Whether a record assigned to `assigned` (or nobody) and `team` would be within the grant's
/// scope, by the same rules `scope_filter` applies to stored rows: a write must leave the
/// record where its writer can still reach it.
pub async fn within_scope<R: Reacher>(
    conn: &mut sqlx::AnyConnection,
    grant: &R,
    assigned: Option<&UserId>,
    team: Option<&TeamId>,
) -> Result<bool, DomainError> {
    let scope = grant.scope();
    if scope == Scope::All || assigned == Some(grant.user()) {
        return Ok(true);
    }
    if scope >= Scope::Team {
        if let Some(team) = team {
            let mine = sqlx::query(
                "SELECT 1 FROM team_members WHERE workspace_id = $1 AND team_id = $2 AND user_id = $3",
            )
            .bind(grant.workspace().as_str())
            .bind(team.as_str())
            .bind(grant.user().as_str())
            .fetch_optional(&mut *conn)
            .await?;
            if mine.is_some() {
                return Ok(true);
            }
        }
    }
    if let (Scope::Department, Some(assigned)) = (scope, assigned) {
        let peer = sqlx::query(
            "SELECT 1 FROM memberships mine JOIN memberships peer \
             ON peer.workspace_id = mine.workspace_id AND peer.department_id = mine.department_id \
             WHERE mine.workspace_id = $1 AND mine.user_id = $2 AND peer.user_id = $3",
        )
        .bind(grant.workspace().as_str())
        .bind(grant.user().as_str())
        .bind(assigned.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        return Ok(peer.is_some());
    }
    Ok(false)
}

/// Whether the record `id` of `kind` exists within the grant's reach (scope and cap): what
/// "why may … see this record?" asks, for any kind.
pub async fn reaches<R: Reacher>(
    db: &Db,
    kind: &RecordKind,
    grant: &R,
    id: &str,
) -> Result<bool, DomainError> {
    let a = kind.alias;
    let mut sql = Sql::default();
    sql.push(&format!("SELECT 1 AS found FROM {} {a} WHERE", kind.table));
    scope_filter(&mut sql, kind, grant);
    cap_filter(&mut sql, kind, grant);
    sql.push(&format!(" AND {a}.id = ")).arg(id);
    let mut tx = db.begin_in(grant.workspace(), false).await?;
    let found = sql.query().fetch_optional(&mut *tx).await?.is_some();
    tx.commit().await?;
    Ok(found)
}
