//! The part of a quote or order form every document has: the customer, notes, and who it is
//! assigned to; and the header as read back.

use sqlx::Row;

use super::{reachable_customer, totals_from_row, DocumentKind};
use crate::model::{CustomerId, DocumentHeader, TeamId, UserId};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::BlockField;
use crate::server::records::assignment::{self, Assignment};

const NOTES_MAX_CHARS: usize = 4000;

/// The shared fields as sent.
#[derive(Debug, Default, Clone)]
pub struct HeaderForm {
    pub customer_id: String,
    pub notes: String,
    /// Empty: the writer.
    pub assigned_user_id: String,
    /// Empty: no team.
    pub team_id: String,
}

pub struct ValidHeader {
    pub customer: CustomerId,
    pub notes: String,
    pub assignment: Assignment,
}

/// Checks the shared fields: a customer the writer's customer grant reaches, notes without
/// control characters, and an assignment within the writer's reach for `doc`.
pub async fn validate<K: Key>(
    conn: &mut sqlx::AnyConnection,
    doc: &DocumentKind,
    grant: &Grant<K>,
    customers: &Grant<keys::CustomersRead>,
    form: &HeaderForm,
) -> Result<ValidHeader, DomainError> {
    let customer = reachable_customer(conn, customers, &form.customer_id).await?;
    let notes = clean_notes(&form.notes)?;
    let assignment =
        assignment::resolve(conn, grant, doc.kind, &form.assigned_user_id, &form.team_id).await?;
    Ok(ValidHeader {
        customer,
        notes,
        assignment,
    })
}

pub(crate) fn clean_notes(raw: &str) -> Result<String, DomainError> {
    BlockField {
        field: "notes",
        empty_message: "",
        max_chars: NOTES_MAX_CHARS,
    }
    .clean_or_empty(raw)
}

/// The header of a row selected with [`DocumentKind::columns`].
pub fn from_row(row: &sqlx::any::AnyRow) -> Result<DocumentHeader, DomainError> {
    Ok(DocumentHeader {
        number: row.try_get("number")?,
        customer_id: CustomerId::from_db(row.try_get("customer_id")?),
        customer: row.try_get("customer_name")?,
        notes: row.try_get("notes")?,
        assigned_user_id: UserId::from_db(row.try_get("assigned_user_id")?),
        assigned_to: row.try_get("assignee")?,
        team_id: row
            .try_get::<Option<String>, _>("team_id")?
            .map(TeamId::from_db),
        team: row.try_get("team_name")?,
        totals: totals_from_row(row)?,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}
