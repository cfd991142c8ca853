//! Quotes: offers to a customer, a record kind on the record kit and a document (numbered,
//! with lines and server-computed totals). Draft quotes are edited; a quote is sent, then
//! accepted or declined; a sent quote past its last day reads as expired; an accepted quote
//! becomes an order in one transaction ([`flow`]). Every change names the version it was
//! based on.

pub mod flow;
mod form;

use sqlx::Row;

pub use self::form::QuoteForm;
use crate::model::{LineId, OrderId, Quote, QuoteDetail, QuoteId, QuotePage, QuoteStatus};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::documents::lines::{self, LineForm};
use crate::server::records::documents::{self, header, DocumentKind};
use crate::server::records::filter_choices;
use crate::server::records::kind::{Ending, Reach, RecordKind, Retention};
use crate::server::records::listing::{self, ListParams, Listing};
use crate::server::records::money::Currency;
use crate::server::records::sql::Sql;
use crate::server::records::{history, numbering, rows, version};

/// Quotes, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "quotes",
    noun: "quote",
    path: "/quotes",
    alias: "q",
    resource: Resource::Quotes,
    sorts: &crate::model::QUOTE_SORTS,
    search: &["q.title_key", "lower(cu.name)"],
    reach: Reach::Assigned {
        assignee: "assigned_user_id",
        team: "team_id",
    },
    sensitive: &[],
    versioned: true,
    customer: Some("q.customer_id"),
    retention: Some(Retention {
        words: "Declined quotes",
        finished: "status = 'declined' AND NOT EXISTS \
                   (SELECT 1 FROM orders o WHERE o.workspace_id = quotes.workspace_id \
                    AND o.quote_id = quotes.id)",
        since: "updated_at",
        ending: Ending::Delete,
    }),
};

/// Quotes as documents.
pub const DOC: DocumentKind = DocumentKind {
    kind: &KIND,
    lines_table: "quote_lines",
    parent_column: "quote_id",
    prefix: "Q",
};

fn columns() -> String {
    DOC.columns(
        "q.title, q.status, q.valid_until, (SELECT o.id FROM orders o \
         WHERE o.workspace_id = q.workspace_id AND o.quote_id = q.id) AS order_id",
    )
}

/// The status a stored quote reads as on `today`.
fn status(stored: &str, valid_until: &str, today: &str) -> Result<QuoteStatus, DomainError> {
    match QuoteStatus::from_key(stored) {
        Some(QuoteStatus::Sent) if valid_until < today => Ok(QuoteStatus::Expired),
        Some(s) => Ok(s),
        None => Err(DomainError::Internal(format!(
            "stored quote status {stored:?}"
        ))),
    }
}

fn from_row(row: &sqlx::any::AnyRow, today: &str) -> Result<Quote, DomainError> {
    let header = header::from_row(row)?;
    let valid_until: String = row.try_get("valid_until")?;
    Ok(Quote {
        id: QuoteId::from_db(row.try_get("id")?),
        reference: DOC.reference(header.number),
        title: row.try_get("title")?,
        status: status(&row.try_get::<String, _>("status")?, &valid_until, today)?,
        valid_until,
        order_id: row
            .try_get::<Option<String>, _>("order_id")?
            .map(OrderId::from_db),
        header,
    })
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The search (Matches the title or the customer's name, without regard to case.), the sort, the shared filters and the page.
    pub list: ListParams,
    pub status: Option<QuoteStatus>,
}

impl ListQuery {
    /// The list's request with its status filter as the address carries it.
    pub fn new(list: ListParams, status: &str) -> Result<Self, DomainError> {
        Ok(Self {
            list,
            status: listing::choice(status, "status", QuoteStatus::from_key)?,
        })
    }
}

/// One page of the quotes the grant reaches, newest first.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesRead>,
    query: &ListQuery,
) -> Result<QuotePage, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let mut sql = statement(&listing, grant, query, &today);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let choices = filter_choices::for_grant(&mut tx, grant).await?;
    tx.commit().await?;
    let mut items = rows
        .iter()
        .map(|r| from_row(r, &today))
        .collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |q| q.id.as_str().to_owned());
    Ok(QuotePage {
        items,
        next,
        choices,
    })
}

/// How many quotes the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesRead>,
    query: &ListQuery,
) -> Result<u64, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let sql = statement(&listing, grant, query, &today);
    listing.count(sql, db, grant).await
}

/// The list's statement, before its order and page: the kit's clauses and the status (sent
/// and expired quotes differ by `today`).
fn statement(
    listing: &Listing,
    grant: &Grant<keys::QuotesRead>,
    query: &ListQuery,
    today: &str,
) -> Sql {
    let mut sql = listing.select(&columns(), grant);
    match query.status {
        None => {}
        Some(QuoteStatus::Sent) => {
            sql.push(" AND q.status = 'sent' AND q.valid_until >= ")
                .arg(today);
        }
        Some(QuoteStatus::Expired) => {
            sql.push(" AND q.status = 'sent' AND q.valid_until < ")
                .arg(today);
        }
        Some(s) => {
            sql.push(" AND q.status = ").arg(s.key());
        }
    }
    sql
}

async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &QuoteId,
    today: &str,
) -> Result<Quote, DomainError> {
    let row = rows::find_one(conn, &KIND, &columns(), grant, id.as_str()).await?;
    from_row(&row, today)
}

