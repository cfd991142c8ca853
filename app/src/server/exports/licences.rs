//! The licence list as CSV; the licence key only for those who see it whole
//! (`licences.write`), never its masked form.

use std::borrow::Cow;

use super::kit::{or_blank, utc, Address, Column, Exporter};
use crate::model::{ExportList, Licence};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::licences::{self, ListQuery};
use crate::server::records::listing::ListParams;

pub struct Licences;

impl Exporter for Licences {
    const LIST: ExportList = ExportList::LICENCES;
    const KIND: &'static RecordKind = &licences::KIND;
    const OWN: &'static [&'static str] = &["status"];
    const COLUMNS: &'static [Column<Licence>] = &[
        Column::plain("Id", |l| l.id.as_str().into()),
        Column::plain("Reference", |l| Cow::Borrowed(&l.reference)),
        Column::plain("Product", |l| Cow::Borrowed(&l.product)),
        Column::plain("Customer", |l| Cow::Borrowed(&l.customer)),
        Column::plain("Seats", |l| l.seats.to_string().into()),
        Column::plain("Valid from", |l| Cow::Borrowed(&l.valid_from)),
        Column::plain("Valid until", |l| Cow::Borrowed(&l.valid_until)),
        Column::plain("Status", |l| l.status.key().into()),
        Column::sensitive("Licence key", "licence_key", |l| {
            Cow::Borrowed(&l.licence_key)
        }),
        Column::plain("Suspended because", |l| Cow::Borrowed(&l.suspended_reason)),
        Column::plain("Assigned to", |l| or_blank(&l.assigned_to)),
        Column::plain("Team", |l| or_blank(&l.team)),
        Column::plain("Notes", |l| Cow::Borrowed(&l.notes)),
        Column::plain("Updated", |l| utc(l.updated_at_ms)),
    ];
    type Read = keys::LicencesRead;
    type Export = keys::LicencesRead;
    type Query = ListQuery;
    type Row = Licence;

    fn query(list: ListParams, address: &Address) -> Result<ListQuery, DomainError> {
        ListQuery::new(list, address.get("status"))
    }

    fn list(query: &mut ListQuery) -> &mut ListParams {
        &mut query.list
    }

    async fn batch(
        db: &Db,
        clock: &Clock,
        grant: &Grant<keys::LicencesRead>,
        query: &ListQuery,
    ) -> Result<(Vec<Licence>, Option<String>), DomainError> {
        let page = licences::list(db, clock, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        clock: &Clock,
        grant: &Grant<keys::LicencesRead>,
        query: &ListQuery,
    ) -> Result<u64, DomainError> {
        licences::count_listed(db, clock, grant, query).await
    }
}
