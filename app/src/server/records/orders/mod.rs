//! Orders: what a customer bought, a record kind on the record kit and a document (numbered,
//! with lines and server-computed totals, at the workspace's tax rate). A draft order is
//! edited; each later step needs its own key and is refused from the wrong state ([`flow`]).
//! Every change names the version it was based on.

pub mod flow;

use sqlx::Row;

use crate::model::{LineId, Order, OrderDetail, OrderId, OrderPage, OrderStatus, Quote, QuoteId};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::assignment;
use crate::server::records::documents::header::{self, HeaderForm};
use crate::server::records::documents::lines::{self, LineForm};
use crate::server::records::documents::{self, DocumentKind};
use crate::server::records::filter_choices;
use crate::server::records::kind::{Ending, Reach, RecordKind, Retention};
use crate::server::records::listing::{self, ListParams, Listing};
use crate::server::records::money::Currency;
use crate::server::records::sql::Sql;
use crate::server::records::{history, numbering, rows, version};

/// Orders, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "orders",
    noun: "order",
    path: "/orders",
    alias: "o",
    resource: Resource::Orders,
    sorts: &crate::model::ORDER_SORTS,
    search: &["lower(cu.name)", "lower(o.notes)"],
    reach: Reach::Assigned {
        assignee: "assigned_user_id",
        team: "team_id",
    },
    sensitive: &[],
    versioned: true,
    customer: Some("o.customer_id"),
    retention: Some(Retention {
        words: "Cancelled orders without payments",
        finished: "status = 'cancelled' AND NOT EXISTS \
                   (SELECT 1 FROM payments p WHERE p.workspace_id = orders.workspace_id \
                    AND p.order_id = orders.id)",
        since: "status_changed_at",
        ending: Ending::Delete,
    }),
};

/// Orders as documents.
pub const DOC: DocumentKind = DocumentKind {
    kind: &KIND,
    lines_table: "order_lines",
    parent_column: "order_id",
    prefix: "O",
};

fn columns() -> String {
    DOC.columns("o.status, o.quote_id")
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Order, DomainError> {
    let header = header::from_row(row)?;
    let stored: String = row.try_get("status")?;
    Ok(Order {
        id: OrderId::from_db(row.try_get("id")?),
        reference: DOC.reference(header.number),
        status: OrderStatus::from_key(&stored)
            .ok_or_else(|| DomainError::Internal(format!("stored order status {stored:?}")))?,
        quote_id: row
            .try_get::<Option<String>, _>("quote_id")?
            .map(QuoteId::from_db),
        header,
    })
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The search (Matches the customer's name or the notes, without regard to case.), the sort, the shared filters and the page.
    pub list: ListParams,
    pub status: Option<OrderStatus>,
}

impl ListQuery {
    /// The list's request with its status filter as the address carries it.
    pub fn new(list: ListParams, status: &str) -> Result<Self, DomainError> {
        Ok(Self {
            list,
            status: listing::choice(status, "status", OrderStatus::from_key)?,
        })
    }
}

/// The list's statement, before its order and page: the kit's clauses and the status.
fn statement(listing: &Listing, grant: &Grant<keys::OrdersRead>, query: &ListQuery) -> Sql {
    let mut sql = listing.select(&columns(), grant);
    if let Some(status) = query.status {
        sql.push(" AND o.status = ").arg(status.key());
    }
    sql
}

/// How many orders the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    grant: &Grant<keys::OrdersRead>,
    query: &ListQuery,
) -> Result<u64, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    listing
        .count(statement(&listing, grant, query), db, grant)
        .await
}

/// One page of the orders the grant reaches, newest first.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::OrdersRead>,
    query: &ListQuery,
) -> Result<OrderPage, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let mut sql = statement(&listing, grant, query);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let choices = filter_choices::for_grant(&mut tx, grant).await?;
    tx.commit().await?;
    let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |o| o.id.as_str().to_owned());
    Ok(OrderPage {
        items,
        next,
        choices,
    })
}

async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &OrderId,
) -> Result<Order, DomainError> {
    let row = rows::find_one(conn, &KIND, &columns(), grant, id.as_str()).await?;
    from_row(&row)
}

async fn detail<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &OrderId,
) -> Result<OrderDetail, DomainError> {
    let order = find(conn, grant, id).await?;
    let currency = Currency::parse(&order.header.totals.currency, "currency")?;
    let lines = lines::load(conn, &DOC, id.as_str(), currency).await?;
    let steps = flow::steps_for(order.status, |p| grant.also_holds(p));
    Ok(OrderDetail {
        order,
        lines,
        may_edit: grant.also_holds(Permission::OrdersWrite),
        may_discount: grant.also_holds(Permission::ProductsPricing),
        steps,
    })
}

/// One order with its lines, if the grant reaches it; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    grant: &Grant<keys::OrdersRead>,
    id: &OrderId,
) -> Result<OrderDetail, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let detail = detail(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(detail)
}

/// The stored fields of a new order.
struct NewOrder<'a> {
    customer: &'a str,
    quote: Option<&'a str>,
    currency: Currency,
    tax_bp: i64,
    notes: &'a str,
    assigned: &'a str,
    team: Option<String>,
}

async fn insert(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    new: NewOrder<'_>,
) -> Result<OrderId, DomainError> {
    let number = numbering::next(&mut *conn, &KIND, grant).await?;
    let id = OrderId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO orders (id, workspace_id, number, customer_id, quote_id, currency, \
         tax_rate_bp, notes, assigned_user_id, team_id, status_changed_at, created_at, \
         updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(number)
    .bind(new.customer)
    .bind(new.quote)
    .bind(new.currency.code())
    .bind(new.tax_bp)
    .bind(new.notes)
    .bind(new.assigned)
    .bind(new.team)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *conn)
    .await
    .map_err(numbering::race)?;
    Ok(id)
}

