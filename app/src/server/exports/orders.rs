//! The order list as CSV: one row per order, its total plain (`1234.50`) beside its currency.

use std::borrow::Cow;

use super::kit::{amount, or_blank, utc, Address, Column, Exporter};
use crate::model::{ExportList, Order};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::listing::ListParams;
use crate::server::records::orders::{self, ListQuery};

pub struct Orders;

impl Exporter for Orders {
    const LIST: ExportList = ExportList::ORDERS;
    const KIND: &'static RecordKind = &orders::KIND;
    const OWN: &'static [&'static str] = &["status"];
    const COLUMNS: &'static [Column<Order>] = &[
        Column::plain("Id", |o| o.id.as_str().into()),
        Column::plain("Reference", |o| Cow::Borrowed(&o.reference)),
        Column::plain("Customer", |o| Cow::Borrowed(&o.header.customer)),
        Column::plain("Status", |o| o.status.key().into()),
        Column::plain("Currency", |o| Cow::Borrowed(&o.header.totals.currency)),
        Column::plain("Total", |o| {
            amount(o.header.totals.total_minor, &o.header.totals.currency)
        }),
        Column::plain("Assigned to", |o| or_blank(&o.header.assigned_to)),
        Column::plain("Team", |o| or_blank(&o.header.team)),
        Column::plain("Notes", |o| Cow::Borrowed(&o.header.notes)),
        Column::plain("Updated", |o| utc(o.header.updated_at_ms)),
    ];
    type Read = keys::OrdersRead;
    type Export = keys::OrdersRead;
    type Query = ListQuery;
    type Row = Order;

    fn query(list: ListParams, address: &Address) -> Result<ListQuery, DomainError> {
        ListQuery::new(list, address.get("status"))
    }

    fn list(query: &mut ListQuery) -> &mut ListParams {
        &mut query.list
    }

    async fn batch(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::OrdersRead>,
        query: &ListQuery,
    ) -> Result<(Vec<Order>, Option<String>), DomainError> {
        let page = orders::list(db, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::OrdersRead>,
        query: &ListQuery,
    ) -> Result<u64, DomainError> {
        orders::count_listed(db, grant, query).await
    }
}
