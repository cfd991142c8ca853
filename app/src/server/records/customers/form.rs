//! The customer form: every field checked on the server and named when it is wrong, the
//! assignee and team looked up in the caller's workspace, and the record kept within the
//! caller's reach.

use crate::model::CustomerKind;
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::identity::accounts::EmailAddress;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::{BlockField, LineField};
use crate::server::records::assignment::{self, Assignment};

const NOTES_MAX_CHARS: usize = 2000;

/// The customer form as sent.
#[derive(Debug, Default, Clone)]
pub struct CustomerForm {
    /// `company` or `person`; empty: a company when creating, unchanged when saving.
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub tax_id: String,
    pub notes: String,
    /// Empty: the caller.
    pub assigned_user_id: String,
    /// Empty: no team.
    pub team_id: String,
}

/// The customer's own fields, checked.
pub(super) struct Fields {
    /// `None`: the form left it out.
    pub kind: Option<CustomerKind>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub tax_id: String,
    pub notes: String,
}

/// An optional phone number: digits and the usual separators, at most 40 characters.
pub(super) fn phone(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let phone = optional_line(field, "The phone number", raw, 40)?;
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(DomainError::invalid(
            field,
            "Use digits, spaces and + - ( ) . only.",
        ));
    }
    Ok(phone)
}

/// An optional email address, normalised as for sign-in; a wrong one is named as `field`.
pub(super) fn optional_email(field: &'static str, raw: &str) -> Result<String, DomainError> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    match EmailAddress::parse(raw) {
        Ok(email) => Ok(email.as_str().to_owned()),
        Err(DomainError::Invalid { message, .. }) => Err(DomainError::invalid(field, message)),
        Err(other) => Err(other),
    }
}

pub(super) fn optional_line(
    field: &'static str,
    subject: &'static str,
    raw: &str,
    max: usize,
) -> Result<String, DomainError> {
    Ok(LineField {
        field,
        subject,
        empty_message: "",
        max_chars: max,
    }
    .clean_optional(raw)?
    .unwrap_or_default())
}

/// Checks every field, the assignee and team against the workspace, and that the record stays
/// within the caller's scope.
pub(super) async fn validate<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    form: &CustomerForm,
) -> Result<(Fields, Assignment), DomainError> {
    let fields = fields(form)?;
    let assignment = assignment::resolve(
        conn,
        grant,
        &super::KIND,
        &form.assigned_user_id,
        &form.team_id,
    )
    .await?;
    Ok((fields, assignment))
}

/// Checks the customer's own fields, each named when it is wrong; needs no database.
pub(super) fn fields(form: &CustomerForm) -> Result<Fields, DomainError> {
    let kind = match form.kind.trim() {
        "" => None,
        key => Some(
            CustomerKind::from_key(key)
                .ok_or_else(|| DomainError::invalid("kind", "Choose company or person."))?,
        ),
    };
    let name = LineField {
        field: "name",
        subject: "The name",
        empty_message: "Enter the customer's name.",
        max_chars: 200,
    }
    .clean(&form.name)?;
    let email = optional_email("email", &form.email)?;
    let phone = phone("phone", &form.phone)?;
    let company = optional_line("company", "The company", &form.company, 200)?;
    let tax_id = optional_line("tax_id", "The tax id", &form.tax_id, 50)?;
    let notes = BlockField {
        field: "notes",
        empty_message: "",
        max_chars: NOTES_MAX_CHARS,
    }
    .clean_or_empty(&form.notes)?;
    Ok(Fields {
        kind,
        name,
        email,
        phone,
        company,
        tax_id,
        notes,
    })
}
