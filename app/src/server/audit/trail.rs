//! The viewer's export: the entries the viewer's filters select, streamed in batches so a
//! million entries never sit in memory. As NDJSON it is [`super::export`]'s file — a header
//! naming the filters, the checkpoints, then each entry with its place and hashes — which
//! proves itself offline ([`super::offline`]). As CSV it is for reading in a spreadsheet: one
//! row per entry with its hashes for reference, and cells a spreadsheet would run made text
//! (so proving is the NDJSON's job). Needs `audit.read` and a role that allows exports; every
//! export is recorded with its filters and count.

use std::borrow::Cow;

use bytes::Bytes;
use futures::Stream;

use super::chain::{self, Entry};
use super::checkpoints;
use super::export::{Line, FORMAT, VERSION};
use super::retention;
use super::selection::Selection;
use crate::model::utc_datetime;
use crate::permissions::keys::AuditRead;
use crate::server::access::grants::Grant;
use crate::server::exports::cells::{neutralise, UTF8_BOM};
use crate::server::exports::log::{self, Recorded};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Entries read per statement.
const BATCH: i64 = 2_000;

/// The file an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

/// The CSV's columns.
pub const CSV_COLUMNS: [&str; 16] = [
    "seq",
    "at",
    "actor",
    "actor_kind",
    "action",
    "outcome",
    "target",
    "reason",
    "ip",
    "user_agent",
    "count",
    "before",
    "after",
    "id",
    "prev_hash",
    "entry_hash",
];

/// A started export of the trail.
pub struct Trail {
    format: Format,
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
    format: Format,
    ip: Option<&str>,
) -> Result<Trail, DomainError> {
    let recorded = {
        let proof = grant.export()?;
        let asked = log::Asked {
            list: "audit",
            filters: raw,
            columns: match format {
                Format::Ndjson => &[],
                Format::Csv => &CSV_COLUMNS,
            },
            ip,
            total: None,
        };
        log::start(db, clock, &proof, &asked).await?
    };
    let workspace = grant.workspace().clone();
    let mut tx = grant.begin(db, false).await?;
    let head = chain::head(&mut tx, &workspace).await?;
    let base = retention::start(&mut tx, &workspace).await?;
    let mut header = Vec::new();
    match format {
        Format::Csv => {
            header.extend_from_slice(UTF8_BOM);
            csv_row(&mut header, CSV_COLUMNS.map(Cow::Borrowed))?;
        }
        Format::Ndjson => {
            let top = Line::Header {
                format: FORMAT.to_owned(),
                version: VERSION,
                workspace: workspace.as_str().to_owned(),
                exported_at: clock.now_ms(),
                filter: Some(raw.to_owned()).filter(|r| !r.is_empty()),
                purged_through: Some(base.clone()).filter(|b| b.seq > 0),
            };
            push_line(&mut header, &top)?;
            for cp in checkpoints::of_workspace(&mut tx, &workspace).await? {
                if cp.seq <= head.seq {
                    push_line(&mut header, &Line::Checkpoint(cp))?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(Trail {
        format,
        db: db.clone(),
        clock: clock.clone(),
        grant,
        selection,
        head: head.seq,
        after: base.seq,
        rows: 0,
        header: Some(header),
        recorded,
        done: false,
    })
}

/// One CSV row, each cell made safe for a spreadsheet.
fn csv_row<'a>(
    out: &mut Vec<u8>,
    cells: impl IntoIterator<Item = Cow<'a, str>>,
) -> Result<(), DomainError> {
    let mut writer = csv::Writer::from_writer(out);
    let cells: Vec<String> = cells
        .into_iter()
        .map(|c| neutralise(&c).into_owned())
        .collect();
    writer
        .write_record(&cells)
        .and_then(|()| writer.flush().map_err(csv::Error::from))
        .map_err(|e| DomainError::Internal(e.to_string()))
}

fn csv_entry(out: &mut Vec<u8>, e: Entry) -> Result<(), DomainError> {
    let text = |v: Option<String>| Cow::Owned(v.unwrap_or_default());
    csv_row(
        out,
        [
            Cow::Owned(e.seq.to_string()),
            Cow::Owned(utc_datetime(e.at_ms)),
            text(e.actor),
            text(e.actor_kind),
            Cow::Owned(e.action),
            Cow::Owned(e.outcome.unwrap_or_else(|| "done".to_owned())),
            Cow::Owned(e.target),
            text(e.reason),
            text(e.ip),
            text(e.user_agent),
            Cow::Owned(e.count.unwrap_or(1).to_string()),
            text(e.before),
            text(e.after),
            Cow::Owned(e.id),
            text(e.prev_hash),
            text(e.entry_hash),
        ],
    )
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
            match self.format {
                Format::Ndjson => push_line(&mut out, &Line::Entry(Box::new(entry)))?,
                Format::Csv => csv_entry(&mut out, entry)?,
            }
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
