//! Support tickets: a record kind on the record kit, numbered per workspace (T-7), of a customer
//! the writer can see, with a thread of public replies and internal notes ([`thread`]) and a
//! status flow ([`flow`]). A ticket may be unassigned, waiting in its team's queue: the `team`
//! scope then reaches it through the team, `all` always, `assigned` only once it is someone's.
//! Lists offer the views people work from — assigned to me, unassigned — besides status,
//! priority and search.

pub mod flow;
mod form;
pub mod thread;

use sqlx::Row;

pub(crate) use self::form::SUBJECT;
pub use self::form::{EditForm, TicketForm};
use crate::model::{
    CustomerId, MessageKind, TeamId, Ticket, TicketDetail, TicketId, TicketPage, TicketPriority,
    TicketStatus, UserId,
};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::{Bulk, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::bulk::{self, Selection};
use crate::server::records::filter_choices;
use crate::server::records::kind::{Ending, Reach, RecordKind, Retention};
use crate::server::records::listing::{self, ListParams, Listing};
use crate::server::records::sql::Sql;
use crate::server::records::{history, numbering, rows, version};

/// Tickets, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "tickets",
    noun: "ticket",
    path: "/tickets",
    alias: "tk",
    resource: Resource::Tickets,
    sorts: &crate::model::TICKET_SORTS,
    search: &["tk.subject_key", "cu.name_key"],
    reach: Reach::Assigned {
        assignee: "assigned_user_id",
        team: "team_id",
    },
    sensitive: &[],
    versioned: true,
    customer: Some("tk.customer_id"),
    retention: Some(Retention {
        words: "Closed tickets",
        finished: "status = 'closed'",
        since: "status_changed_at",
        ending: Ending::Delete,
    }),
};

const COLUMNS: &str = "tk.id, tk.number, tk.subject, tk.customer_id, cu.name AS customer_name, \
     tk.status, tk.priority, tk.assigned_user_id, u.display_name AS assignee, tk.team_id, \
     t.name AS team_name, tk.version, tk.updated_at FROM tickets tk \
     JOIN customers cu ON cu.id = tk.customer_id \
     LEFT JOIN users u ON u.id = tk.assigned_user_id LEFT JOIN teams t ON t.id = tk.team_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Ticket, DomainError> {
    let stored = |column: &str| -> Result<String, DomainError> { Ok(row.try_get(column)?) };
    let status = stored("status")?;
    let priority = stored("priority")?;
    Ok(Ticket {
        id: TicketId::from_db(row.try_get("id")?),
        reference: format!("T-{}", row.try_get::<i64, _>("number")?),
        subject: row.try_get("subject")?,
        customer_id: CustomerId::from_db(row.try_get("customer_id")?),
        customer: row.try_get("customer_name")?,
        status: TicketStatus::from_key(&status)
            .ok_or_else(|| DomainError::Internal(format!("ticket status {status:?}")))?,
        priority: TicketPriority::from_key(&priority)
            .ok_or_else(|| DomainError::Internal(format!("ticket priority {priority:?}")))?,
        assigned_user_id: row
            .try_get::<Option<String>, _>("assigned_user_id")?
            .map(UserId::from_db),
        assigned_to: row.try_get("assignee")?,
        team_id: row
            .try_get::<Option<String>, _>("team_id")?
            .map(TeamId::from_db),
        team: row.try_get("team_name")?,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

/// Whose tickets a list shows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Every ticket within reach.
    #[default]
    All,
    AssignedToMe,
    Unassigned,
}

impl View {
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "" | "all" => Some(Self::All),
            "mine" => Some(Self::AssignedToMe),
            "unassigned" => Some(Self::Unassigned),
            _ => None,
        }
    }
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The search (Matches the subject or the customer's name, without regard to case.), the sort, the shared filters and the page.
    pub list: ListParams,
    pub view: View,
    pub status: Option<TicketStatus>,
    pub priority: Option<TicketPriority>,
}

impl ListQuery {
    /// The list's request with its view, status and priority as the address carries them.
    pub fn new(
        list: ListParams,
        view: &str,
        status: &str,
        priority: &str,
    ) -> Result<Self, DomainError> {
        Ok(Self {
            list,
            view: View::from_key(view.trim())
                .ok_or_else(|| DomainError::invalid("view", "Choose one from the list."))?,
            status: listing::choice(status, "status", TicketStatus::from_key)?,
            priority: listing::choice(priority, "priority", TicketPriority::from_key)?,
        })
    }
}

/// One page of the tickets the grant reaches, newest first.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::TicketsRead>,
    query: &ListQuery,
) -> Result<TicketPage, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let mut sql = statement(&listing, grant, query);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let choices = filter_choices::for_grant(&mut tx, grant).await?;
    tx.commit().await?;
    let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |t| t.id.as_str().to_owned());
    Ok(TicketPage {
        items,
        next,
        choices,
    })
}

/// How many tickets the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    grant: &Grant<keys::TicketsRead>,
    query: &ListQuery,
) -> Result<u64, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    listing
        .count(statement(&listing, grant, query), db, grant)
        .await
}

