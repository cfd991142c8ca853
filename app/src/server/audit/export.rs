//! A workspace's trail as a file that proves itself: NDJSON, one JSON value per line — a header,
//! the signed checkpoints, then every entry with its place and hashes. Values are JSON strings,
//! so a control character in a recorded value is escaped and can never start a line of its own.
//! [`super::offline`] verifies such a file with nothing but the public key.

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::chain::{self, Entry, Head};
use super::checkpoints;
use super::retention;
use super::walk::Checkpoint;
use crate::model::WorkspaceId;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The name the header gives the format.
pub const FORMAT: &str = "gatehouse-audit";

/// The format's version: 2 added each entry's actor kind, outcome, reason, address, user agent
/// and count; a version-1 file (entries without them) still verifies.
pub const VERSION: u32 = 2;

/// One line of an exported trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    Header {
        format: String,
        version: u32,
        workspace: String,
        exported_at: i64,
        /// The viewer's filters, as typed; absent for the whole trail.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<String>,
        /// Where the chain starts when older entries were purged: the last purged entry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purged_through: Option<Head>,
    },
    Checkpoint(Checkpoint),
    Entry(Box<Entry>),
}

/// Entries read per statement.
const BATCH: i64 = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
}

/// The workspace whose id or slug is `name`: for the operator's `server audit export`, who
/// holds the database anyway.
pub async fn workspace_named(db: &Db, name: &str) -> Result<Option<WorkspaceId>, DomainError> {
    let row = sqlx::query("SELECT id FROM workspaces WHERE id = $1 OR slug = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => Some(WorkspaceId::from_db(sqlx::Row::try_get(&row, "id")?)),
        None => None,
    })
}

/// Writes the workspace's whole chain, up to its head as it stands when the export starts, and
/// its checkpoints; returns how many entries were written.
pub async fn workspace(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    out: &mut impl Write,
) -> Result<u64, ExportError> {
    let mut tx = db
        .begin_in(workspace, false)
        .await
        .map_err(DomainError::from)?;
    let head = chain::head(&mut tx, workspace).await?;
    let base = retention::start(&mut tx, workspace).await?;
    let mut line = |value: &Line| -> Result<(), ExportError> {
        serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        Ok(())
    };
    line(&Line::Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        workspace: workspace.as_str().to_owned(),
        exported_at: clock.now_ms(),
        filter: None,
        purged_through: Some(base.clone()).filter(|b| b.seq > 0),
    })?;
    for cp in checkpoints::of_workspace(&mut tx, workspace).await? {
        if cp.seq <= head.seq {
            line(&Line::Checkpoint(cp))?;
        }
    }
    let (mut after, mut written) = (base.seq, 0);
    loop {
        let batch = chain::entries(&mut tx, workspace, after, head.seq, BATCH).await?;
        for entry in batch.iter() {
            after = entry.seq;
            line(&Line::Entry(Box::new(entry.clone())))?;
        }
        written += batch.len() as u64;
        if (batch.len() as i64) < BATCH {
            break;
        }
    }
    tx.commit().await.map_err(DomainError::from)?;
    out.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_value_cannot_start_a_line_of_its_own() {
        let forged = "Ops\n{\"type\":\"entry\"}\r\u{1b}[2J\u{2028}";
        let line = Line::Entry(Box::new(Entry {
            id: "e".into(),
            seq: 1,
            actor: Some(forged.into()),
            action: "team.create".into(),
            target: forged.into(),
            before: None,
            after: Some(forged.into()),
            at_ms: 0,
            actor_kind: Some("visitor".into()),
            outcome: Some("failed".into()),
            reason: Some(forged.into()),
            ip: Some("192.0.2.1".into()),
            user_agent: Some(forged.into()),
            count: Some(1),
            prev_hash: None,
            entry_hash: None,
        }));
        let text = serde_json::to_string(&line).unwrap();
        assert!(!text.chars().any(|c| c.is_control()), "{text}");
        assert_eq!(serde_json::from_str::<Line>(&text).unwrap(), line);
    }
}
