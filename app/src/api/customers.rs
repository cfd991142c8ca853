//! `customers/*` endpoints. Each resolves the caller and workspace from the session, requires
//! its permission, and leaves the data scope and field security to `server::customers`.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Customer, CustomerFormOptions, CustomerPage};

/// `POST /api/customers/list` — a page of the customers the caller reaches, by name; `after`
/// is the previous page's `next`. Permission: `customers.read` (scope applies).
#[server(endpoint = "customers/list", client = crate::csrf_page::ApiClient)]
pub async fn list_customers(
    search: String,
    after: Option<String>,
) -> Result<CustomerPage, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let query = customers::ListQuery {
        search,
        after: after.filter(|a| !a.is_empty()),
        limit: None,
    };
    Ok(customers::list(&ctx.db, &grant, &query).await?)
}

/// `POST /api/customers/get` — one customer the caller reaches; anything else answers 404.
/// Permission: `customers.read` (scope applies; sensitive fields need `customers.sensitive`).
#[server(endpoint = "customers/get", client = crate::csrf_page::ApiClient)]
pub async fn get_customer(id: String) -> Result<Customer, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&id)?;
    Ok(customers::get(&ctx.db, &grant, &id).await?)
}

/// `POST /api/customers/form_options` — members and teams to assign to.
/// Permission: `customers.write`.
#[server(endpoint = "customers/form_options", client = crate::csrf_page::ApiClient)]
pub async fn get_customer_form_options() -> Result<CustomerFormOptions, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    Ok(customers::form_options(&ctx.db, &grant).await?)
}

/// `POST /api/customers/create` — a new customer, within the caller's scope.
/// Permission: `customers.write`.
#[server(endpoint = "customers/create", client = crate::csrf_page::ApiClient)]
pub async fn create_customer(
    name: String,
    email: String,
    phone: String,
    company: String,
    tax_id: Option<String>,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<Customer, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let form = customers::CustomerForm {
        name,
        email,
        phone,
        company,
        tax_id: tax_id.unwrap_or_default(),
        notes,
        assigned_user_id,
        team_id,
    };
    Ok(customers::create(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/customers/update` — changes a customer the caller reaches (else 404); it must
/// stay within reach. Permission: `customers.write`.
#[server(endpoint = "customers/update", client = crate::csrf_page::ApiClient)]
pub async fn update_customer(
    id: String,
    version: i64,
    name: String,
    email: String,
    phone: String,
    company: String,
    tax_id: Option<String>,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<Customer, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let form = customers::CustomerForm {
        name,
        email,
        phone,
        company,
        tax_id: tax_id.unwrap_or_default(),
        notes,
        assigned_user_id,
        team_id,
    };
    let id = crate::model::CustomerId::from_client(&id)?;
    Ok(customers::update(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/customers/delete` — deletes a customer the caller reaches (else 404).
/// Permission: `customers.delete`.
#[server(endpoint = "customers/delete", client = crate::csrf_page::ApiClient)]
pub async fn delete_customer(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersDelete>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&id)?;
    Ok(customers::delete(&ctx.db, &ctx.clock, &grant, &id).await?)
}
