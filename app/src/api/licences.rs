//! `licences/*` endpoints. Each resolves the caller and workspace from the session, requires
//! its permission, and leaves the rules (reach, the masked key, dates, versions) to
//! `server::records::licences`.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{DocumentFormOptions, LicenceDetail, LicencePage};

/// `POST /api/licences/list` — a page of the licences within the caller's reach, newest first;
/// `status` filters (`scheduled`, `active`, `suspended`, `expired`). Permission:
/// `licences.read` (keys masked without `licences.write`).
/// `filters` sorts the list and narrows it (assignee, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "licences/list", client = crate::csrf_page::ApiClient)]
pub async fn list_licences(
    search: String,
    status: Option<String>,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<LicencePage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::licences, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesRead>(&ctx).await?;
    let list = ListParams::page(search, filters, after);
    let query = licences::ListQuery::new(list, status.as_deref().unwrap_or_default())?;
    Ok(licences::list(&ctx.db, &ctx.clock, &grant, &query).await?)
}

/// `POST /api/licences/get` — one licence; out of reach answers 404. Permission:
/// `licences.read` (the key masked without `licences.write`).
#[server(endpoint = "licences/get", client = crate::csrf_page::ApiClient)]
pub async fn get_licence(id: String) -> Result<LicenceDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::licences, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesRead>(&ctx).await?;
    let id = crate::model::LicenceId::from_client(&id)?;
    Ok(licences::get(&ctx.db, &ctx.clock, &grant, &id).await?)
}

/// `POST /api/licences/form_options` — the customers, products, members and teams a licence
/// form offers. Permission: `licences.write` (customers and products only as far as the
/// caller's `customers.read` and `products.read` reach).
#[server(endpoint = "licences/form_options", client = crate::csrf_page::ApiClient)]
pub async fn licence_form_options() -> Result<DocumentFormOptions, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::options;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesWrite>(&ctx).await?;
    let customers = auth::optional::<keys::CustomersRead>(&ctx).await?;
    let products = auth::optional::<keys::ProductsRead>(&ctx).await?;
    Ok(options::form_options(&ctx.db, &grant, customers.as_ref(), products.as_ref()).await?)
}

#[cfg(feature = "ssr")]
fn terms(
    seats: String,
    valid_from: String,
    valid_until: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> crate::server::records::licences::TermsForm {
    crate::server::records::licences::TermsForm {
        seats,
        valid_from,
        valid_until,
        notes,
        assigned_user_id,
        team_id,
    }
}

/// `POST /api/licences/create` — issues a licence of an active product to a customer the
/// caller can see, with a fresh key. Permission: `licences.write`, and `customers.read`
/// reaching the customer (else 422 on `customer_id`).
#[server(endpoint = "licences/create", client = crate::csrf_page::ApiClient)]
pub async fn create_licence(
    product_id: String,
    customer_id: String,
    seats: String,
    valid_from: String,
    valid_until: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<LicenceDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::licences, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesWrite>(&ctx).await?;
    let (_, customers) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let form = licences::LicenceForm {
        product_id,
        customer_id,
        terms: terms(
            seats,
            valid_from,
            valid_until,
            notes,
            assigned_user_id,
            team_id,
        ),
    };
    Ok(licences::create(&ctx.db, &ctx.clock, &grant, &customers, &form).await?)
}

/// `POST /api/licences/update` — changes the seats, dates, notes or assignment of a licence at
/// `version` (else 409); product, customer and key stay as issued. Permission: `licences.write`.
#[server(endpoint = "licences/update", client = crate::csrf_page::ApiClient)]
pub async fn update_licence(
    id: String,
    version: i64,
    seats: String,
    valid_from: String,
    valid_until: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<LicenceDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::licences, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesWrite>(&ctx).await?;
    let id = crate::model::LicenceId::from_client(&id)?;
    let form = terms(
        seats,
        valid_from,
        valid_until,
        notes,
        assigned_user_id,
        team_id,
    );
    Ok(licences::update(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/licences/renew` — extends a licence by `months` (1–60) from its last day, or from
/// today once expired. Permission: `licences.write`.
#[server(endpoint = "licences/renew", client = crate::csrf_page::ApiClient)]
pub async fn renew_licence(
    id: String,
    version: i64,
    months: String,
) -> Result<LicenceDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::licences::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesWrite>(&ctx).await?;
    let id = crate::model::LicenceId::from_client(&id)?;
    Ok(flow::renew(&ctx.db, &ctx.clock, &grant, &id, version, &months).await?)
}

/// `POST /api/licences/suspend` — suspends a licence with a reason; an already suspended one
/// answers 409. Permission: `licences.write`.
#[server(endpoint = "licences/suspend", client = crate::csrf_page::ApiClient)]
pub async fn suspend_licence(
    id: String,
    version: i64,
    reason: String,
) -> Result<LicenceDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::licences::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesWrite>(&ctx).await?;
    let id = crate::model::LicenceId::from_client(&id)?;
    Ok(flow::suspend(&ctx.db, &ctx.clock, &grant, &id, version, &reason).await?)
}

/// `POST /api/licences/reinstate` — lifts a suspension; a licence not suspended answers 409.
/// Permission: `licences.write`.
#[server(endpoint = "licences/reinstate", client = crate::csrf_page::ApiClient)]
pub async fn reinstate_licence(id: String, version: i64) -> Result<LicenceDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::licences::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::LicencesWrite>(&ctx).await?;
    let id = crate::model::LicenceId::from_client(&id)?;
    Ok(flow::reinstate(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}
