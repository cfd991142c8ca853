//! `GET /privacy-requests/{id}/archive.zip`: the archive answering an access or portability
//! request — `data.json` with everything held about the customer, and their files. Each
//! download is a step on the request and `privacy.archive` in the trail. Permission:
//! `privacy.process`; a request of another workspace is 404, one not yet verified 409.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue};

use app::error::AppError;
use app::permissions::keys;
use app::server::privacy::archive;
use app::server::web::auth;

use crate::exports::{answer, attachment};
use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    router.route("/privacy-requests/{id}/archive.zip", get(download))
}

async fn download(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let work = async {
        let ctx = &state.ctx;
        let (_, grant) = auth::require::<keys::PrivacyProcess>(ctx).await?;
        let built = archive::build(&ctx.db, &ctx.clock, &ctx.storage, &grant, &id).await?;
        let size = built.bytes.len();
        let mut res = attachment(Body::from(built.bytes), &built.file_name, "application/zip");
        let h = res.headers_mut();
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok::<_, AppError>(res)
    };
    answer(crate::request_scope::run(&state, parts, work).await)
}
