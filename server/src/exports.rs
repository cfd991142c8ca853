//! `GET /export/customers.csv`: the customer list as CSV, with the filters of the list's own
//! address (`q`, `tag`, `kind`, `sort`, `assignee`, `team`, `from`, `until`). Permission:
//! `customers.read` and `customers.export`, and a role that allows exports; the rows are the
//! caller's scope and max-records cap, the tax id only with `customers.sensitive`. Streamed in
//! batches, so memory stays flat however long the list; recorded in `data_exports`.

use axum::body::Body;
use axum::extract::{Query, RawQuery, Request, State};
use axum::response::Response;
use futures::TryStreamExt;
use http::{header, HeaderValue, StatusCode};
use serde::Deserialize;

use app::error::AppError;
use app::model::ListFilters;
use app::permissions::keys;
use app::server::exports::{customers as csv, log};
use app::server::records::customers::{self, export, ListQuery};
use app::server::records::listing::ListParams;
use app::server::web::auth;

use crate::error_response::error_response;
use crate::state::AppState;

/// The list page's address parameters.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerFilters {
    q: String,
    tag: String,
    kind: String,
    sort: String,
    assignee: String,
    team: String,
    from: String,
    until: String,
}

pub async fn customers_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    filters: Result<Query<CustomerFilters>, axum::extract::rejection::QueryRejection>,
    req: Request,
) -> Response {
    let Ok(Query(f)) = filters else {
        return error_response(
            StatusCode::BAD_REQUEST,
            &AppError::BadRequest {
                message: "unknown or repeated export parameter".into(),
            },
        );
    };
    let (parts, _) = req.into_parts();
    let work = start(&state, f, raw.unwrap_or_default());
    match crate::request_scope::run(&state, parts, work).await {
        Ok(response) => response,
        Err(e) => error_response(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e,
        ),
    }
}

async fn start(state: &AppState, f: CustomerFilters, raw: String) -> Result<Response, AppError> {
    let ctx = &state.ctx;
    let (_, read) = auth::require::<keys::CustomersRead>(ctx).await?;
    let (_, grant) = auth::require::<keys::CustomersExport>(ctx).await?;
    let query = ListQuery {
        list: ListParams {
            search: f.q,
            filters: ListFilters {
                sort: f.sort,
                assignee: f.assignee,
                team: f.team,
                from: f.from,
                until: f.until,
            },
            after: None,
            limit: None,
        },
        tag: Some(f.tag).filter(|t| !t.trim().is_empty()),
        kind: customers::kind_filter(Some(&f.kind))?,
    };
    let recorded = {
        let proof = grant.export()?;
        export::check(&ctx.db, &read, &proof, &query).await?;
        let columns = csv::columns(export::shows_tax_id(&proof));
        let ip = auth::client_ip();
        let asked = log::Asked {
            list: "customers",
            filters: &raw,
            columns: &columns,
            ip: ip.as_deref(),
        };
        log::start(&ctx.db, &ctx.clock, &proof, &asked).await?
    };
    let day = chrono::DateTime::from_timestamp_millis(ctx.clock.now_ms())
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let stream = csv::csv_stream(ctx.db.clone(), ctx.clock.clone(), grant, query, recorded)
        .map_err(|e| std::io::Error::other(e.to_string()));
    let mut res = Response::new(Body::from_stream(stream));
    *res.status_mut() = StatusCode::OK;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"customers-{day}.csv\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
