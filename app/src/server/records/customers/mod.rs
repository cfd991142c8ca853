//! Customers: a record kind on the record kit, and the proving ground of data scopes and
//! field-level security.
//!
//! `KIND` states what the kit needs: the table, that rows are assigned to a person and a team
//! (so every scope applies), the sort and search columns, the sensitive tax id and the
//! optimistic version. Every statement here is built from the kit's clauses, so a record
//! outside the caller's reach is never fetched and answers `NotFound` like a record that does
//! not exist; the tax id is removed for callers without `customers.sensitive`, and left
//! untouched when such a caller saves.

pub mod addresses;
pub mod contacts;
mod countries;
mod form;
pub mod import;
pub mod parts;
pub mod tags;

use crate::server::privacy::restriction;
use sqlx::Row;

pub use self::addresses::AddressForm;
pub use self::contacts::ContactForm;
pub use self::form::CustomerForm;
use crate::model::{
    Customer, CustomerFormOptions, CustomerId, CustomerKind, CustomerPage, TeamId, UserId,
};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::{Bulk, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::assignment::Assignment;
use crate::server::records::bulk::{self, Selection};
use crate::server::records::filter_choices;
use crate::server::records::kind::{Ending, Reach, RecordKind, Retention, Sensitive};
use crate::server::records::listing::{ListParams, Listing};
use crate::server::records::scope::scope_filter;
use crate::server::records::sensitive_reads::{self, Shown};
use crate::server::records::sql::Sql;
use crate::server::records::version;
use crate::server::records::{history, pages, rows};

/// Customers, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "customers",
    noun: "customer",
    path: "/customers",
    alias: "c",
    resource: Resource::Customers,
    sorts: &crate::model::CUSTOMER_SORTS,
    search: &["c.name_key", "lower(c.email)", "lower(c.company)"],
    reach: Reach::Assigned {
        assignee: "assigned_user_id",
        team: "team_id",
    },
    sensitive: &[Sensitive {
        field: "tax_id",
        label: "tax id",
        key: Permission::CustomersSensitive,
    }],
    versioned: true,
    customer: Some("c.id"),
    retention: Some(Retention {
        words: "Customers with no activity",
        finished: DORMANT,
        since: "updated_at",
        ending: Ending::Erase,
    }),
};

/// A customer nobody has dealt with since the retention's days began: not already erased, not
/// restricted (kept unchanged on their own request), and no quote, order, payment, licence or
/// ticket about them changed since — nor an order still under way, a ticket still open or a
/// licence still valid.
const DORMANT: &str = "erased_at IS NULL AND restricted_at IS NULL \
     AND NOT EXISTS (SELECT 1 FROM quotes x WHERE x.workspace_id = customers.workspace_id \
        AND x.customer_id = customers.id AND x.updated_at >= $2) \
     AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.workspace_id = customers.workspace_id \
        AND x.customer_id = customers.id \
        AND (x.updated_at >= $2 OR x.status IN ('draft', 'confirmed', 'processed'))) \
     AND NOT EXISTS (SELECT 1 FROM payments p JOIN orders x ON x.id = p.order_id \
        WHERE p.workspace_id = customers.workspace_id AND x.customer_id = customers.id \
        AND p.updated_at >= $2) \
     AND NOT EXISTS (SELECT 1 FROM licences x WHERE x.workspace_id = customers.workspace_id \
        AND x.customer_id = customers.id AND (x.updated_at >= $2 OR x.valid_until >= $4)) \
     AND NOT EXISTS (SELECT 1 FROM tickets x WHERE x.workspace_id = customers.workspace_id \
        AND x.customer_id = customers.id AND (x.updated_at >= $2 OR x.status <> 'closed'))";

pub const PAGE_SIZE: u32 = pages::PAGE_SIZE;
pub const MAX_PAGE_SIZE: u32 = pages::MAX_PAGE_SIZE;

const COLUMNS: &str = "c.id, c.kind, c.name, c.email, c.phone, c.company, c.tax_id, c.notes, \
     c.assigned_user_id, c.team_id, c.updated_at, c.version, u.display_name AS assignee, \
     t.name AS team_name FROM customers c LEFT JOIN users u ON u.id = c.assigned_user_id \
     LEFT JOIN teams t ON t.id = c.team_id";

