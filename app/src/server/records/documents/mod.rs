//! What quotes and orders share: a numbered document of a customer, assigned to a person and
//! maybe a team, in one currency, with line items and totals the server computes ([`lines`]).
//! The customer must be one the writer can see; the currency and tax rate are the workspace's
//! when the document is made, and stay with it.

pub mod header;
pub mod lines;
pub mod options;

use sqlx::Row;

use super::customers;
use super::kind::RecordKind;
use super::money::Currency;
use super::rows;
use crate::model::{CustomerId, DocumentTotals};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;

/// A kind of document, declared once by quotes and by orders.
#[derive(Debug)]
pub struct DocumentKind {
    pub kind: &'static RecordKind,
    /// The table of its lines, and their column naming the document.
    pub lines_table: &'static str,
    pub parent_column: &'static str,
    /// Before the number, for people ("Q" → "Q-1042").
    pub prefix: &'static str,
}

impl DocumentKind {
    pub fn reference(&self, number: i64) -> String {
        format!("{}-{number}", self.prefix)
    }

    /// The column list (through FROM and its joins) of a document's header, for `rows::*`:
    /// `extra` names the kind's own columns.
    pub fn columns(&self, extra: &str) -> String {
        let (t, a) = (self.kind.table, self.kind.alias);
        format!(
            "{a}.id, {a}.number, {a}.customer_id, cu.name AS customer_name, {a}.currency, \
             {a}.tax_rate_bp, {a}.subtotal_minor, {a}.tax_minor, {a}.total_minor, {a}.notes, \
             {a}.assigned_user_id, u.display_name AS assignee, {a}.team_id, \
             t.name AS team_name, {a}.version, {a}.updated_at, {extra} \
             FROM {t} {a} JOIN customers cu ON cu.id = {a}.customer_id \
             LEFT JOIN users u ON u.id = {a}.assigned_user_id \
             LEFT JOIN teams t ON t.id = {a}.team_id"
        )
    }
}

/// The currency and tax rate (basis points) new documents of the grant's workspace take.
pub async fn workspace_terms<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
) -> Result<(Currency, i64), DomainError> {
    let row = sqlx::query("SELECT currency, tax_rate_bp FROM workspaces WHERE id = $1")
        .bind(grant.workspace().as_str())
        .fetch_one(&mut *conn)
        .await?;
    let code: String = row.try_get("currency")?;
    Ok((
        Currency::parse(&code, "currency")?,
        row.try_get("tax_rate_bp")?,
    ))
}

/// The customer a form names, if the writer's customer grant reaches it.
pub async fn reachable_customer(
    conn: &mut sqlx::AnyConnection,
    customers: &Grant<keys::CustomersRead>,
    raw: &str,
) -> Result<CustomerId, DomainError> {
    let not_reached = || DomainError::invalid("customer_id", "Choose one of your customers.");
    let id = CustomerId::from_client(raw.trim()).map_err(|_| not_reached())?;
    match rows::find_one(
        conn,
        &customers::KIND,
        "c.id FROM customers c",
        customers,
        id.as_str(),
    )
    .await
    {
        Ok(_) => {}
        Err(DomainError::NotFound) => return Err(not_reached()),
        Err(e) => return Err(e),
    }
    // Reached, so saying why cannot reveal a customer: one erased or restricted on request
    // takes no new records and no records moved to them.
    let state = sqlx::query(
        "SELECT erased_at, restricted_at FROM customers WHERE workspace_id = $1 AND id = $2",
    )
    .bind(customers.workspace().as_str())
    .bind(id.as_str())
    .fetch_one(&mut *conn)
    .await?;
    if state.try_get::<Option<i64>, _>("erased_at")?.is_some() {
        return Err(DomainError::invalid(
            "customer_id",
            "This customer was erased at their request.",
        ));
    }
    if state.try_get::<Option<i64>, _>("restricted_at")?.is_some() {
        return Err(DomainError::invalid(
            "customer_id",
            crate::server::privacy::restriction::RESTRICTED,
        ));
    }
    Ok(id)
}

/// A document's totals for people.
pub fn totals_from_row(row: &sqlx::any::AnyRow) -> Result<DocumentTotals, DomainError> {
    use super::money::{display_percent, Money};
    let code: String = row.try_get("currency")?;
    let currency = Currency::parse(&code, "currency")?;
    let money = |column: &str| -> Result<Money, DomainError> {
        Ok(Money::from_minor(row.try_get(column)?, currency))
    };
    Ok(DocumentTotals {
        tax_rate: display_percent(row.try_get("tax_rate_bp")?),
        tax_rate_bp: row.try_get("tax_rate_bp")?,
        subtotal: money("subtotal_minor")?.display(),
        tax: money("tax_minor")?.display(),
        total: money("total_minor")?.display(),
        total_minor: row.try_get("total_minor")?,
        currency: code,
    })
}

/// Today in the grant's workspace's time zone, as YYYY-MM-DD: the day a quote's "valid until"
/// is compared with.
pub async fn today<K: Key>(
    db: &crate::server::platform::db::Db,
    clock: &crate::server::platform::clock::Clock,
    grant: &Grant<K>,
) -> Result<String, DomainError> {
    let today = crate::server::workspace::login_hours::today(db, clock, grant.workspace()).await?;
    Ok(today.format("%Y-%m-%d").to_string())
}
