//! How long a workspace keeps its trail, and the purge of what is older. A purge never breaks
//! the proof: it removes entries only up to a place a signed checkpoint still lies beyond, so
//! the hashes from the first entry kept up to that checkpoint prove the start the chain is
//! walked from (the last purged entry's hash, kept in `audit_purges`). The purge is itself an
//! entry of the trail (`audit.purged`, naming that start), written in the same transaction.

use sqlx::Row;

use super::append::{append, Actor, Event, Outcome};
use super::chain::{self, Head};
use super::checkpoints;
use super::signing::PublicKey;
use super::walk::PURGED;
use crate::model::WorkspaceId;
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Days kept unless a workspace says otherwise.
pub const DEFAULT_DAYS: i64 = 400;
pub const MIN_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 3650;

/// Where the workspace's chain starts: the genesis, or its last purged entry.
pub async fn start(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<Head, DomainError> {
    let row =
        sqlx::query("SELECT through_seq, through_hash FROM audit_purges WHERE workspace_id = $1")
            .bind(workspace.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some(row) => Head {
            seq: row.try_get("through_seq")?,
            hash: row.try_get("through_hash")?,
        },
        None => Head::genesis(),
    })
}

/// The workspace's retention and its last purge, for the audit page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub days: i64,
    /// The last purged place (0: nothing purged yet) and when.
    pub purged_through: i64,
    pub purged_at: Option<i64>,
}

impl Kept {
    /// The rule and the last purge, in words, for the audit page.
    pub fn summary(&self) -> String {
        let purged = match self.purged_at {
            Some(at) if self.purged_through > 0 => format!(
                "Entries up to #{} were purged on {}; the hashes from there to a signed \
                 checkpoint prove where the trail now starts.",
                self.purged_through,
                crate::model::utc_datetime(at)
            ),
            _ => "Nothing has been purged yet.".to_owned(),
        };
        format!(
            "Entries are kept for {} days. Older ones are purged once a day, only up to a place \
             a signed checkpoint still lies beyond, so what remains stays provable. {purged}",
            self.days
        )
    }
}

pub async fn kept(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<Kept, DomainError> {
    let days = days(conn, workspace).await?;
    let row =
        sqlx::query("SELECT through_seq, purged_at FROM audit_purges WHERE workspace_id = $1")
            .bind(workspace.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Kept {
        days,
        purged_through: row
            .as_ref()
            .map(|r| r.try_get("through_seq"))
            .transpose()?
            .unwrap_or(0),
        purged_at: row.as_ref().map(|r| r.try_get("purged_at")).transpose()?,
    })
}

/// The grant's workspace's retention and last purge. Needs `audit.read`.
pub async fn of_workspace(db: &Db, grant: &Grant<keys::AuditRead>) -> Result<Kept, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let kept = kept(&mut tx, grant.workspace()).await?;
    tx.commit().await?;
    Ok(kept)
}

async fn days(conn: &mut sqlx::AnyConnection, workspace: &WorkspaceId) -> Result<i64, DomainError> {
    let row = sqlx::query("SELECT retention_days FROM audit_settings WHERE workspace_id = $1")
        .bind(workspace.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => row.try_get("retention_days")?,
        None => DEFAULT_DAYS,
    })
}

/// Sets how many days the grant's workspace keeps its trail (`raw` as typed), recorded in the
/// trail. Needs `settings.write`.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    raw: &str,
) -> Result<i64, DomainError> {
    let days = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (MIN_DAYS..=MAX_DAYS).contains(d))
        .ok_or_else(|| {
            DomainError::invalid(
                "days",
                format!("Enter a whole number of days from {MIN_DAYS} to {MAX_DAYS}."),
            )
        })?;
    let mut tx = grant.begin(db, true).await?;
    let before = self::days(&mut tx, grant.workspace()).await?;
    sqlx::query(
        "INSERT INTO audit_settings (workspace_id, retention_days, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id) DO UPDATE SET \
         retention_days = excluded.retention_days, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by",
    )
    .bind(grant.workspace().as_str())
    .bind(days)
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "settings.audit_retention",
        target: grant.workspace().as_str(),
        before: Some(serde_json::json!({ "retention_days": before })),
        after: Some(serde_json::json!({ "retention_days": days })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(days)
}

