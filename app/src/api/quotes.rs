//! `quotes/*` endpoints. Each resolves the caller and workspace from the session, requires its
//! permission, and leaves the rules (drafts only for edits, the status flow, versions, totals)
//! to `server::records::quotes`.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{DocumentFormOptions, OrderId, QuoteDetail, QuotePage};

/// `POST /api/quotes/list` — a page of the quotes within the caller's reach, newest first;
/// `status` filters (`expired` is a sent quote past its last day). Permission: `quotes.read`.
/// `filters` sorts the list and narrows it (assignee, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "quotes/list", client = crate::csrf_page::ApiClient)]
pub async fn list_quotes(
    search: String,
    status: Option<String>,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<QuotePage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesRead>(&ctx).await?;
    let list = ListParams::page(search, filters, after);
    let query = quotes::ListQuery::new(list, status.as_deref().unwrap_or_default())?;
    Ok(quotes::list(&ctx.db, &ctx.clock, &grant, &query).await?)
}

/// `POST /api/quotes/get` — one quote with its lines; out of reach answers 404. Permission:
/// `quotes.read`.
#[server(endpoint = "quotes/get", client = crate::csrf_page::ApiClient)]
pub async fn get_quote(id: String) -> Result<QuoteDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesRead>(&ctx).await?;
    let id = crate::model::QuoteId::from_client(&id)?;
    Ok(quotes::get(&ctx.db, &ctx.clock, &grant, &id).await?)
}

/// `POST /api/quotes/form_options` — the customers, products, members and teams a quote form
/// offers. Permission: `quotes.write` (customers and products only as far as the caller's
/// `customers.read` and `products.read` reach).
#[server(endpoint = "quotes/form_options", client = crate::csrf_page::ApiClient)]
pub async fn quote_form_options() -> Result<DocumentFormOptions, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::options;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let customers = auth::optional::<keys::CustomersRead>(&ctx).await?;
    let products = auth::optional::<keys::ProductsRead>(&ctx).await?;
    Ok(options::form_options(&ctx.db, &grant, customers.as_ref(), products.as_ref()).await?)
}

#[cfg(feature = "ssr")]
fn quote_form(
    customer_id: String,
    title: String,
    valid_until: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> crate::server::records::quotes::QuoteForm {
    use crate::server::records::documents::header::HeaderForm;
    crate::server::records::quotes::QuoteForm {
        header: HeaderForm {
            customer_id,
            notes,
            assigned_user_id,
            team_id,
        },
        title,
        valid_until,
    }
}

/// `POST /api/quotes/create` — a draft quote for a customer the caller can see. Permission:
/// `quotes.write`, and `customers.read` reaching the customer (else 422 on `customer_id`).
#[server(endpoint = "quotes/create", client = crate::csrf_page::ApiClient)]
pub async fn create_quote(
    customer_id: String,
    title: String,
    valid_until: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<QuoteDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let (_, customers) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let form = quote_form(
        customer_id,
        title,
        valid_until,
        notes,
        assigned_user_id,
        team_id,
    );
    Ok(quotes::create(&ctx.db, &ctx.clock, &grant, &customers, &form).await?)
}

/// `POST /api/quotes/update` — changes a draft quote (else 409) at `version` (else 409).
/// Permission: `quotes.write` and `customers.read`, as for creating.
#[server(endpoint = "quotes/update", client = crate::csrf_page::ApiClient)]
pub async fn update_quote(
    id: String,
    version: i64,
    customer_id: String,
    title: String,
    valid_until: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<QuoteDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let (_, customers) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let id = crate::model::QuoteId::from_client(&id)?;
    let form = quote_form(
        customer_id,
        title,
        valid_until,
        notes,
        assigned_user_id,
        team_id,
    );
    Ok(quotes::update(&ctx.db, &ctx.clock, &grant, &customers, &id, version, &form).await?)
}

/// `POST /api/quotes/add_line` — adds a product line to a draft quote; the price is the
/// product's now, a discount needs `products.pricing`. Permission: `quotes.write`.
#[server(endpoint = "quotes/add_line", client = crate::csrf_page::ApiClient)]
pub async fn add_quote_line(
    id: String,
    version: i64,
    product_id: String,
    quantity: String,
    discount: String,
) -> Result<QuoteDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::lines::LineForm;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let id = crate::model::QuoteId::from_client(&id)?;
    let form = LineForm {
        product_id,
        quantity,
        discount,
    };
    Ok(quotes::add_line(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/quotes/remove_line` — removes a line of a draft quote. Permission:
/// `quotes.write`.
#[server(endpoint = "quotes/remove_line", client = crate::csrf_page::ApiClient)]
pub async fn remove_quote_line(
    id: String,
    version: i64,
    line_id: String,
) -> Result<QuoteDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let id = crate::model::QuoteId::from_client(&id)?;
    let line = crate::model::LineId::from_client(&line_id)?;
    Ok(quotes::remove_line(&ctx.db, &ctx.clock, &grant, &id, version, &line).await?)
}

/// `POST /api/quotes/set_status` — sends, accepts, declines or reopens a quote (`status`:
/// `sent`, `accepted`, `declined`, `draft`); from the wrong state 409 with the reason.
/// Permission: `quotes.write`.
#[server(endpoint = "quotes/set_status", client = crate::csrf_page::ApiClient)]
pub async fn set_quote_status(
    id: String,
    version: i64,
    status: String,
) -> Result<QuoteDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let id = crate::model::QuoteId::from_client(&id)?;
    let to = crate::model::QuoteStatus::from_key(status.trim())
        .ok_or_else(|| AppError::validation("status", "Choose a status from the list."))?;
    Ok(quotes::flow::set_status(&ctx.db, &ctx.clock, &grant, &id, version, to).await?)
}

/// `POST /api/quotes/convert` — makes an accepted quote into a draft order, lines and totals
/// included, in one transaction; a quote becomes at most one order. Permission: `quotes.write`
/// and `orders.write`.
#[server(endpoint = "quotes/convert", client = crate::csrf_page::ApiClient)]
pub async fn convert_quote(id: String, version: i64) -> Result<OrderId, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::quotes, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::QuotesWrite>(&ctx).await?;
    let (_, orders) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let id = crate::model::QuoteId::from_client(&id)?;
    Ok(quotes::flow::convert(&ctx.db, &ctx.clock, &grant, &orders, &id, version).await?)
}
