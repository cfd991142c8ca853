//! `products/*` endpoints. Each resolves the caller and workspace from the session, requires its
//! permission, and leaves the catalogue rules (the keys guarding price and stock, versions) to
//! `server::records::products`.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Product, ProductPage};

/// `POST /api/products/list` — a page of the catalogue by name; `after` is the previous page's
/// `next`. Permission: `products.read` (the whole catalogue; max-records applies).
/// `filters` sorts the list and narrows it (assignee, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "products/list", client = crate::csrf_page::ApiClient)]
pub async fn list_products(
    search: String,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<ProductPage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::products, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::ProductsRead>(&ctx).await?;
    let query = products::ListQuery {
        list: ListParams::page(search, filters, after),
    };
    Ok(products::list(&ctx.db, &grant, &query).await?)
}

/// `POST /api/products/get` — one product of the caller's workspace; anything else answers 404.
/// Permission: `products.read`.
#[server(endpoint = "products/get", client = crate::csrf_page::ApiClient)]
pub async fn get_product(id: String) -> Result<Product, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::products, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::ProductsRead>(&ctx).await?;
    let id = crate::model::ProductId::from_client(&id)?;
    Ok(products::get(&ctx.db, &grant, &id).await?)
}

/// `POST /api/products/create` — a new product. Permission: `products.write`; a price needs
/// `products.pricing`, a stock count `products.inventory`.
#[server(endpoint = "products/create", client = crate::csrf_page::ApiClient)]
pub async fn create_product(
    sku: String,
    name: String,
    description: String,
    unit_price: String,
    currency: String,
    stock: String,
    active: Option<String>,
) -> Result<Product, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::products, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::ProductsWrite>(&ctx).await?;
    let form = products::ProductForm {
        sku,
        name,
        description,
        unit_price,
        currency,
        stock,
        active: active.is_some(),
    };
    Ok(products::create(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/products/update` — changes a product of the caller's workspace (else 404) if it
/// is still at `version` (else 409). Permission: `products.write`; changing the price needs
/// `products.pricing`, the stock `products.inventory`.
#[server(endpoint = "products/update", client = crate::csrf_page::ApiClient)]
pub async fn update_product(
    id: String,
    version: i64,
    sku: String,
    name: String,
    description: String,
    unit_price: String,
    currency: String,
    stock: String,
    active: Option<String>,
) -> Result<Product, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::products, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::ProductsWrite>(&ctx).await?;
    let form = products::ProductForm {
        sku,
        name,
        description,
        unit_price,
        currency,
        stock,
        active: active.is_some(),
    };
    let id = crate::model::ProductId::from_client(&id)?;
    Ok(products::update(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/products/delete` — removes a product of the caller's workspace (else 404).
/// Permission: `products.delete`.
#[server(endpoint = "products/delete", client = crate::csrf_page::ApiClient)]
pub async fn delete_product(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{records::products, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::ProductsDelete>(&ctx).await?;
    let id = crate::model::ProductId::from_client(&id)?;
    Ok(products::delete(&ctx.db, &ctx.clock, &grant, &id).await?)
}