/// A new draft order in the grant's workspace, in its currency and at its tax rate, for a
/// customer the caller's customer grant reaches.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &HeaderForm,
) -> Result<OrderDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let v = header::validate(&mut tx, &DOC, grant, customers, form).await?;
    let (currency, tax_bp) = documents::workspace_terms(&mut tx, grant).await?;
    let new = NewOrder {
        customer: v.customer.as_str(),
        quote: None,
        currency,
        tax_bp,
        notes: &v.notes,
        assigned: v.assignment.assigned.as_str(),
        team: v.assignment.team.as_ref().map(|t| t.as_str().to_owned()),
    };
    let id = insert(&mut tx, clock, grant, new).await?;
    let detail = detail(&mut tx, grant, &id).await?;
    let after = Some(history::fields(&detail.order));
    log(&mut tx, clock, grant, &id, "create", None, after).await?;
    tx.commit().await?;
    Ok(detail)
}

/// The order an accepted quote becomes, in the caller's transaction: same customer, currency,
/// tax rate, notes and assignment (which must be within the caller's order reach).
pub(crate) async fn insert_from_quote(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    quote: &Quote,
) -> Result<OrderId, DomainError> {
    let h = &quote.header;
    let team = h.team_id.as_ref().map(|t| t.as_str()).unwrap_or("");
    let assignment =
        assignment::resolve(conn, grant, &KIND, h.assigned_user_id.as_str(), team).await?;
    let new = NewOrder {
        customer: h.customer_id.as_str(),
        quote: Some(quote.id.as_str()),
        currency: Currency::parse(&h.totals.currency, "currency")?,
        tax_bp: h.totals.tax_rate_bp,
        notes: &h.notes,
        assigned: assignment.assigned.as_str(),
        team: assignment.team.as_ref().map(|t| t.as_str().to_owned()),
    };
    let id = insert(conn, clock, grant, new).await?;
    let after = serde_json::json!({"quote": quote.reference});
    log(conn, clock, grant, &id, "create", None, Some(after)).await?;
    Ok(id)
}

/// Claims a draft order for a change based on `version`; anything but a draft is refused.
async fn claim_draft(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    id: &OrderId,
    version: i64,
) -> Result<Order, DomainError> {
    version::claim(conn, &KIND, grant, id.as_str(), version, clock.now_ms()).await?;
    let order = find(conn, grant, id).await?;
    if order.status != OrderStatus::Draft {
        return Err(DomainError::Conflict(format!(
            "This order is {}: only a draft can be changed.",
            order.status.label().to_lowercase()
        )));
    }
    Ok(order)
}

/// Changes a draft order's customer, notes and assignment.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    customers: &Grant<keys::CustomersRead>,
    id: &OrderId,
    version: i64,
    form: &HeaderForm,
) -> Result<OrderDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = claim_draft(&mut tx, clock, grant, id, version).await?;
    let v = header::validate(&mut tx, &DOC, grant, customers, form).await?;
    sqlx::query(
        "UPDATE orders SET customer_id = $1, notes = $2, assigned_user_id = $3, team_id = $4 \
         WHERE id = $5",
    )
    .bind(v.customer.as_str())
    .bind(&v.notes)
    .bind(v.assignment.assigned.as_str())
    .bind(v.assignment.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let detail = detail(&mut tx, grant, id).await?;
    let (before, after) = (history::fields(&before), history::fields(&detail.order));
    log(
        &mut tx,
        clock,
        grant,
        id,
        "update",
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// Adds a line to a draft order and recomputes its totals.
pub async fn add_line(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    id: &OrderId,
    version: i64,
    form: &LineForm,
) -> Result<OrderDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let order = claim_draft(&mut tx, clock, grant, id, version).await?;
    let currency = Currency::parse(&order.header.totals.currency, "currency")?;
    lines::add(&mut tx, &DOC, grant, id.as_str(), currency, form).await?;
    lines::retotal(&mut tx, &DOC, id.as_str()).await?;
    let detail = detail(&mut tx, grant, id).await?;
    let (before, after) = (sums(&order.header), sums(&detail.order.header));
    log(
        &mut tx,
        clock,
        grant,
        id,
        "line_added",
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// Removes a line of a draft order and recomputes its totals.
pub async fn remove_line(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    id: &OrderId,
    version: i64,
    line: &LineId,
) -> Result<OrderDetail, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let order = claim_draft(&mut tx, clock, grant, id, version).await?;
    lines::remove(&mut tx, &DOC, id.as_str(), line).await?;
    lines::retotal(&mut tx, &DOC, id.as_str()).await?;
    let detail = detail(&mut tx, grant, id).await?;
    let (before, after) = (sums(&order.header), sums(&detail.order.header));
    log(
        &mut tx,
        clock,
        grant,
        id,
        "line_removed",
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// A document's total, for the history of a change to its lines.
fn sums(header: &crate::model::DocumentHeader) -> serde_json::Value {
    serde_json::json!({"total": header.totals.total})
}

/// Writes `order.{action}` to the record's history, in the change's transaction.
async fn log<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    id: &OrderId,
    action: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DomainError> {
    let event = history::Event {
        action,
        id: id.as_str(),
        before,
        after,
    };
    history::record(conn, clock, grant, &KIND, event).await
}
