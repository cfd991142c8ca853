//! `/api/v1/public/products`: the workspace's published catalogue (active products: SKU,
//! name, description, price) for self-service clients, with a public key.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::error::AppError;
use app::server::records::products::catalogue::{self, PublishedProduct};

use super::paging::{check_limit, with_next};
use super::problem::{answer, Problem};
use super::public_caller::PublicKeyCaller;
use super::text::one_line;
use crate::state::AppState;

/// A product as the workspace publishes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    sku: String,
    name: String,
    description: String,
    /// Whole minor units of `currency` (cents for EUR, yen for JPY).
    unit_price_minor: i64,
    /// ISO 4217.
    currency: String,
}

impl From<PublishedProduct> for Product {
    fn from(p: PublishedProduct) -> Self {
        Self {
            sku: p.sku,
            name: p.name,
            description: p.description,
            unit_price_minor: p.unit_price_minor,
            currency: p.currency,
        }
    }
}

/// One page of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductPage {
    data: Vec<Product>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The catalogue's query: every parameter optional; anything else is refused.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// The `next` of the previous page (a SKU).
    #[param(max_length = 64, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    after: Option<String>,
    /// Products per page (50 unless given).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// The workspace's active products by SKU.
#[utoipa::path(
    get,
    path = "/api/v1/public/products",
    tag = "public",
    operation_id = "list_published_products",
    security(("public_key" = [])),
    params(CatalogueQuery),
    responses(
        (status = 200, description = "A page; the next page's address is also in `Link: <…>; rel=\"next\"`.",
            body = ProductPage,
            headers(("Link" = String, description = "The next page, when there is one."))),
        (status = 400, description = "A parameter that is not one of these, or malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No usable public key (a secret key is not one).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter out of range; `field` names it.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key is over its budget; `Retry-After` says for how long.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    PublicKeyCaller(caller): PublicKeyCaller,
    query: Result<Query<CatalogueQuery>, QueryRejection>,
) -> Response {
    answer(
        async {
            let Query(q) = query.map_err(|e| AppError::BadRequest {
                message: e.body_text(),
            })?;
            let after = one_line("after", q.after.as_deref(), 64)?;
            check_limit(q.limit, "products")?;
            let limit = q.limit.unwrap_or(50);
            let (items, next) = catalogue::page(&state.ctx.db, &caller, after, limit).await?;
            let link = next.as_deref().map(|next| {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                query.append_pair("limit", &limit.to_string());
                query.append_pair("after", next);
                format!("/api/v1/public/products?{}", query.finish())
            });
            let res = Json(ProductPage {
                data: items.into_iter().map(Product::from).collect(),
                next,
            })
            .into_response();
            Ok(with_next(res, link))
        }
        .await,
    )
}
