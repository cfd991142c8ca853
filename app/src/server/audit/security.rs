//! Security events over time, read from the trail: failed and refused sign-ins of the
//! workspace's members per day, and the accounts and addresses they came for or from, with the
//! lockouts and refused calls of the same days.

use std::collections::HashMap;

use sqlx::Row;

use crate::model::{Bar, SecurityOverview};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::reports::weeks;

/// Days the overview covers, today included.
pub const DAYS: i64 = 14;

/// Sign-in steps that failed or were refused.
const FAILED_SIGN_INS: [&str; 5] = [
    "sign_in.failed",
    "sign_in.locked",
    "sign_in.network",
    "sign_in.hours",
    "second_factor.failed",
];

/// The most accounts and addresses listed.
const TOP: usize = 10;

/// The grant's workspace's security events of the last [`DAYS`] days (UTC). Needs
/// `audit.read`.
pub async fn overview(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::AuditRead>,
) -> Result<SecurityOverview, DomainError> {
    let today = clock.now_ms().div_euclid(DAY_MS);
    let since = (today - DAYS + 1) * DAY_MS;
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(
        "SELECT a.created_at, a.action, a.ip, COALESCE(a.count, 1) AS n, \
         COALESCE(u.display_name, a.target) AS account FROM audit_log a \
         LEFT JOIN users u ON u.id = a.target \
         WHERE a.workspace_id = $1 AND a.created_at >= $2 \
         AND (a.outcome IN ('failed', 'refused') OR a.action = 'account.locked')",
    )
    .bind(grant.workspace().as_str())
    .bind(since)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut per_day = vec![0i64; DAYS as usize];
    let (mut by_account, mut by_address) = (HashMap::new(), HashMap::new());
    let (mut lockouts, mut refusals) = (0, 0);
    for row in &rows {
        let action: String = row.try_get("action")?;
        let n: i64 = row.try_get("n")?;
        if action == "account.locked" {
            lockouts += n;
            continue;
        }
        if !FAILED_SIGN_INS.contains(&action.as_str()) {
            refusals += n;
            continue;
        }
        let at: i64 = row.try_get("created_at")?;
        let day = (at.div_euclid(DAY_MS) - (today - DAYS + 1)).clamp(0, DAYS - 1);
        per_day[day as usize] += n;
        *by_account
            .entry(row.try_get::<String, _>("account")?)
            .or_insert(0) += n;
        let ip: Option<String> = row.try_get("ip")?;
        *by_address
            .entry(ip.unwrap_or_else(|| "unknown".to_owned()))
            .or_insert(0) += n;
    }
    let days = per_day
        .iter()
        .enumerate()
        .map(|(i, n)| Bar {
            label: day_label((today - DAYS + 1 + i as i64) * DAY_MS),
            value: *n,
            shown: n.to_string(),
        })
        .collect();
    let failed_sign_ins = per_day.iter().sum();
    Ok(SecurityOverview {
        description: format!(
            "Failed or refused sign-in steps per day (UTC) since {}: {failed_sign_ins} in all.",
            crate::model::utc_date(since)
        ),
        failed_sign_ins,
        days,
        by_account: top(by_account),
        by_address: top(by_address),
        lockouts,
        refusals,
    })
}

/// The largest counts first (ties by name), at most [`TOP`].
fn top(counts: HashMap<String, i64>) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(TOP);
    counts
}

/// "6 Dec".
fn day_label(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| weeks::label(t.date_naive()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_labelled_for_people_and_the_largest_counts_come_first() {
        assert_eq!(day_label(1_765_000_000_000), "6 Dec");
        assert_eq!(day_label(1_767_225_600_000), "1 Jan");
        let counts = HashMap::from([
            ("b".to_owned(), 3),
            ("a".to_owned(), 3),
            ("c".to_owned(), 9),
        ]);
        assert_eq!(
            top(counts),
            [
                ("c".to_owned(), 9),
                ("a".to_owned(), 3),
                ("b".to_owned(), 3)
            ]
        );
    }
}
