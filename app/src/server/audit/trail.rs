//! The viewer's export: the entries the viewer's filters select, as the NDJSON of
//! [`super::export`] — a header naming the filters, the checkpoints, then each entry with its
//! place and hashes — streamed in batches, so the export proves itself offline
//! ([`super::offline`]) and a million entries never sit in memory. Needs `audit.read` and a
//! role that allows exports; every export is recorded with its filters and count.

use bytes::Bytes;
use futures::Stream;

use super::chain;
use super::checkpoints;
use super::export::{Line, FORMAT};
use super::selection::Selection;
use crate::permissions::keys::AuditRead;
use crate::server::access::grants::Grant;
use crate::server::exports::log::{self, Recorded};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Entries read per statement.
const BATCH: i64 = 2_000;

/// A started export of the trail.
pub struct Trail {
    db: Db,
    clock: Clock,
    grant: Grant<AuditRead>,
    selection: Selection,
    /// The head when the export started: entries appended meanwhile are left out.
    head: i64,
    after: i64,
    rows: u64,
    header: Option<Vec<u8>>,
    recorded: Recorded,
    done: bool,
}

fn push_line(out: &mut Vec<u8>, line: &Line) -> Result<(), DomainError> {
    serde_json::to_writer(&mut *out, line).map_err(|e| DomainError::Internal(e.to_string()))?;
    out.push(b'\n');
    Ok(())
}

/// Starts an export of the entries `selection` picks; `raw` is the filters as typed, for the
/// record and the header.
pub async fn start(
    db: &Db,
    clock: &Clock,
    grant: Grant<AuditRead>,
    selection: Selection,
    raw: &str,
    ip: Option<&str>,
) -> Result<Trail, DomainError> {
    let recorded = {
        let proof = grant.export()?;
        let asked = log::Asked {
            list: "audit",
            filters: raw,
            columns: &[],
            ip,
            total: None,
        };
        log::start(db, clock, &proof, &asked).await?
    };
    let workspace = grant.workspace().clone();
    let mut tx = grant.begin(db, false).await?;
    let head = chain::head(&mut tx, &workspace).await?;
    let mut header = Vec::new();
    push_line(
        &mut header,
        &Line::Header {
            format: FORMAT.to_owned(),
            version: 1,
            workspace: workspace.as_str().to_owned(),
            exported_at: clock.now_ms(),
            filter: Some(raw.to_owned()).filter(|r| !r.is_empty()),
        },
    )?;
    for cp in checkpoints::of_workspace(&mut tx, &workspace).await? {
        if cp.seq <= head.seq {
            push_line(&mut header, &Line::Checkpoint(cp))?;
        }
    }
    tx.commit().await?;
    Ok(Trail {
        db: db.clone(),
        clock: clock.clone(),
        grant,
        selection,
        head: head.seq,
        after: 0,
        rows: 0,
        header: Some(header),
        recorded,
        done: false,
    })
}

impl Trail {
    /// The next chunk of the file; `None` once every selected entry is out.
    pub async fn next(&mut self) -> Option<Result<Bytes, DomainError>> {
        if let Some(header) = self.header.take() {
            return Some(Ok(Bytes::from(header)));
        }
        if self.done {
            return None;
        }
        let chunk = self.batch().await;
        if chunk.is_err() {
            self.done = true;
        }
        Some(chunk)
    }

    /// Each batch checks the role's export restriction again, as record exports do.
    async fn batch(&mut self) -> Result<Bytes, DomainError> {
        let proof = self.grant.export()?;
        let grant = proof.grant();
        let mut sql = chain::entries_sql(grant.workspace(), self.after, self.head);
        self.selection.push_where(&mut sql);
        sql.push(" ORDER BY a.seq LIMIT ").int(BATCH);
        let mut tx = grant.begin(&self.db, false).await?;
        let entries = chain::fetch_entries(&mut tx, &sql).await?;
        tx.commit().await?;
        let (count, last) = (entries.len(), entries.last().map(|e| e.seq));
        let mut out = Vec::with_capacity(count * 400);
        for entry in entries {
            push_line(&mut out, &Line::Entry(entry))?;
        }
        self.rows += count as u64;
        match last {
            Some(last) if count as i64 == BATCH => self.after = last,
            _ => {
                self.done = true;
                self.recorded
                    .finish(&self.db, &self.clock, self.rows)
                    .await?;
            }
        }
        Ok(Bytes::from(out))
    }

    /// The file as a stream, for a response body.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, DomainError>> + Send + 'static {
        futures::stream::unfold(self, |mut t| async move {
            let chunk = t.next().await?;
            Some((chunk, t))
        })
    }
}
