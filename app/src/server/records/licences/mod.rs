//! Licences: a customer's right to use a product for a number of seats between two days, a
//! record kind on the record kit. Each is assigned to a person and maybe a team (every data
//! scope applies), numbered per workspace (L-42), and carries a key the server generates —
//! sensitive: shown whole only to holders of `licences.write`, masked for everyone else.
//! Whether a licence is scheduled, active or expired is read from its dates on the workspace's
//! calendar day; a suspension is stored, with its reason. Renewing, suspending and
//! reinstating are in [`flow`].

pub mod flow;
mod form;
pub mod key;

use sqlx::Row;

pub use self::form::{LicenceForm, TermsForm};
use crate::model::{
    CustomerId, Licence, LicenceDetail, LicenceId, LicencePage, LicenceStatus, ProductId, TeamId,
    UserId,
};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::documents;
use crate::server::records::filter_choices;
use crate::server::records::kind::{Reach, RecordKind, Sensitive};
use crate::server::records::listing::{self, ListParams, Listing};
use crate::server::records::sensitive_reads::{self, Shown};
use crate::server::records::sql::Sql;
use crate::server::records::{history, numbering, rows, version};

/// Licences, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "licences",
    noun: "licence",
    path: "/licences",
    alias: "l",
    resource: Resource::Licences,
    sorts: &crate::model::LICENCE_SORTS,
    search: &["pr.name_key", "pr.sku_key", "cu.name_key"],
    reach: Reach::Assigned {
        assignee: "assigned_user_id",
        team: "team_id",
    },
    sensitive: &[Sensitive {
        field: "licence_key",
        label: "licence key",
        key: Permission::LicencesWrite,
    }],
    versioned: true,
    customer: Some("l.customer_id"),
    retention: None,
};

const COLUMNS: &str = "l.id, l.number, l.product_id, pr.name AS product_name, l.customer_id, \
     cu.name AS customer_name, l.seats, l.valid_from, l.valid_until, l.licence_key, \
     l.suspended_at, l.suspended_reason, l.notes, l.assigned_user_id, \
     u.display_name AS assignee, l.team_id, t.name AS team_name, l.version, l.updated_at \
     FROM licences l JOIN products pr ON pr.id = l.product_id \
     JOIN customers cu ON cu.id = l.customer_id \
     LEFT JOIN users u ON u.id = l.assigned_user_id LEFT JOIN teams t ON t.id = l.team_id";

/// What a licence with these dates reads as on `today` (all YYYY-MM-DD, which sort as days).
fn status(suspended: bool, valid_from: &str, valid_until: &str, today: &str) -> LicenceStatus {
    if suspended {
        LicenceStatus::Suspended
    } else if today < valid_from {
        LicenceStatus::Scheduled
    } else if today > valid_until {
        LicenceStatus::Expired
    } else {
        LicenceStatus::Active
    }
}

/// The same rule in SQL, for a list's status filter.
fn status_clause(sql: &mut Sql, wanted: LicenceStatus, today: &str) {
    match wanted {
        LicenceStatus::Suspended => {
            sql.push(" AND l.suspended_at IS NOT NULL");
        }
        LicenceStatus::Scheduled => {
            sql.push(" AND l.suspended_at IS NULL AND l.valid_from > ")
                .arg(today.to_owned());
        }
        LicenceStatus::Expired => {
            sql.push(" AND l.suspended_at IS NULL AND l.valid_until < ")
                .arg(today.to_owned());
        }
        LicenceStatus::Active => {
            sql.push(" AND l.suspended_at IS NULL AND l.valid_from <= ")
                .arg(today.to_owned())
                .push(" AND l.valid_until >= ")
                .arg(today.to_owned());
        }
    }
}

fn from_row(row: &sqlx::any::AnyRow, today: &str, shows_key: bool) -> Result<Licence, DomainError> {
    let valid_from: String = row.try_get("valid_from")?;
    let valid_until: String = row.try_get("valid_until")?;
    let suspended = row.try_get::<Option<i64>, _>("suspended_at")?.is_some();
    let stored_key: String = row.try_get("licence_key")?;
    Ok(Licence {
        id: LicenceId::from_db(row.try_get("id")?),
        reference: format!("L-{}", row.try_get::<i64, _>("number")?),
        product_id: ProductId::from_db(row.try_get("product_id")?),
        product: row.try_get("product_name")?,
        customer_id: CustomerId::from_db(row.try_get("customer_id")?),
        customer: row.try_get("customer_name")?,
        seats: row.try_get("seats")?,
        status: status(suspended, &valid_from, &valid_until, today),
        valid_from,
        valid_until,
        licence_key: if shows_key {
            stored_key
        } else {
            key::mask(&stored_key)
        },
        key_masked: !shows_key,
        suspended_reason: row.try_get("suspended_reason")?,
        notes: row.try_get("notes")?,
        assigned_user_id: UserId::from_db(row.try_get("assigned_user_id")?),
        assigned_to: row.try_get("assignee")?,
        team_id: row
            .try_get::<Option<String>, _>("team_id")?
            .map(TeamId::from_db),
        team: row.try_get("team_name")?,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The search (Matches the product's name or SKU or the customer's name, without regard to case.), the sort, the shared filters and the page.
    pub list: ListParams,
    pub status: Option<LicenceStatus>,
}

impl ListQuery {
    /// The list's request with its status filter as the address carries it.
    pub fn new(list: ListParams, status: &str) -> Result<Self, DomainError> {
        Ok(Self {
            list,
            status: listing::choice(status, "status", LicenceStatus::from_key)?,
        })
    }
}

/// The list's statement, before its order and page: the kit's clauses and the status, which
/// depends on `today`.
fn statement(
    listing: &Listing,
    grant: &Grant<keys::LicencesRead>,
    query: &ListQuery,
    today: &str,
) -> Sql {
    let mut sql = listing.select(COLUMNS, grant);
    if let Some(wanted) = query.status {
        status_clause(&mut sql, wanted, today);
    }
    sql
}

/// How many licences the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesRead>,
    query: &ListQuery,
) -> Result<u64, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let sql = statement(&listing, grant, query, &today);
    listing.count(sql, db, grant).await
}

