//! A workspace's alert thresholds: its own (set by a holder of `settings.write`, recorded in
//! the trail) or the defaults.

use sqlx::Row;

use crate::model::{AlertThresholds, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::{set_workspace, Db};
use crate::server::platform::error::DomainError;

pub const DEFAULTS: AlertThresholds = AlertThresholds {
    account_burst: 5,
    address_burst: 10,
    refusal_burst: 5,
};
/// Below two, one mistyped password is an alert; above a thousand, no burst ever is.
pub const MIN: i64 = 2;
pub const MAX: i64 = 1000;

/// The workspace's thresholds, inside the caller's transaction.
pub async fn of(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<AlertThresholds, DomainError> {
    set_workspace(conn, workspace).await?;
    let row = sqlx::query(
        "SELECT account_burst, address_burst, refusal_burst FROM alert_settings \
         WHERE workspace_id = $1",
    )
    .bind(workspace.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => AlertThresholds {
            account_burst: r.try_get("account_burst")?,
            address_burst: r.try_get("address_burst")?,
            refusal_burst: r.try_get("refusal_burst")?,
        },
        None => DEFAULTS,
    })
}

/// The grant's workspace's thresholds. Needs `settings.write`, as changing them does.
pub async fn load(
    db: &Db,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<AlertThresholds, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let thresholds = of(&mut tx, grant.workspace()).await?;
    tx.commit().await?;
    Ok(thresholds)
}

/// The thresholds as typed in the form.
#[derive(Debug, Clone, Default)]
pub struct ThresholdsForm {
    pub account_burst: String,
    pub address_burst: String,
    pub refusal_burst: String,
}

impl ThresholdsForm {
    /// Each value a whole number from [`MIN`] to [`MAX`]; the first that is not is named.
    pub fn parse(&self) -> Result<AlertThresholds, DomainError> {
        let number = |field: &'static str, raw: &str| {
            raw.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (MIN..=MAX).contains(n))
                .ok_or_else(|| {
                    DomainError::invalid(
                        field,
                        format!("Enter a whole number from {MIN} to {MAX}."),
                    )
                })
        };
        Ok(AlertThresholds {
            account_burst: number("account_burst", &self.account_burst)?,
            address_burst: number("address_burst", &self.address_burst)?,
            refusal_burst: number("refusal_burst", &self.refusal_burst)?,
        })
    }
}

fn as_json(t: &AlertThresholds) -> serde_json::Value {
    serde_json::json!({
        "account_burst": t.account_burst,
        "address_burst": t.address_burst,
        "refusal_burst": t.refusal_burst,
    })
}

/// Saves the grant's workspace's thresholds, recorded in the trail with before and after.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    form: &ThresholdsForm,
) -> Result<AlertThresholds, DomainError> {
    let new = form.parse()?;
    let mut tx = grant.begin(db, true).await?;
    let before = of(&mut tx, grant.workspace()).await?;
    sqlx::query(
        "INSERT INTO alert_settings (workspace_id, account_burst, address_burst, refusal_burst, \
         updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id) \
         DO UPDATE SET account_burst = excluded.account_burst, \
         address_burst = excluded.address_burst, refusal_burst = excluded.refusal_burst, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(grant.workspace().as_str())
    .bind(new.account_burst)
    .bind(new.address_burst)
    .bind(new.refusal_burst)
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "settings.alert_thresholds",
        target: grant.workspace().as_str(),
        before: Some(as_json(&before)),
        after: Some(as_json(&new)),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(a: &str, b: &str, c: &str) -> ThresholdsForm {
        ThresholdsForm {
            account_burst: a.into(),
            address_burst: b.into(),
            refusal_burst: c.into(),
        }
    }

    #[test]
    fn whole_numbers_in_range_are_taken_and_the_first_bad_field_is_named() {
        assert_eq!(
            form(" 3 ", "1000", "2").parse().unwrap(),
            AlertThresholds {
                account_burst: 3,
                address_burst: 1000,
                refusal_burst: 2
            }
        );
        for (bad, field) in [
            (form("1", "10", "5"), "account_burst"),
            (form("5", "1001", "5"), "address_burst"),
            (form("5", "10", "2.5"), "refusal_burst"),
            (form("5", "10", "<b>5</b>"), "refusal_burst"),
            (form("", "", ""), "account_burst"),
        ] {
            match bad.parse() {
                Err(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
}
