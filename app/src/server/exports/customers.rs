//! The customer list as CSV. The columns are the ones an import reads back (a file exported
//! by someone else imports alike); the tax id only for holders of `customers.sensitive`.

use std::borrow::Cow;

use super::kit::{or_blank, Address, Column, Exporter};
use crate::model::{Customer, ExportList};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::customers::{self, ListQuery};
use crate::server::records::kind::RecordKind;
use crate::server::records::listing::ListParams;

pub struct Customers;

impl Exporter for Customers {
    const LIST: ExportList = ExportList::CUSTOMERS;
    const KIND: &'static RecordKind = &customers::KIND;
    const OWN: &'static [&'static str] = &["tag", "kind"];
    const COLUMNS: &'static [Column<Customer>] = &[
        Column::plain("Id", |c| c.id.as_str().into()),
        Column::plain("Kind", |c| c.kind.key().into()),
        Column::plain("Name", |c| Cow::Borrowed(&c.name)),
        Column::plain("Email", |c| Cow::Borrowed(&c.email)),
        Column::plain("Phone", |c| Cow::Borrowed(&c.phone)),
        Column::plain("Company", |c| Cow::Borrowed(&c.company)),
        Column::sensitive("Tax id", "tax_id", |c| or_blank(&c.tax_id)),
        Column::plain("Tags", |c| c.tags.join("; ").into()),
        Column::plain("Assigned to", |c| or_blank(&c.assigned_to)),
        Column::plain("Team", |c| or_blank(&c.team)),
        Column::plain("Notes", |c| Cow::Borrowed(&c.notes)),
    ];
    type Read = keys::CustomersRead;
    type Export = keys::CustomersExport;
    type Query = ListQuery;
    type Row = Customer;

    fn query(list: ListParams, address: &Address) -> Result<ListQuery, DomainError> {
        ListQuery::new(list, address.get("tag"), address.get("kind"))
    }

    fn list(query: &mut ListQuery) -> &mut ListParams {
        &mut query.list
    }

    async fn batch(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::CustomersRead>,
        query: &ListQuery,
    ) -> Result<(Vec<Customer>, Option<String>), DomainError> {
        let page = customers::list(db, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::CustomersRead>,
        query: &ListQuery,
    ) -> Result<u64, DomainError> {
        customers::count_listed(db, grant, query).await
    }
}