/// The list's statement, before its order and page: the kit's clauses, the view, status and
/// priority.
fn statement(listing: &Listing, grant: &Grant<keys::TicketsRead>, query: &ListQuery) -> Sql {
    let mut sql = listing.select(COLUMNS, grant);
    match query.view {
        View::All => {}
        View::AssignedToMe => {
            sql.push(" AND tk.assigned_user_id = ")
                .arg(grant.user().as_str());
        }
        View::Unassigned => {
            sql.push(" AND tk.assigned_user_id IS NULL");
        }
    }
    if let Some(status) = query.status {
        sql.push(" AND tk.status = ").arg(status.key());
    }
    if let Some(priority) = query.priority {
        sql.push(" AND tk.priority = ").arg(priority.key());
    }
    sql
}

/// The open and pending tickets assigned to the grant's holder, most recently changed first
/// (the dashboard's "my tickets").
pub async fn my_open(
    db: &Db,
    grant: &Grant<keys::TicketsRead>,
    limit: u32,
) -> Result<Vec<Ticket>, DomainError> {
    let mut sql = rows::reachable(&KIND, COLUMNS, grant);
    sql.push(" AND tk.assigned_user_id = ")
        .arg(grant.user().as_str())
        .push(
            " AND tk.status IN ('open', 'pending') ORDER BY tk.updated_at DESC, tk.id DESC LIMIT ",
        )
        .int(i64::from(limit));
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &TicketId,
) -> Result<Ticket, DomainError> {
    from_row(&rows::find_one(conn, &KIND, COLUMNS, grant, id.as_str()).await?)
}

/// The ticket with its thread, in the transaction `conn`.
async fn detail<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &TicketId,
) -> Result<TicketDetail, DomainError> {
    let ticket = find(conn, grant, id).await?;
    let messages = thread::messages(conn, grant, id).await?;
    Ok(TicketDetail {
        ticket,
        messages,
        can_write: grant.also_holds(Permission::TicketsWrite),
    })
}

/// One ticket within the grant's reach, with its thread; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    grant: &Grant<keys::TicketsRead>,
    id: &TicketId,
) -> Result<TicketDetail, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let found = detail(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(found)
}

/// Opens a ticket for a customer the writer's customer grant reaches, its first message a
/// public one.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &TicketForm,
) -> Result<TicketDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let made = create_in(&mut tx, clock, grant, customers, form).await?;
    tx.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction (an automation's step).
pub async fn create_in(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &TicketForm,
) -> Result<TicketDetail, DomainError> {
    let v = form::validate(&mut *tx, grant, customers, form).await?;
    let number = numbering::next(&mut *tx, &KIND, grant).await?;
    let id = TicketId::fresh();
    let now = clock.now_ms();
    let e = &v.edit;
    sqlx::query(
        "INSERT INTO tickets (id, workspace_id, number, subject, subject_key, customer_id, \
         priority, assigned_user_id, team_id, status_changed_at, created_at, updated_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(number)
    .bind(&e.subject)
    .bind(e.subject.to_lowercase())
    .bind(v.customer.as_str())
    .bind(e.priority.key())
    .bind(e.queue.assigned.as_ref().map(|u| u.as_str().to_owned()))
    .bind(e.queue.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *tx)
    .await
    .map_err(numbering::race)?;
    thread::insert(&mut *tx, grant, &id, MessageKind::Reply, &v.message, now).await?;
    let made = detail(&mut *tx, grant, &id).await?;
    let event = history::Event {
        action: "create",
        id: id.as_str(),
        before: None,
        after: Some(history::fields(&made.ticket)),
    };
    history::record(&mut *tx, clock, grant, &KIND, event).await?;
    Ok(made)
}

/// Changes the subject, priority and queue of a ticket within reach (else `NotFound`) at
/// `version` (else `Conflict`); it must stay within the writer's reach.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TicketsWrite>,
    id: &TicketId,
    expected: i64,
    form: &EditForm,
) -> Result<TicketDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id).await?;
    let v = form::validate_edit(&mut tx, grant, form).await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), expected, clock.now_ms()).await?;
    sqlx::query(
        "UPDATE tickets SET subject = $1, subject_key = $2, priority = $3, \
         assigned_user_id = $4, team_id = $5 WHERE workspace_id = $6 AND id = $7",
    )
    .bind(&v.subject)
    .bind(v.subject.to_lowercase())
    .bind(v.priority.key())
    .bind(v.queue.assigned.as_ref().map(|u| u.as_str().to_owned()))
    .bind(v.queue.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let after = detail(&mut tx, grant, id).await?;
    let event = history::Event {
        action: "update",
        id: id.as_str(),
        before: Some(history::fields(&before)),
        after: Some(history::fields(&after.ticket)),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(after)
}

/// Assigns every chosen ticket to one person (or nobody: the team's queue) and team within the
/// writer's reach, at once; returns how many changed.
pub async fn bulk_assign(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, keys::TicketsWrite>,
    selection: &Selection,
    assigned_user_id: &str,
    team_id: &str,
) -> Result<usize, DomainError> {
    let form = bulk::AssignForm {
        assigned_user_id,
        team_id,
        may_be_unassigned: true,
    };
    bulk::assign(db, clock, bulk, &KIND, selection, form).await
}
