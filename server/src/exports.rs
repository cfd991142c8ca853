//! `GET /export/{list}.csv`: a list as CSV, with the filters of the list page's own address.
//! Permission: the key the list's `ExportList` entry names (`customers.export`; the read key
//! of lists the catalogue gives no export key) and a role that allows exports (else 403,
//! logged); the rows are the caller's scope and max-records cap, every page, the columns those
//! their keys show. A parameter the list does not know, or a repeated one, is 400; a bad value
//! 422 on its field. Streamed in batches; recorded in `data_exports` with its row count.

use axum::body::Body;
use axum::extract::{Path, Query, RawQuery, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures::TryStreamExt;
use http::{header, HeaderValue, StatusCode};

use app::error::AppError;
use app::model::utc_date;
use app::server::exports::kit::{Address, Exporter};
use app::server::exports::{
    customers, endpoints, library, licences, orders, products, quotes, stream, tickets,
};
use app::server::web::auth;

use crate::error_response::error_response;
use crate::files::disposition_header;
use crate::state::AppState;

/// One route per exportable list (every entry of `ExportList::ALL`; a test asks each).
pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route::<customers::Customers>(router);
    let router = route::<products::Products>(router);
    let router = route::<quotes::Quotes>(router);
    let router = route::<orders::Orders>(router);
    let router = route::<licences::Licences>(router);
    let router = route::<tickets::Tickets>(router);
    route::<library::Documents>(router).route("/export/{list}/{id}/file", get(file))
}

fn route<E: Exporter>(router: Router<AppState>) -> Router<AppState> {
    router.route(&E::LIST.path(), get(csv::<E>))
}

async fn csv<E: Exporter>(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    pairs: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
    req: Request,
) -> Response {
    let Some(address) = pairs.ok().and_then(|Query(p)| Address::parse(p, E::OWN)) else {
        return unknown_parameter();
    };
    let (parts, _) = req.into_parts();
    let raw = raw.unwrap_or_default();
    let work = start::<E>(&state, &address, &raw);
    answer(crate::request_scope::run(&state, parts, work).await)
}

/// 400 for an export address with a parameter its list does not know, or one repeated.
pub(crate) fn unknown_parameter() -> Response {
    error_response(
        StatusCode::BAD_REQUEST,
        &AppError::BadRequest {
            message: "unknown or repeated export parameter".into(),
        },
    )
}

/// The response of an export's work, or its error with the error's own status.
pub(crate) fn answer(result: Result<Response, AppError>) -> Response {
    match result {
        Ok(response) => response,
        Err(e) => error_response(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e,
        ),
    }
}

async fn start<E: Exporter>(
    state: &AppState,
    address: &Address,
    raw: &str,
) -> Result<Response, AppError> {
    let ctx = &state.ctx;
    let (_, read) = auth::require::<E::Read>(ctx).await?;
    let (_, export) = auth::require::<E::Export>(ctx).await?;
    let ip = auth::client_ip();
    let asked = stream::Request::<E> {
        read,
        export,
        address,
        raw,
        ip: ip.as_deref(),
        background: false,
    };
    let list = E::LIST.name;
    let chunks = stream::start::<E>(&ctx.db, &ctx.clock, asked)
        .await?
        .into_stream()
        .map_err(move |e| {
            // The headers are sent: the connection is cut, and the cause goes to the log only.
            tracing::error!(list, error = %e, "export broken off");
            std::io::Error::other("export broken off")
        });
    let name = format!("{list}-{}.csv", utc_date(ctx.clock.now_ms()));
    Ok(attachment(Body::from_stream(chunks), &name, CSV))
}

/// `GET /export/{list}/{id}/file`: a finished background export's file. Permission: the key
/// the list's entry names and a role that still allows exports; only the person who started
/// the export gets it — anyone else, another workspace, an unfinished export or a file tidied
/// away is the same 404.
async fn file(
    State(state): State<AppState>,
    Path((list, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let work = async {
        let ctx = &state.ctx;
        let stored = endpoints::file(&list, &id).await?;
        let object = stored.object_name.as_deref().unwrap_or_default();
        let size = stored.view.size_bytes.unwrap_or_default();
        let bytes = ctx.storage.stream_all(object, stored.sealed).await;
        let body = Body::from_stream(bytes.map_err(AppError::internal)?.map_err(move |e| {
            // The headers are sent: the connection is cut, and the cause goes to the log only.
            tracing::error!(export = %id, error = %e, "export file broken off");
            std::io::Error::other("export file broken off")
        }));
        let name = format!("{list}-{}.csv", utc_date(ctx.clock.now_ms()));
        let mut res = attachment(body, &name, CSV);
        let h = res.headers_mut();
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::files::SANDBOX),
        );
        Ok::<_, AppError>(res)
    };
    answer(crate::request_scope::run(&state, parts, work).await)
}

const CSV: &str = "text/csv; charset=utf-8";

/// A 200 whose body is downloaded as the file `name`.
pub(crate) fn attachment(body: Body, name: &str, content_type: &'static str) -> Response {
    let mut res = Response::new(body);
    *res.status_mut() = StatusCode::OK;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition_header(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
