//! Reading customers: a page of those the key's role reaches, and one by id with its ETag.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::header;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::error::AppError;
use app::model::CustomerId;
use app::permissions::keys;
use app::server::records::customers::{self, ListQuery};
use app::server::records::listing::ListParams;

use super::{Customer, Kind};
use crate::api_v1::caller::KeyCaller;
use crate::api_v1::paging::{check_limit, with_next};
use crate::api_v1::preconditions::etag;
use crate::api_v1::problem::{answer, Problem};
use crate::api_v1::text::one_line;
use crate::state::AppState;

/// One page of customers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    data: Vec<Customer>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// A list's query: every parameter optional; anything else is refused.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParamsQuery {
    /// Matches name, email or company, without regard to case.
    #[param(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    search: Option<String>,
    /// Only customers carrying this tag (any case).
    #[param(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    tag: Option<String>,
    /// Only companies, or only people.
    #[param(inline)]
    kind: Option<Kind>,
    /// The `next` of the previous page.
    #[param(max_length = 64, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    after: Option<String>,
    /// Customers per page (50 unless given).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// A page of the customers the key's role reaches, by name.
#[utoipa::path(
    get,
    path = "/api/v1/customers",
    tag = "customers",
    operation_id = "list_customers",
    params(ListParamsQuery),
    responses(
        (status = 200, description = "A page; the next page's address is also in `Link: <…>; rel=\"next\"`.",
            body = CustomerPage,
            headers(("Link" = String, description = "The next page, when there is one."))),
        (status = 400, description = "A parameter that is not one of these, or malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No usable key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's role lacks `customers.read`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter out of range; `field` names it.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key is over its budget; `Retry-After` says for how long.", body = Problem, content_type = "application/problem+json"),
    ),
)]
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
            let search = one_line("search", q.search.as_deref(), 200)?;
            let tag = one_line("tag", q.tag.as_deref(), 50)?;
            let after = one_line("after", q.after.as_deref(), 64)?;
            check_limit(q.limit, "customers")?;
            let params = ListParams {
                limit: q.limit,
                ..ListParams::page(search.to_owned(), None, Some(after.to_owned()))
            };
            let kind = q.kind.map_or("", Kind::key);
            let query = ListQuery::new(params, tag, kind)?;
            let page = customers::page(&state.ctx.db, &grant, &query).await?;
            let link = page.next.as_deref().map(|next| next_link(&q, next));
            let res = Json(CustomerPage {
                data: page.items.into_iter().map(Customer::from).collect(),
                next: page.next,
            })
            .into_response();
            Ok(with_next(res, link))
        }
        .await,
    )
}

/// The next page's address, keeping the list's own parameters.
fn next_link(q: &ListParamsQuery, next: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [("search", &q.search), ("tag", &q.tag)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(name, value);
        }
    }
    if let Some(kind) = q.kind {
        query.append_pair("kind", kind.key());
    }
    if let Some(limit) = q.limit {
        query.append_pair("limit", &limit.to_string());
    }
    query.append_pair("after", next);
    format!("/api/v1/customers?{}", query.finish())
}

/// One customer the key's role reaches; any other id is 404.
#[utoipa::path(
    get,
    path = "/api/v1/customers/{id}",
    tag = "customers",
    operation_id = "get_customer",
    params(("id" = String, Path, description = "The customer's id.")),
    responses(
        (status = 200, description = "The customer.", body = Customer,
            headers(("ETag" = String, description = "Its version: send it in `If-Match` to change or delete it.")),
            links(
                ("UpdateCustomer" = (operation_id = "update_customer", parameters(("id" = "$response.body#/id"), ("header.If-Match" = "$response.header.ETag")))),
                ("DeleteCustomer" = (operation_id = "delete_customer", parameters(("id" = "$response.body#/id"), ("header.If-Match" = "$response.header.ETag")))),
            )),
        (status = 401, description = "No usable key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's role lacks `customers.read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer within the key's reach.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key is over its budget; `Retry-After` says for how long.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    KeyCaller(held): KeyCaller,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let grant = held.grant::<keys::CustomersRead>()?;
            let id = CustomerId::from_client(&id)?;
            let customer = customers::get(&state.ctx.db, &grant, &id).await?;
            let tag = etag(customer.version);
            Ok(([(header::ETAG, tag)], Json(Customer::from(customer))).into_response())
        }
        .await,
    )
}
