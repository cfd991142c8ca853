//! Any list as CSV: the checks before the first byte, the record of the export, then the
//! header and one chunk per batch. Memory stays flat however long the list: a batch is
//! written and dropped before the next is read.

use std::borrow::Cow;

use bytes::Bytes;
use futures::Stream;

use super::cells::{neutralise, UTF8_BOM};
use super::kit::{Address, Exporter};
use super::log::{self, Recorded};
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::listing::ExportBatch;

/// Who asks, and how: the grants of the list's read key and of its export key, the address
/// as it came (recorded as typed) and parsed, where from, and whether the file is to be
/// written in the background (then the list's rows are counted first, for the progress bar).
pub struct Request<'a, E: Exporter> {
    pub read: Grant<E::Read>,
    pub export: Grant<E::Export>,
    pub address: &'a Address,
    pub raw: &'a str,
    pub ip: Option<&'a str>,
    pub background: bool,
}

/// Starts an export: the role must allow exports, the address must be the list's, and the
/// first batch is read before anything is sent, so a refused filter is an answer with the
/// field named rather than a broken file. Then the export is on record and the walk can run.
pub async fn start<E: Exporter>(
    db: &Db,
    clock: &Clock,
    asked: Request<'_, E>,
) -> Result<Walk<E>, DomainError> {
    const {
        assert!(
            <E::Export as Key>::PERMISSION as u32 == E::LIST.key as u32,
            "an exporter's key is the one its list names"
        );
    }
    let Request {
        read,
        export,
        address,
        raw,
        ip,
        background,
    } = asked;
    let shown: Vec<usize> = E::COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, c)| c.field.is_none_or(|f| E::KIND.shows(&read, f)))
        .map(|(i, _)| i)
        .collect();
    let mut query = E::query(address.list(), address)?;
    let (first, recorded) = {
        let proof = export.export()?;
        E::list(&mut query).batch = Some(ExportBatch::of(&proof));
        let first = E::batch(db, clock, &read, &query).await?;
        let total = match background {
            true => Some(E::count(db, clock, &read, &query).await?),
            false => None,
        };
        let columns: Vec<&str> = shown.iter().map(|i| E::COLUMNS[*i].name).collect();
        let asked = log::Asked {
            list: E::LIST.name,
            filters: raw,
            columns: &columns,
            ip,
            total,
        };
        (first, log::start(db, clock, &proof, &asked).await?)
    };
    Ok(Walk::<E> {
        db: db.clone(),
        clock: clock.clone(),
        read,
        export,
        query,
        shown,
        recorded,
        rows: 0,
        next: Step::Header(first),
    })
}

/// A started export: the header with the first batch, then one chunk per batch.
pub struct Walk<E: Exporter> {
    db: Db,
    clock: Clock,
    read: Grant<E::Read>,
    export: Grant<E::Export>,
    query: E::Query,
    /// Indices into `E::COLUMNS` of the columns this reader gets.
    shown: Vec<usize>,
    recorded: Recorded,
    rows: u64,
    next: Step<E::Row>,
}

enum Step<R> {
    /// The header and the batch read while starting.
    Header((Vec<R>, Option<String>)),
    /// The batch after this cursor.
    Batch(String),
    Done,
}

impl<E: Exporter> Walk<E> {
    /// The next chunk of the file; `None` once the list is done, or after an error.
    pub async fn next(&mut self) -> Option<Result<Bytes, DomainError>> {
        let chunk = match std::mem::replace(&mut self.next, Step::Done) {
            Step::Done => return None,
            Step::Header(first) => self.header(first).await,
            Step::Batch(after) => self.batch(after).await,
        };
        if chunk.is_err() {
            self.next = Step::Done;
        }
        Some(chunk)
    }

    /// The file as a stream, for a response body.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, DomainError>> + Send + 'static {
        futures::stream::unfold(self, |mut w| async move {
            let chunk = w.next().await?;
            Some((chunk, w))
        })
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The export's record.
    pub fn recorded(&self) -> &Recorded {
        &self.recorded
    }

    async fn header(&mut self, first: (Vec<E::Row>, Option<String>)) -> Result<Bytes, DomainError> {
        let mut bytes = UTF8_BOM.to_vec();
        let names = self.shown.iter().map(|i| E::COLUMNS[*i].name);
        write_rows(&mut bytes, [names])?;
        self.rows_out(&mut bytes, first).await?;
        Ok(Bytes::from(bytes))
    }

    /// Each batch checks the role's export restriction again, so the stream carries no proof
    /// beyond the batch it reads.
    async fn batch(&mut self, after: String) -> Result<Bytes, DomainError> {
        let proof = self.export.export()?;
        let list = E::list(&mut self.query);
        list.after = Some(after);
        list.batch = Some(ExportBatch::of(&proof));
        let batch = E::batch(&self.db, &self.clock, &self.read, &self.query).await?;
        let mut bytes = Vec::with_capacity(batch.0.len() * 160);
        self.rows_out(&mut bytes, batch).await?;
        Ok(Bytes::from(bytes))
    }

    /// Writes the rows; when the list is done, records the count.
    async fn rows_out(
        &mut self,
        out: &mut Vec<u8>,
        (rows, next): (Vec<E::Row>, Option<String>),
    ) -> Result<(), DomainError> {
        self.rows += rows.len() as u64;
        let shown = &self.shown;
        write_rows(
            out,
            rows.iter()
                .map(|r| shown.iter().map(move |i| (E::COLUMNS[*i].cell)(r))),
        )?;
        match next {
            Some(cursor) => self.next = Step::Batch(cursor),
            None => {
                self.recorded
                    .finish(&self.db, &self.clock, self.rows)
                    .await?
            }
        }
        Ok(())
    }
}

/// Appends the rows to `out` as CSV, every cell neutralised.
fn write_rows<I, R, C>(out: &mut Vec<u8>, rows: I) -> Result<(), DomainError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        let cells: Vec<C> = row.into_iter().collect();
        writer
            .write_record(cells.iter().map(|c| match neutralise(c.as_ref()) {
                Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
                Cow::Owned(o) => Cow::Owned(o.into_bytes()),
            }))
            .map_err(|e| DomainError::Internal(format!("csv: {e}")))?;
    }
    writer
        .flush()
        .map_err(|e| DomainError::Internal(format!("csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        let mut bytes = Vec::new();
        write_rows(
            &mut bytes,
            [vec!["=1+1", "a,b", "say \"hi\"", "line\nbreak"]],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "'=1+1,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\"\n"
        );
    }
}
