//! `customers/*` endpoints for a customer's parts — contact persons, addresses, tags — and the
//! tag filter and bulk tag of the list. Each resolves the caller and workspace from the
//! session, requires its permission, and leaves reach, versions and history to
//! `server::records::customers`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Customer, CustomerParts};

/// `POST /api/customers/parts` — the contact persons and addresses of a customer the caller
/// reaches (else 404). Permission: `customers.read` (scope applies).
#[server(endpoint = "customers/parts", client = crate::csrf_page::ApiClient)]
pub async fn get_customer_parts(id: String) -> Result<CustomerParts, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers::parts, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&id)?;
    Ok(parts::get(&ctx.db, &grant, &id).await?)
}

/// `POST /api/customers/add_contact` — adds a contact person to a customer the caller reaches
/// (else 404) that is still at `version` (else 409). Permission: `customers.write`.
#[server(endpoint = "customers/add_contact", client = crate::csrf_page::ApiClient)]
pub async fn add_customer_contact(
    customer_id: String,
    version: i64,
    contact_name: String,
    contact_role: String,
    contact_email: String,
    contact_phone: String,
) -> Result<CustomerParts, AppError> {
    use crate::permissions::keys;
    use crate::server::records::customers::{contacts, ContactForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&customer_id)?;
    let form = ContactForm {
        name: contact_name,
        role: contact_role,
        email: contact_email,
        phone: contact_phone,
    };
    Ok(contacts::add(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/customers/remove_contact` — removes a contact person of a customer the caller
/// reaches (else 404), at `version` (else 409). Permission: `customers.write`.
#[server(endpoint = "customers/remove_contact", client = crate::csrf_page::ApiClient)]
pub async fn remove_customer_contact(
    customer_id: String,
    version: i64,
    contact_id: String,
) -> Result<CustomerParts, AppError> {
    use crate::model::{ContactId, CustomerId};
    use crate::permissions::keys;
    use crate::server::records::customers::contacts;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let id = CustomerId::from_client(&customer_id)?;
    let contact = ContactId::from_client(&contact_id)?;
    Ok(contacts::remove(&ctx.db, &ctx.clock, &grant, &id, version, &contact).await?)
}

/// `POST /api/customers/add_address` — adds an address to a customer the caller reaches (else
/// 404) that is still at `version` (else 409). Permission: `customers.write`.
#[server(endpoint = "customers/add_address", client = crate::csrf_page::ApiClient)]
pub async fn add_customer_address(
    customer_id: String,
    version: i64,
    kind: String,
    street: String,
    city: String,
    postcode: String,
    country: String,
) -> Result<CustomerParts, AppError> {
    use crate::permissions::keys;
    use crate::server::records::customers::{addresses, AddressForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&customer_id)?;
    let form = AddressForm {
        kind,
        street,
        city,
        postcode,
        country,
    };
    Ok(addresses::add(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/customers/remove_address` — removes an address of a customer the caller reaches
/// (else 404), at `version` (else 409). Permission: `customers.write`.
#[server(endpoint = "customers/remove_address", client = crate::csrf_page::ApiClient)]
pub async fn remove_customer_address(
    customer_id: String,
    version: i64,
    address_id: String,
) -> Result<CustomerParts, AppError> {
    use crate::model::{AddressId, CustomerId};
    use crate::permissions::keys;
    use crate::server::records::customers::addresses;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let id = CustomerId::from_client(&customer_id)?;
    let address = AddressId::from_client(&address_id)?;
    Ok(addresses::remove(&ctx.db, &ctx.clock, &grant, &id, version, &address).await?)
}

/// `POST /api/customers/set_tags` — replaces the tags (separated by commas, at most 20) of a
/// customer the caller reaches (else 404) that is still at `version` (else 409).
/// Permission: `customers.write`.
#[server(endpoint = "customers/set_tags", client = crate::csrf_page::ApiClient)]
pub async fn set_customer_tags(
    customer_id: String,
    version: i64,
    tags: String,
) -> Result<Customer, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&customer_id)?;
    Ok(customers::tags::set(&ctx.db, &ctx.clock, &grant, &id, version, &tags).await?)
}

/// `POST /api/customers/bulk_tag` — puts one tag on the chosen customers (`ids`, separated by
/// commas), all or none; answers how many were chosen. Permission: `customers.write`, and a
/// role that allows bulk actions (else 403); limits and reach as for `bulk_assign`; audited as
/// one entry listing them.
#[server(endpoint = "customers/bulk_tag", client = crate::csrf_page::ApiClient)]
pub async fn bulk_tag_customers(ids: String, tag: String) -> Result<usize, AppError> {
    use crate::permissions::keys;
    use crate::server::records::{bulk::Selection, customers};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let bulk = grant.bulk()?;
    let selection = Selection::parse(&ids)?;
    Ok(customers::tags::bulk_tag(&ctx.db, &ctx.clock, &bulk, &selection, &tag).await?)
}
