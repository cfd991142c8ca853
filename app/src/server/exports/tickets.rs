//! The ticket list as CSV, in the view and filters the list page had (all, mine,
//! unassigned; status; priority). The thread stays in Gatehouse: a ticket's replies and
//! internal notes are not in the file.

use std::borrow::Cow;

use super::kit::{or_blank, utc, Address, Column, Exporter};
use crate::model::{ExportList, Ticket};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::listing::ListParams;
use crate::server::records::tickets::{self, ListQuery};

pub struct Tickets;

impl Exporter for Tickets {
    const LIST: ExportList = ExportList::TICKETS;
    const KIND: &'static RecordKind = &tickets::KIND;
    const OWN: &'static [&'static str] = &["view", "status", "priority"];
    const COLUMNS: &'static [Column<Ticket>] = &[
        Column::plain("Id", |t| t.id.as_str().into()),
        Column::plain("Reference", |t| Cow::Borrowed(&t.reference)),
        Column::plain("Subject", |t| Cow::Borrowed(&t.subject)),
        Column::plain("Customer", |t| Cow::Borrowed(&t.customer)),
        Column::plain("Status", |t| t.status.key().into()),
        Column::plain("Priority", |t| t.priority.key().into()),
        Column::plain("Assigned to", |t| or_blank(&t.assigned_to)),
        Column::plain("Team", |t| or_blank(&t.team)),
        Column::plain("Updated", |t| utc(t.updated_at_ms)),
    ];
    type Read = keys::TicketsRead;
    type Export = keys::TicketsRead;
    type Query = ListQuery;
    type Row = Ticket;

    fn query(list: ListParams, a: &Address) -> Result<ListQuery, DomainError> {
        ListQuery::new(list, a.get("view"), a.get("status"), a.get("priority"))
    }

    fn list(query: &mut ListQuery) -> &mut ListParams {
        &mut query.list
    }

    async fn batch(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::TicketsRead>,
        query: &ListQuery,
    ) -> Result<(Vec<Ticket>, Option<String>), DomainError> {
        let page = tickets::list(db, grant, query).await?;
        Ok((page.items, page.next))
    }

    async fn count(
        db: &Db,
        _: &Clock,
        grant: &Grant<keys::TicketsRead>,
        query: &ListQuery,
    ) -> Result<u64, DomainError> {
        tickets::count_listed(db, grant, query).await
    }
}
