//! A customer's postal addresses: what each is for (billing, shipping, office), street, city,
//! postcode and an ISO 3166-1 country.

use super::countries;
use super::form::optional_line;
use super::parts::{Change, Part};
use crate::model::{AddressId, AddressKind, CustomerId, CustomerParts};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;

/// The most addresses one customer has.
pub const MAX_ADDRESSES: usize = 10;

/// A new address as sent.
#[derive(Debug, Default, Clone)]
pub struct AddressForm {
    pub kind: String,
    pub street: String,
    pub city: String,
    pub postcode: String,
    /// An ISO 3166-1 alpha-2 code, any case.
    pub country: String,
}

struct Valid {
    kind: AddressKind,
    street: String,
    city: String,
    postcode: String,
    country: String,
}

fn validate(form: &AddressForm) -> Result<Valid, DomainError> {
    let line = |field, subject, empty_message, max_chars, raw: &str| {
        LineField {
            field,
            subject,
            empty_message,
            max_chars,
        }
        .clean(raw)
    };
    Ok(Valid {
        kind: AddressKind::parse(form.kind.trim())
            .ok_or_else(|| DomainError::invalid("kind", "Choose billing, shipping or office."))?,
        street: line(
            "street",
            "The street",
            "Enter the street and number.",
            200,
            &form.street,
        )?,
        city: line("city", "The city", "Enter the city.", 100, &form.city)?,
        postcode: optional_line("postcode", "The postcode", &form.postcode, 20)?,
        country: countries::parse(&form.country)?,
    })
}

/// Adds an address to a customer the grant reaches, at version `expected`.
pub async fn add(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    customer: &CustomerId,
    expected: i64,
    form: &AddressForm,
) -> Result<CustomerParts, DomainError> {
    let v = validate(form)?;
    let limit = Some(MAX_ADDRESSES);
    let mut change =
        Change::begin(db, clock, grant, customer, expected, Part::Addresses, limit).await?;
    let (ws, owner) = (change.workspace().to_owned(), change.customer().to_owned());
    sqlx::query(
        "INSERT INTO customer_addresses (id, workspace_id, customer_id, kind, street, city, \
         postcode, country, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(AddressId::fresh().as_str())
    .bind(ws)
    .bind(owner)
    .bind(v.kind.as_str())
    .bind(v.street)
    .bind(v.city)
    .bind(v.postcode)
    .bind(v.country)
    .bind(clock.now_ms())
    .execute(&mut *change.tx)
    .await?;
    change.finish(clock, "address_added").await
}

/// Removes address `address` of a customer the grant reaches, at version `expected`; an
/// address of another customer is not found.
pub async fn remove(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    customer: &CustomerId,
    expected: i64,
    address: &AddressId,
) -> Result<CustomerParts, DomainError> {
    let mut change =
        Change::begin(db, clock, grant, customer, expected, Part::Addresses, None).await?;
    let (ws, owner) = (change.workspace().to_owned(), change.customer().to_owned());
    let gone = sqlx::query(
        "DELETE FROM customer_addresses WHERE workspace_id = $1 AND customer_id = $2 AND id = $3",
    )
    .bind(ws)
    .bind(owner)
    .bind(address.as_str())
    .execute(&mut *change.tx)
    .await?;
    if gone.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    change.finish(clock, "address_removed").await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(country: &str) -> AddressForm {
        AddressForm {
            kind: "billing".into(),
            street: " 1  High Street ".into(),
            city: "Leeds".into(),
            postcode: "LS1 1AA".into(),
            country: country.into(),
        }
    }

    #[test]
    fn a_country_is_an_assigned_alpha2_code_in_any_case() {
        let v = validate(&form(" gb ")).unwrap();
        assert_eq!(
            (v.country.as_str(), v.street.as_str()),
            ("GB", "1 High Street")
        );
        for wrong in ["", "XX", "GBR", "Britain", "<b>"] {
            assert!(validate(&form(wrong)).is_err(), "{wrong} was taken");
        }
    }

    #[test]
    fn the_kind_must_be_one_of_three() {
        let mut f = form("FR");
        f.kind = "home".into();
        assert!(matches!(
            validate(&f),
            Err(DomainError::Invalid { field: "kind", .. })
        ));
    }
}
