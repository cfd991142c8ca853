//! Walks every workspace's chain and proves it intact, or names the first entry that is not:
//! an entry whose content no longer matches its hash (edited), whose link does not match the
//! entry before it (one removed or moved), a gap in the places, an entry outside the chain
//! (slipped in), or a head that is not the last entry (the end cut off, or one added past it).

use sqlx::Row;

use super::chain::{self, Content, Head, GENESIS};
use crate::model::WorkspaceId;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Entries read per statement.
const BATCH: i64 = 10_000;

/// The first entry of a workspace's chain that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub workspace: String,
    /// Its place in the chain; `None` for an entry that has none.
    pub seq: Option<i64>,
    /// The entry's id; empty when the break is the head's.
    pub entry: String,
    pub reason: &'static str,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(seq) => write!(
                f,
                "workspace {}, entry #{seq} ({}): {}",
                self.workspace, self.entry, self.reason
            ),
            None => write!(
                f,
                "workspace {}, entry {}: {}",
                self.workspace, self.entry, self.reason
            ),
        }
    }
}

/// What a verification found.
#[derive(Debug, Default)]
pub struct Report {
    pub workspaces: u64,
    pub entries: u64,
    /// The first break of each chain that has one.
    pub broken: Vec<Broken>,
}

/// Verifies every workspace's chain.
pub async fn all(db: &Db) -> Result<Report, DomainError> {
    let workspaces: Vec<String> = sqlx::query("SELECT id FROM workspaces ORDER BY id")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut report = Report::default();
    for raw in workspaces {
        let workspace = WorkspaceId::from_db(raw);
        let (entries, broken) = workspace_chain(db, &workspace).await?;
        report.workspaces += 1;
        report.entries += entries;
        report.broken.extend(broken);
    }
    Ok(report)
}

/// Verifies one workspace's chain: how many entries it walked, and the first break.
pub async fn workspace_chain(
    db: &Db,
    workspace: &WorkspaceId,
) -> Result<(u64, Option<Broken>), DomainError> {
    let ws = workspace.as_str();
    let broken = |seq: Option<i64>, entry: &str, reason: &'static str| Broken {
        workspace: ws.to_owned(),
        seq,
        entry: entry.to_owned(),
        reason,
    };
    let mut tx = db.begin_in(workspace, false).await?;
    let outside = sqlx::query(
        "SELECT id FROM audit_log WHERE workspace_id = $1 AND seq IS NULL ORDER BY id LIMIT 1",
    )
    .bind(ws)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = outside {
        let id: String = row.try_get("id")?;
        return Ok((
            0,
            Some(broken(None, &id, "the entry has no place in the chain")),
        ));
    }
    let mut last = Head {
        seq: 0,
        hash: GENESIS.to_owned(),
    };
    let mut walked = 0u64;
    loop {
        let rows = sqlx::query(
            "SELECT id, seq, actor_ref, action, target, before_state, after_state, created_at, \
             prev_hash, entry_hash FROM audit_log WHERE workspace_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3",
        )
        .bind(ws)
        .bind(last.seq)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let seq: i64 = row.try_get("seq")?;
            if seq != last.seq + 1 {
                let reason = "entries before this one are missing";
                return Ok((walked, Some(broken(Some(seq), &id, reason))));
            }
            let prev: Option<String> = row.try_get("prev_hash")?;
            if prev.as_deref() != Some(last.hash.as_str()) {
                let reason = "the entry does not follow the one before it";
                return Ok((walked, Some(broken(Some(seq), &id, reason))));
            }
            let actor: Option<String> = row.try_get("actor_ref")?;
            let (before, after): (Option<String>, Option<String>) =
                (row.try_get("before_state")?, row.try_get("after_state")?);
            let content = Content {
                workspace: ws,
                seq,
                id: &id,
                actor: actor.as_deref(),
                action: &row.try_get::<String, _>("action")?,
                target: &row.try_get::<String, _>("target")?,
                before: before.as_deref(),
                after: after.as_deref(),
                at_ms: row.try_get("created_at")?,
            };
            let stored: Option<String> = row.try_get("entry_hash")?;
            let hash = chain::hash(&last.hash, &content);
            if stored.as_deref() != Some(hash.as_str()) {
                let reason = "the entry was changed after it was written";
                return Ok((walked, Some(broken(Some(seq), &id, reason))));
            }
            last = Head { seq, hash };
            walked += 1;
        }
        if (rows.len() as i64) < BATCH {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, entry_hash FROM audit_heads WHERE workspace_id = $1")
        .bind(ws)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    let head = match head {
        Some(row) => Head {
            seq: row.try_get("seq")?,
            hash: row.try_get("entry_hash")?,
        },
        None => Head {
            seq: 0,
            hash: GENESIS.to_owned(),
        },
    };
    if head != last {
        let reason = "the chain's head is not its last entry (entries cut off or added)";
        return Ok((walked, Some(broken(Some(head.seq), "", reason))));
    }
    Ok((walked, None))
}
