//! Giving a member a role, optionally until a date, and taking it away. An assignment is a
//! grant of everything the role holds, so it passes the role editor's checks: nobody hands
//! out more than they hold (Owners excepted), nobody changes their own roles, only Owners
//! make or unmake Owners, the last Owner stays, and segregation of duties holds for the
//! person. Every change is in the audit log.

use chrono::{Duration, NaiveDate, TimeZone};
use chrono_tz::Tz;
use sqlx::Row;

use crate::model::{RoleId, UserId};
use crate::permissions::{keys, Key};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{self, Grant};
use crate::server::access::role_editor;
use crate::server::access::role_loading;
use crate::server::access::roles::BaseRole;
use crate::server::access::sod;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::login_hours;
use crate::server::workspace::members;

/// Assignments may run at most this far ahead; longer is "until removed".
const MAX_DAYS_AHEAD: i64 = 5 * 366;

/// "Until 2026-12-01" means through that whole day in the workspace's time zone: the
/// assignment stops counting at the next local midnight.
pub fn expiry_from_date(raw: &str, tz: Tz, now_ms: i64) -> Result<Option<i64>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || DomainError::invalid("until", "Enter a date as YYYY-MM-DD, or leave it empty.");
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| bad())?;
    let next = day.succ_opt().ok_or_else(bad)?;
    let midnight = next.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
    // A midnight that does not exist locally (a DST gap) falls to the next valid instant.
    let at = tz
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(midnight + Duration::hours(1)))
                .earliest()
        })
        .ok_or_else(bad)?
        .timestamp_millis();
    if at <= now_ms {
        return Err(DomainError::invalid(
            "until",
            "Choose today or a later date.",
        ));
    }
    if at - now_ms > MAX_DAYS_AHEAD * 86_400_000 {
        return Err(DomainError::invalid(
            "until",
            "Choose a date within five years, or leave it empty for no end.",
        ));
    }
    Ok(Some(at))
}

/// Whether the caller may let `who` ("A key", "An automation") act under `role_id`: a role of
/// the workspace, not Owner, within what the caller may hand out to a person. A refusal names
/// the field `role_id`.
pub(crate) async fn may_delegate<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    role_id: &str,
    who: &str,
) -> Result<(), DomainError> {
    if role_is_owner(db, grant, role_id).await? {
        return Err(DomainError::invalid(
            "role_id",
            format!("{who} can't act as an Owner. Choose a narrower role."),
        ));
    }
    role_editor::may_hand_out(db, clock, grant, role_id, "role_id").await
}

/// The role `role_id` of the grant's workspace: whether it is the Owner role. A role from
/// elsewhere is reported on the field, like a typo.
pub(crate) async fn role_is_owner<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    role_id: &str,
) -> Result<bool, DomainError> {
    let row = sqlx::query("SELECT base_role FROM roles WHERE workspace_id = $1 AND id = $2")
        .bind(grant.workspace().as_str())
        .bind(role_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| DomainError::invalid("role_id", "Choose a role of this workspace."))?;
    Ok(row.try_get::<Option<String>, _>("base_role")?.as_deref() == Some(BaseRole::Owner.key()))
}

fn state(role_id: &str, expires_at: Option<i64>) -> serde_json::Value {
    serde_json::json!({ "role_id": role_id, "expires_at": expires_at })
}