/// One page of the licences the grant reaches, newest first.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesRead>,
    query: &ListQuery,
) -> Result<LicencePage, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let mut sql = statement(&listing, grant, query, &today);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let choices = filter_choices::for_grant(&mut tx, grant).await?;
    tx.commit().await?;
    let shows_key = KIND.shows(grant, "licence_key");
    let mut items = rows
        .iter()
        .map(|r| from_row(r, &today, shows_key))
        .collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |l| l.id.as_str().to_owned());
    if shows_key {
        let shown: Vec<Shown<'_>> = items.iter().map(|l| Shown::own(l.id.as_str())).collect();
        sensitive_reads::note(db, grant, &KIND, "licence_key", &shown).await?;
    }
    Ok(LicencePage {
        items,
        next,
        choices,
    })
}

async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &LicenceId,
    today: &str,
) -> Result<Licence, DomainError> {
    let row = rows::find_one(conn, &KIND, COLUMNS, grant, id.as_str()).await?;
    from_row(&row, today, KIND.shows(grant, "licence_key"))
}

fn detail<K: Key>(grant: &Grant<K>, licence: Licence) -> LicenceDetail {
    LicenceDetail {
        licence,
        can_write: grant.also_holds(Permission::LicencesWrite),
    }
}

/// One licence the grant reaches; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesRead>,
    id: &LicenceId,
) -> Result<LicenceDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, false).await?;
    let licence = find(&mut tx, grant, id, &today).await?;
    tx.commit().await?;
    if KIND.shows(grant, "licence_key") {
        let shown = [Shown::own(licence.id.as_str())];
        sensitive_reads::note(db, grant, &KIND, "licence_key", &shown).await?;
    }
    Ok(detail(grant, licence))
}

/// Issues a licence of an active product to a customer the writer's customer grant reaches,
/// with a fresh key.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &LicenceForm,
) -> Result<LicenceDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let v = form::validate(&mut tx, grant, customers, form, &today).await?;
    let number = numbering::next(&mut tx, &KIND, grant).await?;
    let id = LicenceId::fresh();
    let now = clock.now_ms();
    let terms = &v.terms;
    sqlx::query(
        "INSERT INTO licences (id, workspace_id, number, product_id, customer_id, seats, \
         valid_from, valid_until, licence_key, notes, assigned_user_id, team_id, created_at, \
         updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(number)
    .bind(v.product.as_str())
    .bind(v.customer.as_str())
    .bind(terms.seats)
    .bind(&terms.valid_from)
    .bind(&terms.valid_until)
    .bind(key::generate())
    .bind(&terms.notes)
    .bind(terms.assignment.assigned.as_str())
    .bind(
        terms
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
    let licence = find(&mut tx, grant, &id, &today).await?;
    let event = history::Event {
        action: "create",
        id: id.as_str(),
        before: None,
        after: Some(history::fields(&licence)),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(detail(grant, licence))
}

/// Changes the terms of a licence the grant reaches (else `NotFound`) if it is still at
/// `version` (else `Conflict`); the product, customer and key stay as issued.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesWrite>,
    id: &LicenceId,
    version: i64,
    form: &TermsForm,
) -> Result<LicenceDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id, &today).await?;
    let v = form::validate_terms(&mut tx, grant, form, &today).await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), version, clock.now_ms()).await?;
    sqlx::query(
        "UPDATE licences SET seats = $1, valid_from = $2, valid_until = $3, notes = $4, \
         assigned_user_id = $5, team_id = $6 WHERE workspace_id = $7 AND id = $8",
    )
    .bind(v.seats)
    .bind(&v.valid_from)
    .bind(&v.valid_until)
    .bind(&v.notes)
    .bind(v.assignment.assigned.as_str())
    .bind(v.assignment.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let licence = find(&mut tx, grant, id, &today).await?;
    let event = history::Event {
        action: "update",
        id: id.as_str(),
        before: Some(history::fields(&before)),
        after: Some(history::fields(&licence)),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(detail(grant, licence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_read_from_the_dates_unless_suspended() {
        let at = |today| status(false, "2026-01-01", "2026-12-31", today);
        assert_eq!(at("2025-12-31"), LicenceStatus::Scheduled);
        assert_eq!(at("2026-01-01"), LicenceStatus::Active);
        assert_eq!(at("2026-12-31"), LicenceStatus::Active);
        assert_eq!(at("2027-01-01"), LicenceStatus::Expired);
        assert_eq!(
            status(true, "2026-01-01", "2026-12-31", "2026-06-01"),
            LicenceStatus::Suspended
        );
    }
}
