//! `POST /import/{list}`: a CSV file to import into `customers` or `products`, as the `file`
//! field of a multipart body — the CSRF token, spooling, 413 and upload rate as for every
//! upload (`files::multipart`). Permission: the list's import key (`customers.import`,
//! `products.write`) and a role that allows bulk work, checked before the file is read. A
//! script gets 201 and `{id, href}`; a page is sent on to the import's mapping page, or back to
//! the upload page with the refusal's code.
//!
//! `GET /import/{list}/{id}/report.csv`: the refused rows of one of the caller's imports.
//! Permission: the list's import key; another person's import is 404.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use http::{header, HeaderValue, StatusCode};
use tower_http::limit::RequestBodyLimitLayer;

use app::error::AppError;
use app::model::{ImportId, ImportList, UploadProblem, MAX_IMPORT_BYTES};
use app::server::imports::endpoints;
use app::server::web::auth;

use crate::error_response::error_response;
use crate::files::multipart::{self, read_file, within_budget, Refusal};
use crate::files::{disposition_header, MULTIPART_OVERHEAD};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import/{list}", post(upload))
        .route("/import/{list}/{id}/report.csv", get(report))
        .layer(RequestBodyLimitLayer::new(
            usize::try_from(MAX_IMPORT_BYTES + MULTIPART_OVERHEAD).unwrap_or(usize::MAX),
        ))
        .layer(DefaultBodyLimit::disable())
}

async fn upload(State(state): State<AppState>, Path(list): Path<String>, req: Request) -> Response {
    let Some(list) = ImportList::from_key(&list) else {
        return error_response(StatusCode::NOT_FOUND, &AppError::NotFound);
    };
    let from_page = multipart::from_page(req.headers());
    match (accept(&state, list, req).await, from_page) {
        (Ok(id), false) => {
            let body = serde_json::json!({ "id": id, "href": list.run_href(&id) });
            (StatusCode::CREATED, axum::Json(body)).into_response()
        }
        (Err(refusal), false) => refusal.into_json(),
        (Ok(id), true) => Redirect::to(&list.run_href(&id)).into_response(),
        (Err(refusal), true) => {
            multipart::back_to(&list.page_href(), "import_error", refusal.problem, "")
        }
    }
}

async fn accept(state: &AppState, list: ImportList, req: Request) -> Result<ImportId, Refusal> {
    let (scope, mut multipart) = multipart::open(state, req).await?;
    let work = async {
        endpoints::may_import(list)
            .await
            .map_err(Refusal::from_app)?;
        let user = auth::require_user(&state.ctx)
            .await
            .map_err(Refusal::from_app)?;
        within_budget(state, &user.id)?;
        let (name, spooled) = read_file(state, &mut multipart, MAX_IMPORT_BYTES).await?;
        endpoints::receive(list, &name, spooled)
            .await
            .map_err(|e| match e {
                AppError::Validation { .. } => {
                    Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e, UploadProblem::Type)
                }
                other => Refusal::from_app(other),
            })
    };
    crate::request_scope::run(state, scope, work).await
}

async fn report(
    State(state): State<AppState>,
    Path((list, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let work = endpoints::report(&list, &id);
    match crate::request_scope::run(&state, parts, work).await {
        Ok((file_name, csv)) => {
            let mut res = Response::new(Body::from(csv));
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            let name = format!("report-{}.csv", file_name.trim_end_matches(".csv"));
            if let Ok(v) = HeaderValue::from_str(&disposition_header(&name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => error_response(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e,
        ),
    }
}