/// Gives `member` the role `role_id` until the end of `until` (a date; empty: until removed).
/// Giving a role they already hold changes its expiry. Needs `team.write`.
pub async fn assign(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    member: &UserId,
    role_id: &RoleId,
    until: &str,
) -> Result<(), DomainError> {
    let role_id = role_id.as_str();
    let workspace = grant.workspace();
    let mut conn = db.pool().acquire().await?;
    members::check_target(&mut conn, clock, grant, member, "change the roles of").await?;
    let caller_is_owner = grants::is_owner(&mut conn, clock, workspace, grant.user()).await?;
    drop(conn);
    let owner_role = role_is_owner(db, grant, role_id).await?;
    if owner_role && !caller_is_owner {
        return Err(DomainError::invalid(
            "role_id",
            "Only an Owner can make someone an Owner.",
        ));
    }
    let expires_at = expiry_from_date(
        until,
        login_hours::time_zone(db, workspace).await?,
        clock.now_ms(),
    )?;
    role_editor::may_hand_out(db, clock, grant, role_id, "role_id").await?;
    let mut held = role_loading::held_role_ids(db, clock, member, workspace).await?;
    held.push(role_id.to_owned());
    let roles = role_loading::role_contents(db, workspace, &held).await?;
    let held_refs: Vec<&str> = held.iter().map(String::as_str).collect();
    let rules = sod::rules(db, workspace).await?;
    if let Some(pair) =
        sod::person_conflict(grants::combine(&held_refs, &roles).permissions, &rules)
    {
        return Err(sod::refusal(&members::person_name(db, member).await?, pair));
    }

    let mut tx = db.begin_write().await?;
    let before = sqlx::query(
        "SELECT expires_at FROM role_assignments \
         WHERE workspace_id = $1 AND user_id = $2 AND role_id = $3",
    )
    .bind(workspace.as_str())
    .bind(member.as_str())
    .bind(role_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get::<Option<i64>, _>("expires_at"))
    .transpose()?;
    if before.is_some() {
        sqlx::query(
            "UPDATE role_assignments SET expires_at = $1 \
             WHERE workspace_id = $2 AND user_id = $3 AND role_id = $4",
        )
        .bind(expires_at)
        .bind(workspace.as_str())
        .bind(member.as_str())
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO role_assignments (workspace_id, user_id, role_id, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(workspace.as_str())
        .bind(member.as_str())
        .bind(role_id)
        .bind(expires_at)
        .bind(clock.now_ms())
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "role.assign",
            target: member.as_str(),
            before: before.map(|b| state(role_id, b)),
            after: Some(state(role_id, expires_at)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the role `role_id` away from `member`. The last active Owner keeps the Owner role.
/// Needs `team.write`.
pub async fn unassign(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    member: &UserId,
    role_id: &RoleId,
) -> Result<(), DomainError> {
    let workspace = grant.workspace();
    let mut tx = db.begin_write().await?;
    members::check_target(&mut tx, clock, grant, member, "change the roles of").await?;
    let row = sqlx::query(
        "SELECT a.expires_at, r.base_role FROM role_assignments a \
         JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.role_id \
         WHERE a.workspace_id = $1 AND a.user_id = $2 AND a.role_id = $3",
    )
    .bind(workspace.as_str())
    .bind(member.as_str())
    .bind(role_id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    let owner_role =
        row.try_get::<Option<String>, _>("base_role")?.as_deref() == Some(BaseRole::Owner.key());
    if owner_role && grants::active_owner_count(&mut tx, clock, workspace).await? <= 1 {
        return Err(DomainError::Conflict(
            "This is the last Owner: make someone else an Owner first.".into(),
        ));
    }
    sqlx::query(
        "DELETE FROM role_assignments WHERE workspace_id = $1 AND user_id = $2 AND role_id = $3",
    )
    .bind(workspace.as_str())
    .bind(member.as_str())
    .bind(role_id.as_str())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "role.unassign",
            target: member.as_str(),
            before: Some(state(role_id.as_str(), row.try_get("expires_at")?)),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::access::expiry::last_day;

    const NOW: i64 = 1_795_478_400_000; // 2026-11-24T00:00:00Z

    #[test]
    fn an_expiry_date_runs_through_that_day_in_the_workspace_zone() {
        let utc = expiry_from_date("2026-12-01", Tz::UTC, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(utc, 1_796_169_600_000); // 2026-12-02T00:00:00Z
        let ny = expiry_from_date("2026-12-01", chrono_tz::America::New_York, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(ny - utc, 5 * 3_600_000);
        assert_eq!(last_day(ny, chrono_tz::America::New_York), "2026-12-01");
        assert_eq!(last_day(utc, Tz::UTC), "2026-12-01");
        assert_eq!(expiry_from_date("  ", Tz::UTC, NOW).unwrap(), None);
    }

    #[test]
    fn bad_or_past_dates_are_refused_on_the_field() {
        for raw in [
            "tomorrow",
            "2026-13-01",
            "01/12/2026",
            "2026-11-22",
            "2040-01-01",
        ] {
            match expiry_from_date(raw, Tz::UTC, NOW) {
                Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "until", "{raw}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
        // Today still counts: it runs to the end of the day.
        assert!(expiry_from_date("2026-11-24", Tz::UTC, NOW)
            .unwrap()
            .is_some());
    }
}
