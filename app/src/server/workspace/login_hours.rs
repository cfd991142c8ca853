//! Login hours: when the holders of a role may use the workspace, on which weekdays and between
//! which times of day in the workspace's time zone.
//!
//! A person may use the workspace whenever any of their unexpired roles allows it; a role
//! without hours allows any time, and the Owner role cannot be given hours (a workspace cannot
//! lock out the people who could undo it). Outside their hours sign-in is refused with the time
//! access opens, and a running session ends with its next request after the window closes.
//! Windows lie within one day (`start < end`); a night shift is two windows' worth of role.

use chrono::{Datelike, Duration, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use sqlx::Row;

use crate::model::{LoginHours, LoginHoursView, RoleHours, RoleId, UserId, WorkspaceId};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::access::roles::BaseRole;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// A window as the check uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub days: u8,
    pub start_minute: u16,
    pub end_minute: u16,
}

impl Window {
    fn contains(&self, weekday: u32, minute: u32) -> bool {
        self.days & (1 << weekday) != 0
            && u32::from(self.start_minute) <= minute
            && minute < u32::from(self.end_minute)
    }

    fn to_hours(self) -> LoginHours {
        LoginHours {
            days: self.days,
            start: hhmm(self.start_minute),
            end: hhmm(self.end_minute),
        }
    }
}

fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `HH:MM`, 24-hour; `24:00` only where `allow_midnight_end`.
pub fn parse_time(
    field: &'static str,
    raw: &str,
    allow_end_of_day: bool,
) -> Result<u16, DomainError> {
    let raw = raw.trim();
    if allow_end_of_day && raw == "24:00" {
        return Ok(24 * 60);
    }
    let t = NaiveTime::parse_from_str(raw, "%H:%M")
        .map_err(|_| DomainError::invalid(field, "Enter a time as HH:MM, such as 08:30."))?;
    Ok(u16::try_from(t.hour() * 60 + t.minute()).unwrap_or(0))
}

/// An IANA time zone name such as `Europe/Berlin`.
pub fn parse_time_zone(raw: &str) -> Result<Tz, DomainError> {
    raw.trim().parse::<Tz>().map_err(|_| {
        DomainError::invalid(
            "time_zone",
            "Enter a time zone by its IANA name, such as Europe/Berlin or America/New_York.",
        )
    })
}

/// Today on the workspace's calendar, by the injected clock.
pub async fn today(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
) -> Result<chrono::NaiveDate, DomainError> {
    let tz = time_zone(db, workspace).await?;
    Ok(crate::server::platform::days::on(tz, clock.now_ms()))
}

/// The workspace's time zone (UTC until someone sets one).
pub async fn time_zone(db: &Db, workspace: &WorkspaceId) -> Result<Tz, DomainError> {
    let row = sqlx::query("SELECT time_zone FROM workspace_settings WHERE workspace_id = $1")
        .bind(workspace.as_str())
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(Tz::UTC) };
    let name: String = row.try_get("time_zone")?;
    name.parse()
        .map_err(|_| DomainError::Internal(format!("stored time zone {name:?}")))
}

