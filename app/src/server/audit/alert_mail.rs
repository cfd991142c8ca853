//! Mails each alert once to the workspace's administrators — the active members who hold
//! `settings.write` — after the transaction that raised it. An alert is claimed before its
//! mail goes, so several server processes never send the same one, and released for the next
//! run if no administrator's mail could be sent.

use sqlx::Row;

use crate::model::{utc_datetime, WorkspaceId};
use crate::permissions::Permission;
use crate::server::audit::chain;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::mail::Mailer;
use crate::server::workspace::recipients;

/// Alerts claimed per workspace and run: a flood waits for the next run, it does not stall one.
const BATCH: i64 = 20;

struct Claimed {
    id: String,
    summary: String,
    at_ms: i64,
}

/// Mails the alerts not mailed yet, in every workspace; returns how many went.
pub async fn send_due(
    db: &Db,
    clock: &Clock,
    mailer: &Mailer,
    public_url: &str,
) -> Result<u32, DomainError> {
    let mut sent = 0;
    for workspace in chain::workspaces(db).await? {
        let claimed = claim(db, clock, &workspace).await?;
        if claimed.is_empty() {
            continue;
        }
        let admins = recipients::holding(db, clock, &workspace, Permission::SettingsWrite).await?;
        for alert in claimed {
            let subject = format!("Gatehouse alert: {}", alert.summary);
            let text = format!(
                "{}\n\nLast at {}.\n\nThe workspace's alerts:\n{public_url}/audit/alerts\n",
                alert.summary,
                utc_datetime(alert.at_ms)
            );
            let delivered = mailer.send_each(&admins, &subject, &text).await;
            if delivered {
                sent += 1;
            } else if !admins.is_empty() {
                release(db, &workspace, &alert.id).await?;
            }
        }
    }
    Ok(sent)
}

async fn claim(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
) -> Result<Vec<Claimed>, DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    let rows = sqlx::query(
        "SELECT id, summary, last_at_ms FROM alerts \
         WHERE workspace_id = $1 AND mailed_at_ms IS NULL ORDER BY id LIMIT $2",
    )
    .bind(workspace.as_str())
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let mut claimed = Vec::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let taken = sqlx::query(
            "UPDATE alerts SET mailed_at_ms = $1 WHERE id = $2 AND mailed_at_ms IS NULL",
        )
        .bind(clock.now_ms())
        .bind(&id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 1 {
            claimed.push(Claimed {
                id,
                summary: row.try_get("summary")?,
                at_ms: row.try_get("last_at_ms")?,
            });
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

async fn release(db: &Db, workspace: &WorkspaceId, id: &str) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    sqlx::query("UPDATE alerts SET mailed_at_ms = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
