//! Contact persons at a customer company: name, role, email, phone.

use super::form::{optional_email, optional_line, phone};
use super::parts::{Change, Part};
use crate::model::{ContactId, CustomerId, CustomerKind, CustomerParts};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;

/// The most contact persons one customer has.
pub const MAX_CONTACTS: usize = 50;

/// A new contact person as sent.
#[derive(Debug, Default, Clone)]
pub struct ContactForm {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
}

struct Valid {
    name: String,
    role: String,
    email: String,
    phone: String,
}

fn validate(form: &ContactForm) -> Result<Valid, DomainError> {
    Ok(Valid {
        name: LineField {
            field: "contact_name",
            subject: "The name",
            empty_message: "Enter the contact's name.",
            max_chars: 200,
        }
        .clean(&form.name)?,
        role: optional_line("contact_role", "The role", &form.role, 100)?,
        email: optional_email("contact_email", &form.email)?,
        phone: phone("contact_phone", &form.phone)?,
    })
}

/// Adds a contact person to a customer the grant reaches, at version `expected`.
pub async fn add(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    customer: &CustomerId,
    expected: i64,
    form: &ContactForm,
) -> Result<CustomerParts, DomainError> {
    let v = validate(form)?;
    let limit = Some(MAX_CONTACTS);
    let mut change =
        Change::begin(db, clock, grant, customer, expected, Part::Contacts, limit).await?;
    if change.kind == CustomerKind::Person {
        return Err(DomainError::Conflict(
            "Contact persons belong to a company; this customer is a person.".into(),
        ));
    }
    let (ws, owner) = (change.workspace().to_owned(), change.customer().to_owned());
    sqlx::query(
        "INSERT INTO customer_contacts (id, workspace_id, customer_id, name, role, email, phone, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(ContactId::fresh().as_str())
    .bind(ws)
    .bind(owner)
    .bind(v.name)
    .bind(v.role)
    .bind(v.email)
    .bind(v.phone)
    .bind(clock.now_ms())
    .execute(&mut *change.tx)
    .await?;
    change.finish(clock, "contact_added").await
}

/// Removes contact `contact` of a customer the grant reaches, at version `expected`; a contact
/// of another customer is not found.
pub async fn remove(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    customer: &CustomerId,
    expected: i64,
    contact: &ContactId,
) -> Result<CustomerParts, DomainError> {
    let mut change =
        Change::begin(db, clock, grant, customer, expected, Part::Contacts, None).await?;
    let (ws, owner) = (change.workspace().to_owned(), change.customer().to_owned());
    let gone = sqlx::query(
        "DELETE FROM customer_contacts WHERE workspace_id = $1 AND customer_id = $2 AND id = $3",
    )
    .bind(ws)
    .bind(owner)
    .bind(contact.as_str())
    .execute(&mut *change.tx)
    .await?;
    if gone.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    change.finish(clock, "contact_removed").await
}

/// Refuses, naming the `kind` field, to make a company with contact persons a person: a
/// person has none, and dropping them silently would lose them.
pub(super) async fn none_left<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    customer: &CustomerId,
) -> Result<(), DomainError> {
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM customer_contacts WHERE workspace_id = $1 AND customer_id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(customer.as_str())
    .fetch_one(&mut *conn)
    .await?;
    if left > 0 {
        return Err(DomainError::invalid(
            "kind",
            "Remove its contact persons before making this customer a person.",
        ));
    }
    Ok(())
}
