//! The product catalogue as CSV, in the columns the product import reads back (prices plain,
//! `1234.50`, so a spreadsheet sums them).

use std::borrow::Cow;

use super::kit::{amount, utc, Address, Column, Exporter};
use crate::model::{ExportList, Product};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::listing::ListParams;
use crate::server::records::products::{self, ListQuery};

pub struct Products;

impl Exporter for Products {
    const LIST: ExportList = ExportList::PRODUCTS;
    const KIND: &'static RecordKind = &products::KIND;
    const OWN: &'static [&'static str] = &[];
    const COLUMNS: &'static [Column<Product>] = &[
        Column::plain("Id", |p| p.id.as_str().into()),
        Column::plain("SKU", |p| Cow::Borrowed(&p.sku)),
        Column::plain("Name", |p| Cow::Borrowed(&p.name)),
        Column::plain("Description", |p| Cow::Borrowed(&p.description)),
        Column::plain("Unit price", |p| amount(p.unit_price_minor, &p.currency)),
        Column::plain("Currency", |p| Cow::Borrowed(&p.currency)),
        Column::plain("Stock", |p| {
            p.stock.map(|s| s.to_string()).unwrap_or_default().into()
        }),
        Column::plain("Active", |p| if p.active { "yes" } else { "no" }.into()),
        Column::plain("Updated", |p| utc(p.updated_at_ms)),
    ];
    type Read = keys::ProductsRead;
    type Export = keys::ProductsRead;
    type Query = ListQuery;
    type Row = Product;

    fn query(list: ListParams, _: &Address) -> Result<ListQuery, DomainError> {
        Ok(ListQuery { list })
    }

    fn list(query: &mut ListQuery) -> &mut ListParams {
        &mut query.list
    }

    async fn batch(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::ProductsRead>,
        query: &ListQuery,
    ) -> Result<(Vec<Product>, Option<String>), DomainError> {
        let page = products::list(db, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::ProductsRead>,
        query: &ListQuery,
    ) -> Result<u64, DomainError> {
        products::count_listed(db, grant, query).await
    }
}
