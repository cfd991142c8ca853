//! The record of each verification of a workspace's chain, so the audit page can say when the
//! trail was last proved intact — or where it was found broken.

use sqlx::Row;

use super::verify::Outcome;
use crate::model::ChainCheck;
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Keeps each outcome of a verification, one row per workspace.
pub async fn record(db: &Db, clock: &Clock, outcomes: &[Outcome]) -> Result<(), DomainError> {
    let at = clock.now_ms();
    for outcome in outcomes {
        let (entries, signed_through, broken_seq, reason) = match &outcome.result {
            Ok(proved) => (proved.entries as i64, proved.signed_through, None, None),
            Err(broken) => (0, 0, broken.seq, Some(broken.reason)),
        };
        let mut tx = db.begin_in(&outcome.workspace, true).await?;
        sqlx::query(
            "INSERT INTO audit_verifications (id, workspace_id, verified_at, entries, \
             signed_through, broken_seq, broken_reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(outcome.workspace.as_str())
        .bind(at)
        .bind(entries)
        .bind(signed_through)
        .bind(broken_seq)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The workspace's last verification, if it has had one.
pub async fn last(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
) -> Result<Option<ChainCheck>, DomainError> {
    let workspace = grant.workspace();
    let mut tx = db.begin_in(workspace, false).await?;
    let row = sqlx::query(
        "SELECT verified_at, entries, signed_through, broken_seq, broken_reason \
         FROM audit_verifications WHERE workspace_id = $1 \
         ORDER BY verified_at DESC, id DESC LIMIT 1",
    )
    .bind(workspace.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    let reason: Option<String> = row.try_get("broken_reason")?;
    let seq: Option<i64> = row.try_get("broken_seq")?;
    Ok(Some(ChainCheck {
        at_ms: row.try_get("verified_at")?,
        entries: row.try_get("entries")?,
        signed_through: row.try_get("signed_through")?,
        broken: reason.map(|reason| match seq {
            Some(seq) => format!("at entry #{seq}: {reason}"),
            None => reason,
        }),
    }))
}
