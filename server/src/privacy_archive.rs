//! `GET /privacy-requests/{id}/archive.zip`: the archive answering an access or portability
//! request — `data.json` with everything held about the customer, and their files. Each
//! download is a step on the request and `privacy.archive` in the trail. Permission:
//! `privacy.process`; a request of another workspace is 404, one not yet verified 409.
//!
//! `GET /privacy/{slug}/archive?token=…`: the same archive for the requester, from the link
//! mailed when the request was completed (seven days). Permission: the token; an unknown,
//! expired or used-up link is 422, an unknown slug 404.

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue};

use app::error::AppError;
use app::permissions::keys;
use app::server::privacy::{archive, public, requester_archive};
use app::server::web::auth;

use crate::exports::{answer, attachment};
use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    router
        .route("/privacy-requests/{id}/archive.zip", get(download))
        .route("/privacy/{slug}/archive", get(requester_download))
}

#[derive(serde::Deserialize)]
struct Link {
    token: String,
}

async fn requester_download(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    link: Result<Query<Link>, axum::extract::rejection::QueryRejection>,
    req: Request,
) -> Response {
    let Ok(Query(link)) = link else {
        return crate::exports::unknown_parameter();
    };
    let (parts, _) = req.into_parts();
    let work = async {
        let ctx = &state.ctx;
        let workspace = public::workspace(&ctx.db, &slug).await?;
        let origin = auth::origin();
        let built = requester_archive::download(
            &ctx.db,
            &ctx.clock,
            &ctx.storage,
            &workspace,
            &link.token,
            &origin,
        )
        .await?;
        Ok::<_, AppError>(zip_response(built))
    };
    answer(crate::request_scope::run(&state, parts, work).await)
}

fn zip_response(built: app::server::privacy::archive::Archive) -> Response {
    let size = built.bytes.len();
    let mut res = attachment(Body::from(built.bytes), &built.file_name, "application/zip");
    let h = res.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn download(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let work = async {
        let ctx = &state.ctx;
        let (_, grant) = auth::require::<keys::PrivacyProcess>(ctx).await?;
        let built = archive::build(&ctx.db, &ctx.clock, &ctx.storage, &grant, &id).await?;
        Ok::<_, AppError>(zip_response(built))
    };
    answer(crate::request_scope::run(&state, parts, work).await)
}
