//! The ticket forms: a new ticket (customer, subject, priority, queue, the first message) and
//! an edit (subject, priority, queue).

use crate::model::{CustomerId, TicketPriority};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::assignment::{self, Queue};
use crate::server::records::documents::reachable_customer;

/// A new ticket as sent.
#[derive(Debug, Default, Clone)]
pub struct TicketForm {
    pub customer_id: String,
    pub fields: EditForm,
    /// What the customer asked or reported: the thread's first message, a public one.
    pub message: String,
}

/// The fields of a ticket that change after it is opened.
#[derive(Debug, Default, Clone)]
pub struct EditForm {
    pub subject: String,
    /// A priority key; empty: normal.
    pub priority: String,
    /// Empty: unassigned, in the team's queue.
    pub assigned_user_id: String,
    /// Empty: no team.
    pub team_id: String,
}

pub(super) struct ValidEdit {
    pub subject: String,
    pub priority: TicketPriority,
    pub queue: Queue,
}

pub(super) struct Valid {
    pub customer: CustomerId,
    pub edit: ValidEdit,
    pub message: String,
}

pub(super) async fn validate(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::TicketsWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &TicketForm,
) -> Result<Valid, DomainError> {
    let customer = reachable_customer(conn, customers, &form.customer_id).await?;
    let edit = validate_edit(conn, grant, &form.fields).await?;
    let message = super::thread::clean_body(&form.message, "message")?;
    Ok(Valid {
        customer,
        edit,
        message,
    })
}

/// A ticket's subject: one line.
pub(crate) const SUBJECT: LineField = LineField {
    field: "subject",
    subject: "The subject",
    empty_message: "Give the ticket a subject.",
    max_chars: 200,
};

pub(super) async fn validate_edit(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::TicketsWrite>,
    form: &EditForm,
) -> Result<ValidEdit, DomainError> {
    let subject = SUBJECT.clean(&form.subject)?;
    let priority = match form.priority.trim() {
        "" => TicketPriority::Normal,
        key => TicketPriority::from_key(key)
            .ok_or_else(|| DomainError::invalid("priority", "Choose a priority from the list."))?,
    };
    let queue = assignment::resolve_queue(
        conn,
        grant,
        &super::KIND,
        &form.assigned_user_id,
        &form.team_id,
    )
    .await?;
    Ok(ValidEdit {
        subject,
        priority,
        queue,
    })
}