/// One workspace's purge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    pub workspace: WorkspaceId,
    pub through_seq: i64,
    pub entries: u64,
}

/// Purges, in every workspace, the entries older than its retention that a checkpoint signed
/// with `key` still lies beyond.
pub async fn purge(db: &Db, clock: &Clock, key: &PublicKey) -> Result<Vec<Purged>, DomainError> {
    let mut purged = Vec::new();
    for workspace in chain::workspaces(db).await? {
        purge_reads(db, clock, &workspace).await?;
        if let Some(p) = purge_workspace(db, clock, &workspace, key).await? {
            purged.push(p);
        }
    }
    Ok(purged)
}

/// Drops the sensitive-data access log's days older than the workspace keeps its trail. The
/// log is not chained, so no checkpoint needs to cover what goes.
async fn purge_reads(db: &Db, clock: &Clock, workspace: &WorkspaceId) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    let older_than = clock.now_ms() - days(&mut tx, workspace).await? * DAY_MS;
    sqlx::query("DELETE FROM sensitive_reads WHERE workspace_id = $1 AND last_at_ms < $2")
        .bind(workspace.as_str())
        .bind(older_than)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn purge_workspace(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    key: &PublicKey,
) -> Result<Option<Purged>, DomainError> {
    let ws = workspace.as_str();
    let mut tx = db.begin_in(workspace, true).await?;
    // Appends wait for the purge, and the purge for appends in flight.
    chain::lock_head(&mut tx, workspace).await?;
    let base = start(&mut tx, workspace).await?;
    let days = days(&mut tx, workspace).await?;
    let older_than = clock.now_ms() - days * DAY_MS;
    let signed = checkpoints::of_workspace(&mut tx, workspace)
        .await?
        .into_iter()
        .filter(|cp| cp.key_id == key.id())
        .map(|cp| cp.seq)
        .max();
    let Some(signed) = signed else {
        return Ok(None);
    };
    let through: Option<i64> = sqlx::query(
        "SELECT MAX(seq) AS seq FROM audit_log WHERE workspace_id = $1 AND seq > $2 \
         AND seq < $3 AND created_at < $4",
    )
    .bind(ws)
    .bind(base.seq)
    .bind(signed)
    .bind(older_than)
    .fetch_one(&mut *tx)
    .await?
    .try_get("seq")?;
    let Some(through) = through else {
        return Ok(None);
    };
    let hash: String =
        sqlx::query("SELECT entry_hash FROM audit_log WHERE workspace_id = $1 AND seq = $2")
            .bind(ws)
            .bind(through)
            .fetch_one(&mut *tx)
            .await?
            .try_get("entry_hash")?;
    let entries =
        sqlx::query("DELETE FROM audit_log WHERE workspace_id = $1 AND seq > $2 AND seq <= $3")
            .bind(ws)
            .bind(base.seq)
            .bind(through)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    sqlx::query("DELETE FROM audit_checkpoints WHERE workspace_id = $1 AND seq <= $2")
        .bind(ws)
        .bind(through)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO audit_purges (workspace_id, through_seq, through_hash, purged_at, entries) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id) DO UPDATE SET \
         through_seq = excluded.through_seq, through_hash = excluded.through_hash, \
         purged_at = excluded.purged_at, entries = audit_purges.entries + excluded.entries",
    )
    .bind(ws)
    .bind(through)
    .bind(&hash)
    .bind(clock.now_ms())
    .bind(i64::try_from(entries).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    let event = Event {
        actor: Actor::System,
        action: PURGED,
        target: ws,
        outcome: Outcome::Done,
        reason: Some("older than the workspace keeps its trail"),
        before: None,
        after: Some(
            serde_json::json!({
                "through_seq": through,
                "through_hash": hash,
                "entries": entries,
                "older_than_ms": older_than,
                "retention_days": days,
            })
            .to_string(),
        ),
        origin: None,
        count: 1,
        at_ms: clock.now_ms(),
    };
    append(&mut tx, workspace, event).await?;
    tx.commit().await?;
    Ok(Some(Purged {
        workspace: workspace.clone(),
        through_seq: through,
        entries,
    }))
}
