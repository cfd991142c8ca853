//! The customer list as CSV: one column per field the caller may see (the tax id only with
//! `customers.sensitive`), the rows of the list as they see it, written batch by batch.

use bytes::Bytes;
use futures::Stream;

use super::cells::{neutralise, UTF8_BOM};
use super::log::Recorded;
use crate::model::Customer;
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::customers::{export, ListQuery};

/// The columns, in order; `Tax id` only for those who may see it. A file exported by someone
/// else imports alike, since the header names the columns.
pub fn columns(tax_id: bool) -> Vec<&'static str> {
    let mut all = vec!["Id", "Kind", "Name", "Email", "Phone", "Company"];
    if tax_id {
        all.push("Tax id");
    }
    all.extend(["Tags", "Assigned to", "Team", "Notes"]);
    all
}

fn record<'a>(c: &'a Customer, tags: &'a str) -> Vec<&'a str> {
    let mut cells = vec![
        c.id.as_str(),
        c.kind.key(),
        &c.name,
        &c.email,
        &c.phone,
        &c.company,
    ];
    if let Some(tax) = &c.tax_id {
        cells.push(tax);
    }
    cells.extend([
        tags,
        c.assigned_to.as_deref().unwrap_or_default(),
        c.team.as_deref().unwrap_or_default(),
        &c.notes,
    ]);
    cells
}

/// Appends the rows to `out` as CSV, every cell neutralised; cells are borrowed, not copied.
fn write_rows<'a, I, R>(out: &mut Vec<u8>, rows: I) -> Result<(), DomainError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = &'a str>,
{
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer
            .write_record(row.into_iter().map(|c| neutralise(c)).map(|c| match c {
                std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.as_bytes()),
                std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o.into_bytes()),
            }))
            .map_err(|e| DomainError::Internal(format!("csv: {e}")))?;
    }
    writer
        .flush()
        .map_err(|e| DomainError::Internal(format!("csv: {e}")))
}

struct Walk {
    db: Db,
    clock: Clock,
    grant: Grant<keys::CustomersExport>,
    query: ListQuery,
    recorded: Recorded,
    rows: u64,
    /// `None` before the header; then the cursor of the next batch; finished when done.
    next: Step,
}

enum Step {
    Header,
    Batch(Option<String>),
    Done,
}

/// The export as a stream of CSV chunks: the header, then one chunk per batch. Each batch
/// checks the export grant again (the role's restriction), so the stream carries no proof
/// beyond its first batch. When the last batch is out, the row count is recorded.
pub fn csv_stream(
    db: Db,
    clock: Clock,
    grant: Grant<keys::CustomersExport>,
    query: ListQuery,
    recorded: Recorded,
) -> impl Stream<Item = Result<Bytes, DomainError>> + Send + 'static {
    let walk = Walk {
        db,
        clock,
        grant,
        query,
        recorded,
        rows: 0,
        next: Step::Header,
    };
    futures::stream::unfold(walk, |mut w| async move {
        let chunk = match std::mem::replace(&mut w.next, Step::Done) {
            Step::Done => return None,
            Step::Header => header(&mut w),
            Step::Batch(after) => batch(&mut w, after).await,
        };
        if chunk.is_err() {
            w.next = Step::Done;
        }
        Some((chunk, w))
    })
}

fn header(w: &mut Walk) -> Result<Bytes, DomainError> {
    let export = w.grant.export()?;
    let mut bytes = UTF8_BOM.to_vec();
    write_rows(&mut bytes, [columns(export::shows_tax_id(&export))])?;
    // The whole list, whatever page the person was looking at.
    w.query.list.after = None;
    w.next = Step::Batch(None);
    Ok(Bytes::from(bytes))
}

async fn batch(w: &mut Walk, after: Option<String>) -> Result<Bytes, DomainError> {
    let export = w.grant.export()?;
    w.query.list.after = after;
    let (items, next) = export::batch(&w.db, &export, &w.query).await?;
    w.rows += items.len() as u64;
    let tags: Vec<String> = items.iter().map(|c| c.tags.join("; ")).collect();
    let mut bytes = Vec::with_capacity(items.len() * 160);
    write_rows(
        &mut bytes,
        items.iter().zip(&tags).map(|(c, t)| record(c, t)),
    )?;
    match next {
        Some(cursor) => w.next = Step::Batch(Some(cursor)),
        None => w.recorded.finish(&w.db, &w.clock, w.rows).await?,
    }
    Ok(Bytes::from(bytes))
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

    #[test]
    fn the_tax_id_column_is_there_only_when_shown() {
        assert!(columns(true).contains(&"Tax id"));
        assert!(!columns(false).contains(&"Tax id"));
    }
}