fn from_row(row: &sqlx::any::AnyRow, sensitive: bool) -> Result<Customer, DomainError> {
    Ok(Customer {
        id: CustomerId::from_db(row.try_get("id")?),
        kind: {
            let stored: String = row.try_get("kind")?;
            CustomerKind::from_key(&stored)
                .ok_or_else(|| DomainError::Internal(format!("stored customer kind {stored:?}")))?
        },
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        company: row.try_get("company")?,
        tax_id: if sensitive {
            Some(row.try_get("tax_id")?)
        } else {
            None
        },
        notes: row.try_get("notes")?,
        assigned_user_id: row
            .try_get::<Option<String>, _>("assigned_user_id")?
            .map(UserId::from_db),
        assigned_to: row.try_get("assignee")?,
        team_id: row
            .try_get::<Option<String>, _>("team_id")?
            .map(TeamId::from_db),
        team: row.try_get("team_name")?,
        tags: Vec::new(),
        updated_at_ms: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The search (Matches name, email or company, without regard to case.), the sort, the shared filters and the page.
    pub list: ListParams,
    /// Only customers carrying this tag (any case).
    pub tag: Option<String>,
    /// Only companies, or only people.
    pub kind: Option<CustomerKind>,
}

impl ListQuery {
    /// The list's request with its own filters as the address carries them.
    pub fn new(list: ListParams, tag: &str, kind: &str) -> Result<Self, DomainError> {
        Ok(Self {
            list,
            tag: Some(tag.to_owned()).filter(|t| !t.trim().is_empty()),
            kind: kind_filter(Some(kind))?,
        })
    }
}

/// One page of the customers the grant reaches, by name, with the people and teams the list
/// can be narrowed to.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    query: &ListQuery,
) -> Result<CustomerPage, DomainError> {
    fetch(db, grant, query, true).await
}

/// The same page without the filter choices (`choices` empty), for callers that show no
/// filter form: the REST API.
pub async fn page(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    query: &ListQuery,
) -> Result<CustomerPage, DomainError> {
    fetch(db, grant, query, false).await
}

async fn fetch(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    query: &ListQuery,
    with_choices: bool,
) -> Result<CustomerPage, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let mut sql = statement(&listing, grant, query);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let sensitive = KIND.shows(grant, "tax_id");
    let mut items = rows
        .iter()
        .map(|r| from_row(r, sensitive))
        .collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |c| c.id.as_str().to_owned());
    tags::attach(&mut tx, grant, &mut items).await?;
    let choices = match with_choices {
        true => filter_choices::for_grant(&mut tx, grant).await?,
        false => Default::default(),
    };
    tx.commit().await?;
    note_tax_ids(db, grant, &items).await?;
    Ok(CustomerPage {
        items,
        next,
        choices,
    })
}

/// The `kind` filter as a list or export address carries it: empty for both kinds.
pub fn kind_filter(raw: Option<&str>) -> Result<Option<CustomerKind>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(key) => CustomerKind::from_key(key)
            .map(Some)
            .ok_or_else(|| DomainError::invalid("kind", "Choose company or person.")),
    }
}

/// How many customers the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    query: &ListQuery,
) -> Result<u64, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    listing
        .count(statement(&listing, grant, query), db, grant)
        .await
}

/// The list's statement, before its order and page: the kit's clauses with the customers' own
/// filters (tag, kind).
fn statement<K: Key>(listing: &Listing, grant: &Grant<K>, query: &ListQuery) -> Sql {
    let mut sql = listing.select(COLUMNS, grant);
    if let Some(tag) = &query.tag {
        tags::tag_clause(&mut sql, tag);
    }
    if let Some(kind) = query.kind {
        sql.push(" AND c.kind = ").arg(kind.key());
    }
    sql
}

/// How many customers the grant reaches (for the list's heading).
pub async fn count(db: &Db, grant: &Grant<keys::CustomersRead>) -> Result<i64, DomainError> {
    let sql = rows::reachable(&KIND, "COUNT(*) AS n FROM customers c", grant);
    let mut tx = grant.begin(db, false).await?;
    let n = sql.query().fetch_one(&mut *tx).await?.try_get("n")?;
    tx.commit().await?;
    Ok(n)
}

/// Records the tax ids `customers` show in the sensitive-data access log.
async fn note_tax_ids(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    customers: &[Customer],
) -> Result<(), DomainError> {
    let shown: Vec<Shown<'_>> = customers
        .iter()
        .filter(|c| c.tax_id.as_deref().is_some_and(|t| !t.is_empty()))
        .map(|c| Shown::own(c.id.as_str()))
        .collect();
    sensitive_reads::note(db, grant, &KIND, "tax_id", &shown).await
}

async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &CustomerId,
) -> Result<Customer, DomainError> {
    let row = rows::find_one(conn, &KIND, COLUMNS, grant, id.as_str()).await?;
    let mut customer = [from_row(&row, KIND.shows(grant, "tax_id"))?];
    tags::attach(conn, grant, &mut customer).await?;
    let [customer] = customer;
    Ok(customer)
}

/// One customer, if the grant reaches it; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    id: &CustomerId,
) -> Result<Customer, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let customer = find(&mut tx, grant, id).await?;
    tx.commit().await?;
    note_tax_ids(db, grant, std::slice::from_ref(&customer)).await?;
    Ok(customer)
}