/// The windows `user` may use `workspace` in, or `None` when some role of theirs has no hours
/// (they may use it any time).
pub async fn windows_for(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<Option<Vec<Window>>, DomainError> {
    let rows = sqlx::query(
        "SELECT h.days, h.start_minute, h.end_minute FROM role_assignments a \
         LEFT JOIN login_hours h ON h.role_id = a.role_id AND h.workspace_id = a.workspace_id \
         WHERE a.workspace_id = $1 AND a.user_id = $2 \
           AND (a.expires_at IS NULL OR a.expires_at > $3)",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    let mut windows = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(days) = row.try_get::<Option<i64>, _>("days")? else {
            return Ok(None);
        };
        let minute = |c: &str| -> Result<u16, DomainError> {
            let n: i64 = row.try_get(c)?;
            u16::try_from(n).map_err(|e| DomainError::Internal(format!("login_hours.{c}: {e}")))
        };
        windows.push(Window {
            days: u8::try_from(days).map_err(|e| DomainError::Internal(e.to_string()))?,
            start_minute: minute("start_minute")?,
            end_minute: minute("end_minute")?,
        });
    }
    Ok(Some(windows))
}

/// Whether `windows` allow the instant `at_ms` in `tz`.
pub fn open_at(windows: &[Window], tz: Tz, at_ms: i64) -> bool {
    let Some(local) = tz.timestamp_millis_opt(at_ms).single() else {
        return false;
    };
    let (weekday, minute) = (
        local.weekday().num_days_from_monday(),
        local.hour() * 60 + local.minute(),
    );
    windows.iter().any(|w| w.contains(weekday, minute))
}

/// When `windows` next open after `at_ms`, as "Mon 08:00" in `tz`; `None` if never (no
/// windows at all).
pub fn next_opening(windows: &[Window], tz: Tz, at_ms: i64) -> Option<String> {
    let now = tz.timestamp_millis_opt(at_ms).single()?;
    let today = now.date_naive();
    (0..=7)
        .flat_map(|ahead| {
            let day = today + Duration::days(ahead);
            windows.iter().filter_map(move |w| {
                let weekday = day.weekday().num_days_from_monday();
                if w.days & (1 << weekday) == 0 {
                    return None;
                }
                let start = day.and_hms_opt(
                    u32::from(w.start_minute / 60),
                    u32::from(w.start_minute % 60),
                    0,
                )?;
                // A start skipped by a daylight-saving jump opens at the first valid minute.
                tz.from_local_datetime(&start).earliest().or_else(|| {
                    tz.from_local_datetime(&(start + Duration::hours(1)))
                        .earliest()
                })
            })
        })
        .filter(|start| *start > now)
        .min()
        .map(|start| start.format("%a %H:%M").to_string())
}

/// Whether `user` may use `workspace` now, and if not, the message saying when they may.
pub async fn closed_message(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<Option<String>, DomainError> {
    let Some(windows) = windows_for(db, clock, workspace, user).await? else {
        return Ok(None);
    };
    let tz = time_zone(db, workspace).await?;
    let now = clock.now_ms();
    if open_at(&windows, tz, now) {
        return Ok(None);
    }
    Ok(Some(match next_opening(&windows, tz, now) {
        Some(at) => format!("Your access to this workspace opens at {at} ({tz})."),
        None => "Your roles in this workspace allow no sign-in hours.".to_owned(),
    }))
}

/// The card's content: the time zone and every role's hours. Needs `settings.write`.
pub async fn view(
    db: &Db,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<LoginHoursView, DomainError> {
    let rows = sqlx::query(&format!(
        "SELECT r.id, r.name, r.base_role, h.days, h.start_minute, h.end_minute \
         FROM roles r LEFT JOIN login_hours h ON h.role_id = r.id \
         WHERE r.workspace_id = $1 ORDER BY {}",
        crate::server::access::roles::display_order("r")
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    let mut roles = Vec::with_capacity(rows.len());
    for row in rows {
        let base: Option<String> = row.try_get("base_role")?;
        let hours = match row.try_get::<Option<i64>, _>("days")? {
            None => None,
            Some(days) => {
                let start: i64 = row.try_get("start_minute")?;
                let end: i64 = row.try_get("end_minute")?;
                Some(
                    Window {
                        days: days as u8,
                        start_minute: start as u16,
                        end_minute: end as u16,
                    }
                    .to_hours(),
                )
            }
        };
        roles.push(RoleHours {
            role_id: RoleId::from_db(row.try_get("id")?),
            name: row.try_get("name")?,
            is_owner: base.as_deref() == Some(BaseRole::Owner.key()),
            hours,
        });
    }
    Ok(LoginHoursView {
        time_zone: time_zone(db, grant.workspace()).await?.name().to_owned(),
        roles,
    })
}

/// Sets the workspace's time zone. Needs `settings.write`.
pub async fn set_time_zone(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    raw: &str,
) -> Result<(), DomainError> {
    let tz = parse_time_zone(raw)?;
    sqlx::query(
        "INSERT INTO workspace_settings (workspace_id, time_zone, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id) DO UPDATE SET \
         time_zone = excluded.time_zone, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by",
    )
    .bind(grant.workspace().as_str())
    .bind(tz.name())
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The hours form as sent: ticked weekdays, and times as text.
#[derive(Debug, Default)]
pub struct HoursForm {
    pub role_id: String,
    /// Monday first.
    pub days: [bool; 7],
    pub start: String,
    pub end: String,
}

/// The role of the grant's workspace named by `role_id`, unless it is the Owner role.
async fn editable_role<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    role_id: &str,
) -> Result<RoleId, DomainError> {
    let row = sqlx::query("SELECT id, base_role FROM roles WHERE id = $1 AND workspace_id = $2")
        .bind(role_id)
        .bind(grant.workspace().as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    if row.try_get::<Option<String>, _>("base_role")?.as_deref() == Some(BaseRole::Owner.key()) {
        return Err(DomainError::Conflict(
            "Owners can always sign in, so the Owner role has no login hours.".into(),
        ));
    }
    Ok(RoleId::from_db(row.try_get("id")?))
}

/// Gives a role login hours (replacing any). Needs `settings.write`.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    form: &HoursForm,
) -> Result<(), DomainError> {
    let role = editable_role(db, grant, &form.role_id).await?;
    let days = form
        .days
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .fold(0u8, |acc, (i, _)| acc | (1 << i));
    if days == 0 {
        return Err(DomainError::invalid("days", "Tick at least one weekday."));
    }
    let start = parse_time("start", &form.start, false)?;
    let end = parse_time("end", &form.end, true)?;
    if end <= start {
        return Err(DomainError::invalid(
            "end",
            "The end must be later in the day than the start.",
        ));
    }
    sqlx::query(
        "INSERT INTO login_hours (role_id, workspace_id, days, start_minute, end_minute, \
         updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (role_id) DO UPDATE SET days = excluded.days, \
         start_minute = excluded.start_minute, end_minute = excluded.end_minute, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(role.as_str())
    .bind(grant.workspace().as_str())
    .bind(i64::from(days))
    .bind(i64::from(start))
    .bind(i64::from(end))
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Lets a role sign in at any time again. Needs `settings.write`.
pub async fn clear(
    db: &Db,
    grant: &Grant<keys::SettingsWrite>,
    role_id: &RoleId,
) -> Result<(), DomainError> {
    let role_id = role_id.as_str();
    let role = editable_role(db, grant, role_id).await?;
    sqlx::query("DELETE FROM login_hours WHERE role_id = $1 AND workspace_id = $2")
        .bind(role.as_str())
        .bind(grant.workspace().as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEKDAYS_9_TO_5: Window = Window {
        days: 0b001_1111,
        start_minute: 9 * 60,
        end_minute: 17 * 60,
    };

    /// Milliseconds of a local time in `tz`.
    fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn windows_follow_the_workspace_time_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let w = [WEEKDAYS_9_TO_5];
        // Monday 2026-11-23.
        assert!(open_at(&w, berlin, at(berlin, 2026, 11, 23, 9, 0)));
        assert!(open_at(&w, berlin, at(berlin, 2026, 11, 23, 16, 59)));
        assert!(
            !open_at(&w, berlin, at(berlin, 2026, 11, 23, 17, 0)),
            "end is exclusive"
        );
        assert!(!open_at(&w, berlin, at(berlin, 2026, 11, 23, 8, 59)));
        assert!(
            !open_at(&w, berlin, at(berlin, 2026, 11, 28, 12, 0)),
            "Saturday"
        );
        // 08:30 UTC is 09:30 in Berlin in winter: open there, not in UTC.
        let utc_0830 = at(Tz::UTC, 2026, 11, 23, 8, 30);
        assert!(open_at(&w, berlin, utc_0830));
        assert!(!open_at(&w, Tz::UTC, utc_0830));
        assert!(!open_at(&[], berlin, utc_0830), "no windows: closed");
    }

    #[test]
    fn the_next_opening_is_named_in_local_time() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let w = [WEEKDAYS_9_TO_5];
        assert_eq!(
            next_opening(&w, ny, at(ny, 2026, 11, 23, 7, 0)).as_deref(),
            Some("Mon 09:00")
        );
        assert_eq!(
            next_opening(&w, ny, at(ny, 2026, 11, 23, 18, 0)).as_deref(),
            Some("Tue 09:00")
        );
        assert_eq!(
            next_opening(&w, ny, at(ny, 2026, 11, 27, 18, 0)).as_deref(),
            Some("Mon 09:00"),
            "Friday evening"
        );
        let weekend = Window {
            days: 0b110_0000,
            start_minute: 10 * 60,
            end_minute: 14 * 60,
        };
        assert_eq!(
            next_opening(&[WEEKDAYS_9_TO_5, weekend], ny, at(ny, 2026, 11, 27, 18, 0)).as_deref(),
            Some("Sat 10:00")
        );
        assert_eq!(next_opening(&[], ny, 0), None);
    }

    #[test]
    fn times_and_zones_are_parsed_strictly() {
        assert_eq!(parse_time("start", "08:30", false).unwrap(), 510);
        assert_eq!(parse_time("start", " 00:00 ", false).unwrap(), 0);
        assert_eq!(parse_time("end", "24:00", true).unwrap(), 1440);
        for bad in ["24:00", "8.30", "25:00", "12:60", "", "noon", "-1:00"] {
            assert!(parse_time("start", bad, false).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_time_zone("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert!(parse_time_zone("Mars/Olympus_Mons").is_err());
        assert!(parse_time_zone("").is_err());
    }
}
