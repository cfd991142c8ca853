//! Walks every workspace's chain and proves it intact, or names the first entry that is not:
//! an entry whose content no longer matches its hash (edited), whose link does not match the
//! entry before it (one removed or moved), a gap in the places, an entry outside the chain
//! (slipped in), a head that is not the last entry (the end cut off, or one added past it), or
//! a signed checkpoint that does not hold or names another entry (the chain rewritten).

use sqlx::Row;

use super::chain;
use super::checkpoints;
use super::retention;
use super::signing::PublicKey;
use super::walk::{Broken, Gaps, Proved, Walk};
use crate::model::WorkspaceId;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Entries read per statement.
const BATCH: i64 = 10_000;

/// What one workspace's verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub workspace: WorkspaceId,
    pub result: Result<Proved, Broken>,
}

impl Outcome {
    pub fn broken(&self) -> Option<&Broken> {
        self.result.as_ref().err()
    }
}

/// What a verification of every workspace found.
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    pub fn entries(&self) -> u64 {
        self.outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .map(|p| p.entries)
            .sum()
    }

    /// The first break of each chain that has one.
    pub fn broken(&self) -> Vec<Broken> {
        self.outcomes
            .iter()
            .filter_map(|o| o.broken().cloned())
            .collect()
    }
}

/// Verifies every workspace's chain; checkpoints are checked against `key`.
pub async fn all(db: &Db, key: Option<&PublicKey>) -> Result<Report, DomainError> {
    let mut report = Report::default();
    for workspace in chain::workspaces(db).await? {
        let result = workspace_chain(db, &workspace, key).await?;
        report.outcomes.push(Outcome { workspace, result });
    }
    Ok(report)
}

/// Verifies one workspace's chain up to the head it finds first, so appends made meanwhile
/// (on PostgreSQL each statement sees what is committed) are left for the next time.
pub async fn workspace_chain(
    db: &Db,
    workspace: &WorkspaceId,
    key: Option<&PublicKey>,
) -> Result<Result<Proved, Broken>, DomainError> {
    let ws = workspace.as_str();
    let mut tx = db.begin_in(workspace, false).await?;
    let outside = sqlx::query(
        "SELECT id FROM audit_log WHERE workspace_id = $1 AND seq IS NULL ORDER BY id LIMIT 1",
    )
    .bind(ws)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = outside {
        return Ok(Err(Broken {
            workspace: ws.to_owned(),
            seq: None,
            entry: row.try_get("id")?,
            reason: "the entry has no place in the chain",
        }));
    }
    let head = chain::head(&mut tx, workspace).await?;
    let base = retention::start(&mut tx, workspace).await?;
    let checkpoints = checkpoints::of_workspace(&mut tx, workspace).await?;
    let mut after = base.seq;
    let mut walk = match Walk::new(ws, Gaps::Break, base, key, checkpoints) {
        Ok(walk) => walk,
        Err(broken) => return Ok(Err(broken)),
    };
    // Reading and hashing overlap: one task reads the next batch while this one proves the
    // last, which halves a long walk on SQLite, where reading is half the cost.
    let (send, mut batches) = tokio::sync::mpsc::channel::<Vec<chain::Entry>>(2);
    let (reading, upto) = (workspace.clone(), head.seq);
    let reader = tokio::spawn(async move {
        loop {
            let batch = chain::entries(&mut tx, &reading, after, upto, BATCH).await?;
            let more = batch.len() as i64 == BATCH;
            after = batch.last().map_or(after, |e| e.seq);
            if send.send(batch).await.is_err() || !more {
                return Ok::<_, DomainError>(tx);
            }
        }
    });
    while let Some(batch) = batches.recv().await {
        for entry in &batch {
            if let Err(broken) = walk.step(entry) {
                reader.abort();
                return Ok(Err(broken));
            }
        }
    }
    let mut tx = reader
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))??;
    // Appends committed during the walk are past the head it read; an entry past the head as
    // it stands now was added without extending the chain.
    let beyond = sqlx::query(
        "SELECT id, seq FROM audit_log WHERE workspace_id = $1 AND seq > COALESCE(\
         (SELECT seq FROM audit_heads WHERE workspace_id = $1), 0) ORDER BY seq LIMIT 1",
    )
    .bind(ws)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(row) = beyond {
        return Ok(Err(Broken {
            workspace: ws.to_owned(),
            seq: Some(row.try_get("seq")?),
            entry: row.try_get("id")?,
            reason: "the entry lies past the chain's head (added without extending it)",
        }));
    }
    Ok(walk.finish(Some(&head)))
}