/// Creates a customer in the grant's workspace.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    form: &CustomerForm,
) -> Result<Customer, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let (v, assignment) = form::validate(&mut tx, grant, form).await?;
    let id = insert_row(&mut tx, clock, grant, &v, &assignment).await?;
    let customer = find(&mut tx, grant, &id).await?;
    history::record(
        &mut tx,
        clock,
        grant,
        &KIND,
        history::Event {
            action: "create",
            id: id.as_str(),
            before: None,
            after: Some(history::fields(&customer)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(customer)
}

/// Inserts a checked customer; the tax id only when the grant may see it (without
/// `customers.sensitive` one cannot see the field, so one does not set it either).
async fn insert_row<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    v: &form::Fields,
    assignment: &Assignment,
) -> Result<CustomerId, DomainError> {
    let tax_id = if KIND.shows(grant, "tax_id") {
        v.tax_id.as_str()
    } else {
        ""
    };
    let id = CustomerId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO customers (id, workspace_id, kind, name, name_key, email, phone, company, \
         tax_id, notes, assigned_user_id, team_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(v.kind.unwrap_or_default().key())
    .bind(&v.name)
    .bind(v.name.to_lowercase())
    .bind(&v.email)
    .bind(&v.phone)
    .bind(&v.company)
    .bind(tax_id)
    .bind(&v.notes)
    .bind(assignment.assigned.as_str())
    .bind(assignment.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Changes a customer the grant reaches (else `NotFound`), if it is still at `version` (else
/// `Conflict`); it must stay within reach. A caller without `customers.sensitive` leaves
/// sensitive fields as they are.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    id: &CustomerId,
    version: i64,
    form: &CustomerForm,
) -> Result<Customer, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id).await?;
    restriction::refuse_if_restricted(&mut tx, grant.workspace(), id.as_str()).await?;
    let (v, assignment) = form::validate(&mut tx, grant, form).await?;
    let kind = v.kind.unwrap_or(before.kind);
    if kind == CustomerKind::Person && before.kind == CustomerKind::Company {
        contacts::none_left(&mut tx, grant, id).await?;
    }
    let mut sql = Sql::default();
    sql.push("UPDATE customers SET kind = ")
        .arg(kind.key())
        .push(", name = ")
        .arg(v.name.clone())
        .push(", name_key = ")
        .arg(v.name.to_lowercase())
        .push(", email = ")
        .arg(v.email)
        .push(", phone = ")
        .arg(v.phone)
        .push(", company = ")
        .arg(v.company)
        .push(", notes = ")
        .arg(v.notes)
        .push(", assigned_user_id = ")
        .arg(assignment.assigned.as_str())
        .push(", team_id = ");
    match &assignment.team {
        Some(team) => sql.arg(team.as_str()),
        None => sql.push("NULL"),
    };
    if KIND.shows(grant, "tax_id") {
        sql.push(", tax_id = ").arg(v.tax_id);
    }
    version::bump(&mut sql, &KIND);
    sql.push(", updated_at = ")
        .int(clock.now_ms())
        .push(" WHERE id IN (SELECT c.id FROM customers c WHERE");
    scope_filter(&mut sql, &KIND, grant);
    sql.push(" AND c.id = ").arg(id.as_str()).push(")");
    version::version_clause(&mut sql, &KIND, version);
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(version::stale(&KIND));
    }
    let customer = find(&mut tx, grant, id).await?;
    history::record(
        &mut tx,
        clock,
        grant,
        &KIND,
        history::Event {
            action: "update",
            id: id.as_str(),
            before: Some(history::fields(&before)),
            after: Some(history::fields(&customer)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(customer)
}

/// Deletes a customer the grant reaches (else `NotFound`), if still at `expected` when one is
/// named (else `Conflict`).
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersDelete>,
    id: &CustomerId,
    expected: Option<i64>,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, false).await?;
    restriction::refuse_if_restricted(&mut tx, grant.workspace(), id.as_str()).await?;
    tx.commit().await?;
    rows::delete_one(db, clock, &KIND, grant, id.as_str(), expected).await
}

/// The members and teams a customer can be assigned to.
pub async fn form_options(
    db: &Db,
    grant: &Grant<keys::CustomersWrite>,
) -> Result<CustomerFormOptions, DomainError> {
    let members = crate::server::workspace::members::options(db, grant.workspace()).await?;
    let teams = crate::server::workspace::team_options::list(db, grant).await?;
    Ok(CustomerFormOptions {
        members,
        teams,
        sees_sensitive: KIND.shows(grant, "tax_id"),
    })
}

/// Assigns every chosen customer to one person and team within the writer's reach, at once
/// (see [`bulk`]); returns how many changed.
pub async fn bulk_assign(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, keys::CustomersWrite>,
    selection: &Selection,
    assigned_user_id: &str,
    team_id: &str,
) -> Result<usize, DomainError> {
    let form = bulk::AssignForm {
        assigned_user_id,
        team_id,
        may_be_unassigned: false,
    };
    restriction::refuse_if_any_restricted(db, bulk.grant(), selection.ids()).await?;
    bulk::assign(db, clock, bulk, &KIND, selection, form).await
}

/// Deletes every chosen customer, or none if any is still named by a quote, order, licence or
/// ticket; returns how many were.
pub async fn bulk_delete(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, keys::CustomersDelete>,
    selection: &Selection,
) -> Result<usize, DomainError> {
    restriction::refuse_if_any_restricted(db, bulk.grant(), selection.ids()).await?;
    bulk::delete(db, clock, bulk, &KIND, selection).await
}
