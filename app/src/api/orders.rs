//! `orders/*` endpoints. Each resolves the caller and workspace from the session, requires its
//! permission — every step of an order its own — and leaves the rules (drafts only for edits,
//! the steps' states, versions, totals) to `server::records::orders`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{DocumentFormOptions, OrderDetail, OrderPage};

/// `POST /api/orders/list` — a page of the orders within the caller's reach, newest first;
/// `status` filters. Permission: `orders.read`.
/// `filters` sorts the list and narrows it (assignee, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "orders/list", client = crate::csrf_page::ApiClient)]
pub async fn list_orders(
    search: String,
    status: Option<String>,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<OrderPage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::orders, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRead>(&ctx).await?;
    let list = ListParams::page(search, filters, after);
    let query = orders::ListQuery::new(list, status.as_deref().unwrap_or_default())?;
    Ok(orders::list(&ctx.db, &grant, &query).await?)
}

/// `POST /api/orders/get` — one order with its lines and the steps the caller may take; out
/// of reach answers 404. Permission: `orders.read`.
#[server(endpoint = "orders/get", client = crate::csrf_page::ApiClient)]
pub async fn get_order(id: String) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::orders, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRead>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    Ok(orders::get(&ctx.db, &grant, &id).await?)
}

/// `POST /api/orders/form_options` — the customers, products, members and teams an order form
/// offers. Permission: `orders.write` (customers and products only as far as the caller's
/// `customers.read` and `products.read` reach).
#[server(endpoint = "orders/form_options", client = crate::csrf_page::ApiClient)]
pub async fn order_form_options() -> Result<DocumentFormOptions, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::options;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let customers = auth::optional::<keys::CustomersRead>(&ctx).await?;
    let products = auth::optional::<keys::ProductsRead>(&ctx).await?;
    Ok(options::form_options(&ctx.db, &grant, customers.as_ref(), products.as_ref()).await?)
}

/// `POST /api/orders/create` — a draft order for a customer the caller can see. Permission:
/// `orders.write`, and `customers.read` reaching the customer (else 422 on `customer_id`).
#[server(endpoint = "orders/create", client = crate::csrf_page::ApiClient)]
pub async fn create_order(
    customer_id: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::header::HeaderForm;
    use crate::server::{records::orders, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let (_, customers) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let form = HeaderForm {
        customer_id,
        notes,
        assigned_user_id,
        team_id,
    };
    Ok(orders::create(&ctx.db, &ctx.clock, &grant, &customers, &form).await?)
}

/// `POST /api/orders/update` — changes a draft order (else 409) at `version` (else 409).
/// Permission: `orders.write` and `customers.read`, as for creating.
#[server(endpoint = "orders/update", client = crate::csrf_page::ApiClient)]
pub async fn update_order(
    id: String,
    version: i64,
    customer_id: String,
    notes: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::header::HeaderForm;
    use crate::server::{records::orders, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let (_, customers) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    let form = HeaderForm {
        customer_id,
        notes,
        assigned_user_id,
        team_id,
    };
    Ok(orders::update(&ctx.db, &ctx.clock, &grant, &customers, &id, version, &form).await?)
}

/// `POST /api/orders/add_line` — adds a product line to a draft order; a discount needs
/// `products.pricing`. Permission: `orders.write`.
#[server(endpoint = "orders/add_line", client = crate::csrf_page::ApiClient)]
pub async fn add_order_line(
    id: String,
    version: i64,
    product_id: String,
    quantity: String,
    discount: String,
) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::lines::LineForm;
    use crate::server::{records::orders, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    let form = LineForm {
        product_id,
        quantity,
        discount,
    };
    Ok(orders::add_line(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/orders/remove_line` — removes a line of a draft order. Permission:
/// `orders.write`.
#[server(endpoint = "orders/remove_line", client = crate::csrf_page::ApiClient)]
pub async fn remove_order_line(
    id: String,
    version: i64,
    line_id: String,
) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::orders, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    let line = crate::model::LineId::from_client(&line_id)?;
    Ok(orders::remove_line(&ctx.db, &ctx.clock, &grant, &id, version, &line).await?)
}

/// `POST /api/orders/confirm` — draft → confirmed (the order needs a line). Permission:
/// `orders.write`.
#[server(endpoint = "orders/confirm", client = crate::csrf_page::ApiClient)]
pub async fn confirm_order(id: String, version: i64) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::orders::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    Ok(flow::confirm(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}

/// `POST /api/orders/process` — confirmed → processed. Permission: `orders.process`.
#[server(endpoint = "orders/process", client = crate::csrf_page::ApiClient)]
pub async fn process_order(id: String, version: i64) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::orders::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersProcess>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    Ok(flow::process(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}

/// `POST /api/orders/fulfil` — processed → fulfilled. Permission: `orders.process`.
#[server(endpoint = "orders/fulfil", client = crate::csrf_page::ApiClient)]
pub async fn fulfil_order(id: String, version: i64) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::orders::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersProcess>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    Ok(flow::fulfil(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}

/// `POST /api/orders/cancel` — draft, confirmed or processed → cancelled. Permission:
/// `orders.cancel`.
#[server(endpoint = "orders/cancel", client = crate::csrf_page::ApiClient)]
pub async fn cancel_order(id: String, version: i64) -> Result<OrderDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::orders::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersCancel>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&id)?;
    Ok(flow::cancel(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}
