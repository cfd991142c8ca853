//! How many days a workspace gives itself to answer a privacy request: 30 unless an
//! administrator (`settings.write`) sets 1 to 90. The due day is counted from the day the
//! requester confirmed, in the workspace's time zone.

use sqlx::Row;

use crate::model::WorkspaceId;
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

pub const DEFAULT_DUE_DAYS: i64 = 30;
const MIN_DAYS: i64 = 1;
const MAX_DAYS: i64 = 90;

/// The workspace's days to answer, read in a transaction confined to it.
pub async fn due_days(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<i64, DomainError> {
    let row = sqlx::query("SELECT due_days FROM privacy_settings WHERE workspace_id = $1")
        .bind(workspace.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => row.try_get("due_days")?,
        None => DEFAULT_DUE_DAYS,
    })
}

/// The workspace's days to answer, for a holder of any key there.
pub async fn of<K: crate::permissions::Key>(db: &Db, grant: &Grant<K>) -> Result<i64, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let days = due_days(&mut tx, grant.workspace()).await?;
    tx.commit().await?;
    Ok(days)
}

/// Days as typed.
pub fn parse_days(raw: &str) -> Result<i64, DomainError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (MIN_DAYS..=MAX_DAYS).contains(d))
        .ok_or_else(|| DomainError::invalid("due_days", "Enter a number of days from 1 to 90."))
}

/// Sets the days to answer new requests (those already received keep their due day).
/// Recorded as `settings.privacy` with before and after. Needs `settings.write`.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    raw: &str,
) -> Result<(), DomainError> {
    let days = parse_days(raw)?;
    let mut tx = grant.begin(db, true).await?;
    let before = due_days(&mut tx, grant.workspace()).await?;
    if before == days {
        return Ok(());
    }
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO privacy_settings (workspace_id, due_days, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id) DO UPDATE \
         SET due_days = excluded.due_days, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
    )
    .bind(grant.workspace().as_str())
    .bind(days)
    .bind(grant.user().as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "settings.privacy",
        target: grant.workspace().as_str(),
        before: Some(serde_json::json!({ "due_days": before })),
        after: Some(serde_json::json!({ "due_days": days })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_one_to_ninety() {
        assert_eq!(parse_days(" 30 ").unwrap(), 30);
        assert_eq!(parse_days("1").unwrap(), 1);
        assert_eq!(parse_days("90").unwrap(), 90);
        for bad in ["0", "91", "", "thirty", "-5", "7.5"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }
}
