//! `/api/v1/customers`: the customers a key's role reaches, by the same domain functions and
//! grants as the customer pages, so scopes and field security are the same.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue};
use serde::{Deserialize, Serialize};

use app::error::AppError;
use app::model::{Customer, CustomerId};
use app::permissions::keys;
use app::server::records::customers::{self, ListQuery};
use app::server::records::listing::ListParams;
use app::server::records::pages::MAX_PAGE_SIZE;

use super::caller::KeyCaller;
use super::problem::answer;
use crate::state::AppState;

/// A list's query: every parameter optional; anything else is refused by name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParamsQuery {
    /// Matches name, email or company, without regard to case.
    #[serde(default)]
    search: String,
    /// Only customers carrying this tag.
    #[serde(default)]
    tag: String,
    /// `company` or `person`.
    #[serde(default)]
    kind: String,
    /// The `next` of the previous page.
    after: Option<String>,
    /// Customers per page, 1 to 200 (50 unless given).
    limit: Option<u32>,
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /api/v1/customers` — a page of the customers the key's role reaches, by name; the
/// next page's address is also in a `Link: <…>; rel="next"` header. Permission:
/// `customers.read` (the tax id only with `customers.sensitive`).
pub async fn list(
    State(state): State<AppState>,
    KeyCaller(held): KeyCaller,
    query: Result<Query<ListParamsQuery>, QueryRejection>,
) -> Response {
    answer(
        async {
            let grant = held.grant::<keys::CustomersRead>()?;
            let Query(q) = query.map_err(|e| AppError::BadRequest {
                message: e.body_text(),
            })?;
            if q.limit.is_some_and(|l| l == 0 || l > MAX_PAGE_SIZE) {
                return Err(AppError::validation(
                    "limit",
                    format!("Ask for 1 to {MAX_PAGE_SIZE} customers per page."),
                ));
            }
            let params = ListParams {
                limit: q.limit,
                ..ListParams::page(q.search.clone(), None, q.after.clone())
            };
            let query = ListQuery::new(params, &q.tag, &q.kind)?;
            let page = customers::list(&state.ctx.db, &grant, &query).await?;
            let mut res = Json(Page {
                data: page.items,
                next: page.next.clone(),
            })
            .into_response();
            if let Some(next) = page.next {
                let link = next_link(&q, &next);
                if let Ok(v) = HeaderValue::from_str(&link) {
                    res.headers_mut().insert(header::LINK, v);
                }
            }
            Ok(res)
        }
        .await,
    )
}

/// The next page's address, keeping the list's own parameters.
fn next_link(q: &ListParamsQuery, next: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [("search", &q.search), ("tag", &q.tag), ("kind", &q.kind)] {
        if !value.is_empty() {
            query.append_pair(name, value);
        }
    }
    if let Some(limit) = q.limit {
        query.append_pair("limit", &limit.to_string());
    }
    query.append_pair("after", next);
    format!("</api/v1/customers?{}>; rel=\"next\"", query.finish())
}

/// `GET /api/v1/customers/{id}` — one customer the key's role reaches; any other id is 404.
/// Permission: `customers.read` (the tax id only with `customers.sensitive`).
pub async fn get(
    State(state): State<AppState>,
    KeyCaller(held): KeyCaller,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let grant = held.grant::<keys::CustomersRead>()?;
            let id = CustomerId::from_client(&id)?;
            let customer: Customer = customers::get(&state.ctx.db, &grant, &id).await?;
            Ok(Json(customer).into_response())
        }
        .await,
    )
}
