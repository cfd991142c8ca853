//! `customers/*` endpoints. Each resolves the caller and workspace from the session, requires
//! its permission, and leaves the data scope and field security to `server::customers`.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Customer, CustomerFormOptions, CustomerPage};

/// `POST /api/customers/list` — a page of the customers the caller reaches, by name, carrying
/// `tag` if given, of one `kind` (`company`, `person`) if given; `after` is the previous page's
/// `next`. Permission: `customers.read` (scope applies).
/// `filters` sorts the list and narrows it (assignee, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "customers/list", client = crate::csrf_page::ApiClient)]
pub async fn list_customers(
    search: String,
    tag: Option<String>,
    kind: Option<String>,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<CustomerPage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::customers, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let list = ListParams::page(search, filters, after);
    let own = |raw: &Option<String>| raw.clone().unwrap_or_default();
    let query = customers::ListQuery::new(list, &own(&tag), &own(&kind))?;
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

/// `POST /api/customers/create` — a new customer (a company unless `kind` says `person`),
/// within the caller's scope.
/// Permission: `customers.write`.
#[server(endpoint = "customers/create", client = crate::csrf_page::ApiClient)]
pub async fn create_customer(
    kind: Option<String>,
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
        kind: kind.unwrap_or_default(),
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
/// stay within reach; without `kind` it stays what it was. Permission: `customers.write`.
#[server(endpoint = "customers/update", client = crate::csrf_page::ApiClient)]
pub async fn update_customer(
    id: String,
    version: i64,
    kind: Option<String>,
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
        kind: kind.unwrap_or_default(),
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
    Ok(customers::delete(&ctx.db, &ctx.clock, &grant, &id, None).await?)
}

/// `POST /api/customers/bulk_assign` — assigns the chosen customers (`ids`, separated by
/// commas; at most 500, and no more than the role's max-records cap) to one person and team,
/// all or none; answers how many changed. Permission: `customers.write`, and a role that allows
/// bulk actions (else 403); every customer within the caller's reach (else 409); audited as one
/// entry listing them.
#[server(endpoint = "customers/bulk_assign", client = crate::csrf_page::ApiClient)]
pub async fn bulk_assign_customers(
    ids: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<usize, AppError> {
    use crate::permissions::keys;
    use crate::server::records::{bulk::Selection, customers};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let bulk = grant.bulk()?;
    let selection = Selection::parse(&ids)?;
    let (db, clock) = (&ctx.db, &ctx.clock);
    Ok(customers::bulk_assign(db, clock, &bulk, &selection, &assigned_user_id, &team_id).await?)
}

/// `POST /api/customers/bulk_delete` — deletes the chosen customers, or none if any is still
/// named by other records (409); answers how many were. Permission: `customers.delete`, and a
/// role that allows bulk actions (else 403); limits and reach as for `bulk_assign`.
#[server(endpoint = "customers/bulk_delete", client = crate::csrf_page::ApiClient)]
pub async fn bulk_delete_customers(ids: String) -> Result<usize, AppError> {
    use crate::permissions::keys;
    use crate::server::records::{bulk::Selection, customers};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersDelete>(&ctx).await?;
    let bulk = grant.bulk()?;
    let selection = Selection::parse(&ids)?;
    Ok(customers::bulk_delete(&ctx.db, &ctx.clock, &bulk, &selection).await?)
}