async fn detail<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &QuoteId,
    today: &str,
) -> Result<QuoteDetail, DomainError> {
    let quote = find(conn, grant, id, today).await?;
    let currency = Currency::parse(&quote.header.totals.currency, "currency")?;
    let lines = lines::load(conn, &DOC, id.as_str(), currency).await?;
    let has_template = sqlx::query(
        "SELECT 1 FROM files WHERE workspace_id = $1 AND purpose = 'quote_template' LIMIT 1",
    )
    .bind(grant.workspace().as_str())
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    Ok(QuoteDetail {
        quote,
        lines,
        has_template,
        may_edit: grant.also_holds(Permission::QuotesWrite),
        may_convert: grant.also_holds(Permission::QuotesWrite)
            && grant.also_holds(Permission::OrdersWrite),
        may_discount: grant.also_holds(Permission::ProductsPricing),
    })
}

/// One quote with its lines, if the grant reaches it; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesRead>,
    id: &QuoteId,
) -> Result<QuoteDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, false).await?;
    let detail = detail(&mut tx, grant, id, &today).await?;
    tx.commit().await?;
    Ok(detail)
}

/// A new draft quote in the grant's workspace, in its currency and at its tax rate, for a
/// customer the caller's customer grant reaches.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &QuoteForm,
) -> Result<QuoteDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let v = form::validate(&mut tx, grant, customers, form, &today).await?;
    let (currency, tax_bp) = documents::workspace_terms(&mut tx, grant).await?;
    let number = numbering::next(&mut tx, &KIND, grant).await?;
    let id = QuoteId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO quotes (id, workspace_id, number, customer_id, title, title_key, \
         valid_until, currency, tax_rate_bp, notes, assigned_user_id, team_id, created_at, \
         updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(number)
    .bind(v.header.customer.as_str())
    .bind(&v.title)
    .bind(v.title.to_lowercase())
    .bind(&v.valid_until)
    .bind(currency.code())
    .bind(tax_bp)
    .bind(&v.header.notes)
    .bind(v.header.assignment.assigned.as_str())
    .bind(
        v.header
            .assignment
            .team
            .as_ref()
            .map(|t| t.as_str().to_owned()),
    )
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *tx)
    .await
    .map_err(numbering::race)?;
    let detail = detail(&mut tx, grant, &id, &today).await?;
    let after = Some(history::fields(&detail.quote));
    log(&mut tx, clock, grant, &id, "create", None, after).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Claims a quote for a change based on `version`, and reads it as it stood.
async fn claim(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    id: &QuoteId,
    version: i64,
    today: &str,
) -> Result<Quote, DomainError> {
    version::claim(conn, &KIND, grant, id.as_str(), version, clock.now_ms()).await?;
    find(conn, grant, id, today).await
}

/// Claims a draft quote for a change based on `version`; anything but a draft is refused.
async fn claim_draft(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    id: &QuoteId,
    version: i64,
    today: &str,
) -> Result<Quote, DomainError> {
    let quote = claim(conn, clock, grant, id, version, today).await?;
    if quote.status != QuoteStatus::Draft {
        return Err(DomainError::Conflict(format!(
            "This quote is {}: only a draft can be changed. Reopen it as a draft first.",
            quote.status.label().to_lowercase()
        )));
    }
    Ok(quote)
}

/// Changes a draft quote's customer, title, last day, notes and assignment.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    customers: &Grant<keys::CustomersRead>,
    id: &QuoteId,
    version: i64,
    form: &QuoteForm,
) -> Result<QuoteDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let before = claim_draft(&mut tx, clock, grant, id, version, &today).await?;
    let v = form::validate(&mut tx, grant, customers, form, &today).await?;
    sqlx::query(
        "UPDATE quotes SET customer_id = $1, title = $2, title_key = $3, valid_until = $4, \
         notes = $5, assigned_user_id = $6, team_id = $7 WHERE id = $8",
    )
    .bind(v.header.customer.as_str())
    .bind(&v.title)
    .bind(v.title.to_lowercase())
    .bind(&v.valid_until)
    .bind(&v.header.notes)
    .bind(v.header.assignment.assigned.as_str())
    .bind(
        v.header
            .assignment
            .team
            .as_ref()
            .map(|t| t.as_str().to_owned()),
    )
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let detail = detail(&mut tx, grant, id, &today).await?;
    let (before, after) = (history::fields(&before), history::fields(&detail.quote));
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

/// Adds a line to a draft quote and recomputes its totals.
pub async fn add_line(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    id: &QuoteId,
    version: i64,
    form: &LineForm,
) -> Result<QuoteDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let quote = claim_draft(&mut tx, clock, grant, id, version, &today).await?;
    let currency = Currency::parse(&quote.header.totals.currency, "currency")?;
    lines::add(&mut tx, &DOC, grant, id.as_str(), currency, form).await?;
    lines::retotal(&mut tx, &DOC, id.as_str()).await?;
    let detail = detail(&mut tx, grant, id, &today).await?;
    let (before, after) = (sums(&quote.header), sums(&detail.quote.header));
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

/// Removes a line of a draft quote and recomputes its totals.
pub async fn remove_line(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    id: &QuoteId,
    version: i64,
    line: &LineId,
) -> Result<QuoteDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let quote = claim_draft(&mut tx, clock, grant, id, version, &today).await?;
    lines::remove(&mut tx, &DOC, id.as_str(), line).await?;
    lines::retotal(&mut tx, &DOC, id.as_str()).await?;
    let detail = detail(&mut tx, grant, id, &today).await?;
    let (before, after) = (sums(&quote.header), sums(&detail.quote.header));
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

/// Writes `quote.{action}` to the record's history, in the change's transaction.
async fn log(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    id: &QuoteId,
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
