//! Erasing a customer on request: everything that identifies the person goes — their details,
//! contacts, addresses, tags and notes, the notes on their quotes, orders and licences, the
//! references of their payments, their tickets' subjects and messages, and every file on them
//! or their records (the stored bytes follow through the orphan sweeper). The records the
//! business must keep (quotes, orders, payments, licences, tickets) stay, pointing at a
//! customer now called "Erased customer". Past trail entries are kept as they are: the trail
//! is the evidence the law asks for, and editing it would break its chain.

use crate::model::WorkspaceId;
use crate::server::platform::error::DomainError;

use super::archive::FILES_WHERE;

/// What the erasure removed, for the trail.
#[derive(Debug, Default, serde::Serialize)]
pub struct Erased {
    pub files: u64,
    pub contacts: u64,
    pub addresses: u64,
    pub ticket_messages: u64,
    pub records_cleared: u64,
}

/// Why a customer is erased: what their kept tickets say in place of what was there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A deletion request from the person.
    Request,
    /// The workspace's retention policy for customers with no activity.
    Retention,
}

impl Cause {
    fn text(self) -> &'static str {
        match self {
            Self::Request => "Erased at the customer's request",
            Self::Retention => "Erased at the end of its retention period",
        }
    }
}

/// Erases `customer` inside the caller's transaction.
pub async fn erase(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    customer: &str,
    now: i64,
    cause: Cause,
) -> Result<Erased, DomainError> {
    let mut erased = Erased::default();
    let ws = workspace.as_str();
    erased.files = sqlx::query(&format!("DELETE FROM files WHERE {FILES_WHERE}"))
        .bind(ws)
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    erased.contacts =
        sqlx::query("DELETE FROM customer_contacts WHERE workspace_id = $1 AND customer_id = $2")
            .bind(ws)
            .bind(customer)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    erased.addresses =
        sqlx::query("DELETE FROM customer_addresses WHERE workspace_id = $1 AND customer_id = $2")
            .bind(ws)
            .bind(customer)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    sqlx::query("DELETE FROM customer_tags WHERE workspace_id = $1 AND customer_id = $2")
        .bind(ws)
        .bind(customer)
        .execute(&mut *conn)
        .await?;
    erased.ticket_messages = sqlx::query(
        "UPDATE ticket_messages SET body = $3 WHERE workspace_id = $1 AND ticket_id IN \
         (SELECT id FROM tickets WHERE workspace_id = $1 AND customer_id = $2)",
    )
    .bind(ws)
    .bind(customer)
    .bind(format!("{}.", cause.text()))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Each kept record is bumped a version, so an editor who opened it before the erasure
    // cannot save the erased values back.
    for sql in [
        "UPDATE quotes SET notes = '', version = version + 1, updated_at = $3 \
         WHERE workspace_id = $1 AND customer_id = $2",
        "UPDATE orders SET notes = '', version = version + 1, updated_at = $3 \
         WHERE workspace_id = $1 AND customer_id = $2",
        "UPDATE licences SET notes = '', version = version + 1, updated_at = $3 \
         WHERE workspace_id = $1 AND customer_id = $2",
        "UPDATE payments SET reference = '', version = version + 1, updated_at = $3 \
         WHERE workspace_id = $1 AND order_id IN \
         (SELECT id FROM orders WHERE workspace_id = $1 AND customer_id = $2)",
    ] {
        erased.records_cleared += sqlx::query(sql)
            .bind(ws)
            .bind(customer)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    erased.records_cleared += sqlx::query(
        "UPDATE tickets SET subject = $4, subject_key = $5, version = version + 1, \
         updated_at = $3 WHERE workspace_id = $1 AND customer_id = $2",
    )
    .bind(ws)
    .bind(customer)
    .bind(now)
    .bind(cause.text())
    .bind(cause.text().to_lowercase())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let name = format!(
        "Erased customer {}",
        &customer[customer.len().saturating_sub(6)..]
    );
    sqlx::query(
        "UPDATE customers SET name = $3, name_key = $4, email = '', phone = '', company = '', \
         tax_id = '', notes = '', erased_at = $5, version = version + 1, updated_at = $5 \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(ws)
    .bind(customer)
    .bind(&name)
    .bind(name.to_lowercase())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(erased)
}
