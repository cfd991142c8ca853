//! Retention per record type: how many days a workspace keeps its finished records — those the
//! record kit declares may go ([`Retention`]) — before the daily purge removes them with their
//! lines, messages and files, or, for customers with no activity, erases them as a deletion
//! request would ([`Ending`]). Read with `audit.read`, set with `settings.write`; each change and
//! each purge is in the trail, the purge naming every record it removed or erased.

use sqlx::Row;

use crate::model::utc_date;
use crate::model::{RetentionPolicy, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::audit::append::{append, Actor, Event, Outcome};
use crate::server::audit::chain;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::privacy::erasure::{self, Cause};
use crate::server::records::kind::{Ending, RecordKind, Retention};
use crate::server::records::kinds::KINDS;

pub const MIN_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 3650;
/// Records removed per kind, workspace and run: a large backlog goes over several days rather
/// than in one long transaction.
const BATCH: i64 = 500;

/// The kinds a policy may be set for, with what they remove.
fn kinds() -> impl Iterator<Item = (&'static RecordKind, &'static Retention)> {
    KINDS
        .iter()
        .filter_map(|k| k.retention.as_ref().map(|r| (*k, r)))
}

/// The kind a form names, by its table.
fn kind_named(raw: &str) -> Result<(&'static RecordKind, &'static Retention), DomainError> {
    kinds()
        .find(|(k, _)| k.table == raw.trim())
        .ok_or_else(|| DomainError::invalid("kind", "Choose a record type from the list."))
}

/// Days as typed: empty keeps the records until deleted, else 30 to 3650.
pub fn days(raw: &str) -> Result<Option<i64>, DomainError> {
    match raw.trim() {
        "" => Ok(None),
        typed => typed
            .parse::<i64>()
            .ok()
            .filter(|d| (MIN_DAYS..=MAX_DAYS).contains(d))
            .map(Some)
            .ok_or_else(|| {
                DomainError::invalid(
                    "days",
                    "Enter a number of days from 30 to 3650, or leave it empty to keep them.",
                )
            }),
    }
}

/// Each record type a policy may cover, with the workspace's days. Needs `audit.read`.
pub async fn policies(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
) -> Result<Vec<RetentionPolicy>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query("SELECT kind, days FROM retention_policies WHERE workspace_id = $1")
        .bind(grant.workspace().as_str())
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut set = Vec::with_capacity(rows.len());
    for row in rows {
        set.push((
            row.try_get::<String, _>("kind")?,
            row.try_get::<i64, _>("days")?,
        ));
    }
    Ok(kinds()
        .map(|(kind, retention)| RetentionPolicy {
            kind: kind.table.to_owned(),
            words: retention.words.to_owned(),
            days: set.iter().find(|(k, _)| k == kind.table).map(|(_, d)| *d),
        })
        .collect())
}

/// Sets how many days `kind`'s finished records are kept (empty: until deleted). Needs
/// `settings.write`.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    kind: &str,
    raw_days: &str,
) -> Result<(), DomainError> {
    let (kind, _) = kind_named(kind)?;
    let days = days(raw_days)?;
    let workspace = grant.workspace().as_str();
    let mut tx = grant.begin(db, true).await?;
    let before: Option<i64> =
        sqlx::query("SELECT days FROM retention_policies WHERE workspace_id = $1 AND kind = $2")
            .bind(workspace)
            .bind(kind.table)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("days"))
            .transpose()?;
    if before == days {
        return Ok(());
    }
    match days {
        Some(days) => {
            sqlx::query(
                "INSERT INTO retention_policies (workspace_id, kind, days, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, kind) DO UPDATE SET \
                 days = excluded.days, updated_by = excluded.updated_by, \
                 updated_at = excluded.updated_at",
            )
            .bind(workspace)
            .bind(kind.table)
            .bind(days)
            .bind(grant.user().as_str())
            .bind(clock.now_ms())
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM retention_policies WHERE workspace_id = $1 AND kind = $2")
                .bind(workspace)
                .bind(kind.table)
                .execute(&mut *tx)
                .await?;
        }
    }
    let state = |d: Option<i64>| serde_json::json!({ "kind": kind.table, "days": d });
    let change = Change {
        action: "settings.retention",
        target: kind.table,
        before: Some(state(before)),
        after: Some(state(days)),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// What one run removed of one kind in one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    pub workspace: WorkspaceId,
    pub kind: &'static str,
    pub records: usize,
}

/// Removes, in every workspace, the finished records older than its policy keeps them (up to
/// [`BATCH`] per kind and run), each kind's removal and its trail entry in one transaction.
pub async fn purge_due(db: &Db, clock: &Clock) -> Result<Vec<Purged>, DomainError> {
    let mut purged = Vec::new();
    for workspace in chain::workspaces(db).await? {
        for (kind, retention) in kinds() {
            if let Some(records) = purge_kind(db, clock, &workspace, kind, retention).await? {
                purged.push(Purged {
                    workspace: workspace.clone(),
                    kind: kind.table,
                    records,
                });
            }
        }
    }
    Ok(purged)
}

async fn purge_kind(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    kind: &RecordKind,
    retention: &Retention,
) -> Result<Option<usize>, DomainError> {
    let now = clock.now_ms();
    let mut tx = db.begin_in(workspace, true).await?;
    let Some(days) =
        sqlx::query("SELECT days FROM retention_policies WHERE workspace_id = $1 AND kind = $2")
            .bind(workspace.as_str())
            .bind(kind.table)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>("days"))
            .transpose()?
    else {
        return Ok(None);
    };
    let table = kind.table;
    let ids: Vec<String> = sqlx::query(&format!(
        "SELECT id FROM {table} WHERE workspace_id = $1 AND ({}) AND {} < $2 \
         ORDER BY {}, id LIMIT $3",
        retention.finished, retention.since, retention.since
    ))
    .bind(workspace.as_str())
    .bind(now - days * DAY_MS)
    .bind(BATCH)
    .bind(utc_date(now))
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, sqlx::Error>>()?;
    if ids.is_empty() {
        return Ok(None);
    }
    for id in &ids {
        match retention.ending {
            Ending::Delete => {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE workspace_id = $1 AND id = $2"
                ))
                .bind(workspace.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Ending::Erase => {
                erasure::erase(&mut tx, workspace, id, now, Cause::Retention).await?;
            }
        }
    }
    let event = Event {
        actor: Actor::System,
        action: match retention.ending {
            Ending::Delete => "retention.purge",
            Ending::Erase => "retention.erase",
        },
        target: table,
        outcome: Outcome::Done,
        reason: Some("past the workspace's retention policy"),
        before: None,
        after: Some(
            serde_json::json!({
                "kind": table,
                "days": days,
                "records": ids.len(),
                "ids": ids,
            })
            .to_string(),
        ),
        origin: None,
        count: 1,
        at_ms: now,
    };
    append(&mut tx, workspace, event).await?;
    tx.commit().await?;
    Ok(Some(ids.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_30_to_3650_or_empty() {
        assert_eq!(days(" ").unwrap(), None);
        assert_eq!(days("30").unwrap(), Some(30));
        assert_eq!(days(" 3650 ").unwrap(), Some(3650));
        for bad in ["29", "3651", "-5", "a year", "1e3"] {
            match days(bad) {
                Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "days", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn only_finished_records_of_kinds_that_declare_it_may_go() {
        let tables: Vec<&str> = kinds().map(|(k, _)| k.table).collect();
        assert_eq!(tables, ["customers", "quotes", "orders", "tickets"]);
        assert!(kind_named("payments").is_err());
    }
}
