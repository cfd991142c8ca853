//! The document library's list as CSV: titles, tags and owners, not the files (those are
//! downloaded one by one, each download recorded).

use std::borrow::Cow;

use super::kit::{or_blank, utc, Address, Column, Exporter};
use crate::model::{Document, ExportList};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::library;
use crate::server::records::listing::ListParams;

pub struct Documents;

impl Exporter for Documents {
    const LIST: ExportList = ExportList::DOCUMENTS;
    const KIND: &'static RecordKind = &library::KIND;
    const OWN: &'static [&'static str] = &[];
    const COLUMNS: &'static [Column<Document>] = &[
        Column::plain("Id", |d| d.id.as_str().into()),
        Column::plain("Title", |d| Cow::Borrowed(&d.title)),
        Column::plain("Description", |d| Cow::Borrowed(&d.description)),
        Column::plain("Tags", |d| d.tags.join("; ").into()),
        Column::plain("Owner", |d| or_blank(&d.assigned_to)),
        Column::plain("Team", |d| or_blank(&d.team)),
        Column::plain("Versions", |d| d.versions.to_string().into()),
        Column::plain("Updated", |d| utc(d.updated_at_ms)),
    ];
    type Read = keys::DocumentsRead;
    type Export = keys::DocumentsRead;
    type Query = ListParams;
    type Row = Document;

    fn query(list: ListParams, _: &Address) -> Result<ListParams, DomainError> {
        Ok(list)
    }

    fn list(query: &mut ListParams) -> &mut ListParams {
        query
    }

    async fn batch(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::DocumentsRead>,
        query: &ListParams,
    ) -> Result<(Vec<Document>, Option<String>), DomainError> {
        let page = library::list(db, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::DocumentsRead>,
        query: &ListParams,
    ) -> Result<u64, DomainError> {
        library::count_listed(db, grant, query).await
    }
}
