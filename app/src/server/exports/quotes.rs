//! The quote list as CSV: one row per quote, its total plain (`1234.50`) beside its currency.

use std::borrow::Cow;

use super::kit::{amount, or_blank, utc, Address, Column, Exporter};
use crate::model::{ExportList, Quote};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::listing::ListParams;
use crate::server::records::quotes::{self, ListQuery};

pub struct Quotes;

impl Exporter for Quotes {
    const LIST: ExportList = ExportList::QUOTES;
    const KIND: &'static RecordKind = &quotes::KIND;
    const OWN: &'static [&'static str] = &["status"];
    const COLUMNS: &'static [Column<Quote>] = &[
        Column::plain("Id", |q| q.id.as_str().into()),
        Column::plain("Reference", |q| Cow::Borrowed(&q.reference)),
        Column::plain("Title", |q| Cow::Borrowed(&q.title)),
        Column::plain("Customer", |q| Cow::Borrowed(&q.header.customer)),
        Column::plain("Status", |q| q.status.key().into()),
        Column::plain("Valid until", |q| Cow::Borrowed(&q.valid_until)),
        Column::plain("Currency", |q| Cow::Borrowed(&q.header.totals.currency)),
        Column::plain("Total", |q| {
            amount(q.header.totals.total_minor, &q.header.totals.currency)
        }),
        Column::plain("Assigned to", |q| or_blank(&q.header.assigned_to)),
        Column::plain("Team", |q| or_blank(&q.header.team)),
        Column::plain("Notes", |q| Cow::Borrowed(&q.header.notes)),
        Column::plain("Updated", |q| utc(q.header.updated_at_ms)),
    ];
    type Read = keys::QuotesRead;
    type Export = keys::QuotesRead;
    type Query = ListQuery;
    type Row = Quote;

    fn query(list: ListParams, address: &Address) -> Result<ListQuery, DomainError> {
        ListQuery::new(list, address.get("status"))
    }

    fn list(query: &mut ListQuery) -> &mut ListParams {
        &mut query.list
    }

    async fn batch(
        db: &Db,
        clock: &Clock,
        grant: &Grant<keys::QuotesRead>,
        query: &ListQuery,
    ) -> Result<(Vec<Quote>, Option<String>), DomainError> {
        let page = quotes::list(db, clock, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        clock: &Clock,
        grant: &Grant<keys::QuotesRead>,
        query: &ListQuery,
    ) -> Result<u64, DomainError> {
        quotes::count_listed(db, clock, grant, query).await
    }
}
