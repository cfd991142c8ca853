//! A workspace's members: listing them, deactivating and reactivating, ending their sessions.
//! Every function takes a [`Grant`] and works only inside the grant's workspace.

use sqlx::Row;

use crate::model::{Member, MemberRole, RoleId, UserId};
use crate::permissions::{keys, Key};
use crate::server::access::audit::{self, Change};
use crate::server::access::expiry;
use crate::server::access::grants::{self, Grant};
use crate::server::identity::sessions;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The inactive members' report's "not signed in for N days", as typed: empty for everyone,
/// else a whole number of days from 1 to 3650.
pub fn inactive_days(raw: &str) -> Result<Option<i64>, DomainError> {
    match raw.trim() {
        "" => Ok(None),
        days => days
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .map(Some)
            .ok_or_else(|| {
                DomainError::invalid("inactive", "Enter a number of days from 1 to 3650.")
            }),
    }
}

/// The workspace's members, active first, then by name; with `inactive`, only the active
/// members who have not signed in for that many days (counted from when they joined if they
/// never have). Needs `team.read`.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamRead>,
    inactive: Option<i64>,
) -> Result<Vec<Member>, DomainError> {
    // Without the report the cut-off is never used (`$2 = 0`); any value binds.
    let cutoff = inactive.map_or(i64::MAX, |days| clock.now_ms() - days * DAY_MS);
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, u.locked_until, m.deactivated_at, m.created_at, \
         m.last_sign_in_ms FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 \
         AND ($2 = 0 OR (m.deactivated_at IS NULL \
              AND COALESCE(m.last_sign_in_ms, m.created_at) < $3)) \
         ORDER BY CASE WHEN m.deactivated_at IS NULL THEN 0 ELSE 1 END, u.display_name, u.id \
         LIMIT 1000",
    )
    .bind(grant.workspace().as_str())
    .bind(i64::from(inactive.is_some()))
    .bind(cutoff)
    .fetch_all(db.pool())
    .await?;
    let roles = sqlx::query(
        "SELECT a.user_id, a.role_id, a.expires_at, r.name FROM role_assignments a \
         JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.role_id \
         WHERE a.workspace_id = $1 AND (a.expires_at IS NULL OR a.expires_at > $2) \
         ORDER BY r.name",
    )
    .bind(grant.workspace().as_str())
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    let tz = crate::server::workspace::login_hours::time_zone(db, grant.workspace()).await?;
    let mut members = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        let held = roles
            .iter()
            .filter(|r| r.try_get::<String, _>("user_id").is_ok_and(|u| u == id))
            .map(|r| {
                Ok(MemberRole {
                    role_id: RoleId::from_db(r.try_get("role_id")?),
                    name: r.try_get("name")?,
                    until: r
                        .try_get::<Option<i64>, _>("expires_at")?
                        .map(|at| expiry::last_day(at, tz)),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        members.push(Member {
            is_you: id == grant.user().as_str(),
            user_id: UserId::from_db(id),
            name: row.try_get("display_name")?,
            email: row.try_get("email")?,
            roles: held,
            active: row.try_get::<Option<i64>, _>("deactivated_at")?.is_none(),
            joined_at_ms: row.try_get("created_at")?,
            last_sign_in_ms: row.try_get("last_sign_in_ms")?,
            locked_until_ms: row
                .try_get::<Option<i64>, _>("locked_until")?
                .filter(|until| *until > clock.now_ms()),
        });
    }
    Ok(members)
}

/// The checks every change to another member passes: not oneself, a member of this
/// workspace, and an Owner only by an Owner.
pub(crate) async fn check_target<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    member: &UserId,
    verb: &str,
) -> Result<bool, DomainError> {
    if member == grant.user() {
        return Err(DomainError::Conflict(format!("You can't {verb} yourself.")));
    }
    let exists = sqlx::query("SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(grant.workspace().as_str())
        .bind(member.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Err(DomainError::NotFound);
    }
    let target_is_owner = grants::is_owner(conn, clock, grant.workspace(), member).await?;
    if target_is_owner && !grants::is_owner(conn, clock, grant.workspace(), grant.user()).await? {
        tracing::warn!(
            target: "security",
            event = "permission_denied",
            user = %grant.user(),
            workspace = %grant.workspace(),
            reason = "only an Owner may change an Owner",
        );
        return Err(DomainError::Forbidden);
    }
    Ok(target_is_owner)
}

/// Deactivates `member` here: sign-in to this workspace is refused and every session they have
/// open in it ends, in one transaction. The last active Owner cannot be deactivated. Needs
/// `team.write`.
pub async fn deactivate(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    member: &UserId,
) -> Result<(), DomainError> {
    let mut tx = db.begin_write().await?;
    let target_is_owner = check_target(&mut tx, clock, grant, member, "deactivate").await?;
    if target_is_owner && grants::active_owner_count(&mut tx, clock, grant.workspace()).await? <= 1
    {
        return Err(DomainError::Conflict(
            "The workspace's last Owner can't be deactivated.".into(),
        ));
    }
    sqlx::query(
        "UPDATE memberships SET deactivated_at = $1 \
         WHERE workspace_id = $2 AND user_id = $3 AND deactivated_at IS NULL",
    )
    .bind(clock.now_ms())
    .bind(grant.workspace().as_str())
    .bind(member.as_str())
    .execute(&mut *tx)
    .await?;
    let ended = sessions::revoke_in_workspace(&mut tx, grant.workspace(), member).await?;
    let change = Change {
        action: "member.deactivate",
        target: member.as_str(),
        before: None,
        after: Some(serde_json::json!({ "sessions_ended": ended })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Lets a deactivated member sign in again. Needs `team.write`.
pub async fn reactivate(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    member: &UserId,
) -> Result<(), DomainError> {
    let mut tx = db.begin_write().await?;
    check_target(&mut tx, clock, grant, member, "reactivate").await?;
    sqlx::query(
        "UPDATE memberships SET deactivated_at = NULL WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(member.as_str())
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "member.reactivate",
        target: member.as_str(),
        before: None,
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session `member` has open in this workspace; returns how many. Needs
/// `team.write`.
pub async fn end_sessions(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    member: &UserId,
) -> Result<u64, DomainError> {
    let mut tx = db.begin_write().await?;
    check_target(&mut tx, clock, grant, member, "sign out").await?;
    let ended = sessions::revoke_in_workspace(&mut tx, grant.workspace(), member).await?;
    let change = Change {
        action: "member.sign_out",
        target: member.as_str(),
        before: None,
        after: Some(serde_json::json!({ "sessions_ended": ended })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Lifts a lockout of `member`'s account before it runs out, and records who did. Needs
/// `team.write`; not oneself, an Owner only by an Owner.
pub async fn unlock(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    member: &UserId,
) -> Result<(), DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let mut tx = db.begin_write().await?;
    check_target(&mut tx, clock, grant, member, "unlock").await?;
    sqlx::query("UPDATE users SET locked_until = NULL, failed_sign_ins = 0 WHERE id = $1")
        .bind(member.as_str())
        .execute(&mut *tx)
        .await?;
    let subject = Subject {
        user: Some(member),
        workspace: Some(grant.workspace()),
        actor: Some(grant.user()),
        origin: grant.acting().origin,
    };
    record(&mut tx, clock, EventKind::AccountUnlocked, subject).await?;
    tx.commit().await?;
    Ok(())
}

/// The workspace's active members as form options ("Name <address>"), by name. The caller has
/// checked the permission its form needs.
pub(crate) async fn options(
    db: &Db,
    workspace: &crate::model::WorkspaceId,
) -> Result<Vec<crate::model::MemberOption>, DomainError> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.deactivated_at IS NULL ORDER BY u.display_name, u.id",
    )
    .bind(workspace.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("display_name")?;
            let email: String = row.try_get("email")?;
            Ok(crate::model::MemberOption {
                user_id: UserId::from_db(row.try_get("id")?),
                label: option_label(&name, &email),
            })
        })
        .collect()
}

/// How a member reads in a list of choices: "Ada Lovelace <ada@example.com>".
pub(crate) fn option_label(name: &str, email: &str) -> String {
    format!("{name} <{email}>")
}

/// A person's display name, for messages that name them.
pub(crate) async fn person_name(db: &Db, user: &UserId) -> Result<String, DomainError> {
    Ok(sqlx::query("SELECT display_name FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_one(db.pool())
        .await?
        .try_get("display_name")?)
}
