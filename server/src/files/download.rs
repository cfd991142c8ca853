//! `GET /files/{id}`: a file's bytes, the only way to them. Permission: the read key of the
//! file's record kind and the record within the caller's scope; anything else — another
//! workspace's file, an out-of-scope record, no such file — is the same 404. Every download is
//! recorded. The answer is `attachment` (images `inline` when asked, `?inline=1`), `nosniff`,
//! and sandboxed by its own `Content-Security-Policy`, so a file can never run as the app.

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use http::{header, HeaderValue, StatusCode};
use serde::Deserialize;

use app::error::AppError;
use app::model::FileId;
use app::server::files::attachments::{self, Found};
use app::server::web::auth;

use super::disposition;
use super::ranges::{self, Wanted};
use crate::error_response::error_response;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    inline: Option<u8>,
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let range = parts
        .headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let inline = shown.inline == Some(1);
    let work = async {
        let ctx = &state.ctx;
        let caller = auth::require_caller(ctx).await?;
        let id = FileId::from_client(&id).map_err(|_| AppError::NotFound)?;
        let found = attachments::find(&ctx.db, &caller.held, &id).await?;
        attachments::record_download(&ctx.db, &ctx.clock, &caller.held, &found, range.as_deref())
            .await?;
        respond(&state, &found, range.as_deref(), inline).await
    };
    match crate::request_scope::run(&state, parts, work).await {
        Ok(response) => response,
        Err(e) => error_response(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e,
        ),
    }
}

async fn respond(
    state: &AppState,
    found: &Found,
    range: Option<&str>,
    inline: bool,
) -> Result<Response, AppError> {
    let storage = &state.ctx.storage;
    let len = found.summary.size;
    let wanted = ranges::wanted(range, len);
    let (status, part) = match wanted {
        Wanted::Whole => (StatusCode::OK, 0..len),
        Wanted::Part(part) => (StatusCode::PARTIAL_CONTENT, part),
        Wanted::Unsatisfiable => {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            set(&mut res, header::CONTENT_RANGE, &format!("bytes */{len}"));
            return Ok(res);
        }
    };
    let body = match (found.streamable(), part.is_empty()) {
        (_, true) => Body::empty(),
        (Some(object), false) => Body::from_stream(
            storage
                .stream(object, part.clone())
                .await
                .map_err(AppError::internal)?,
        ),
        (None, false) => {
            let all = found.read_all(storage).await.map_err(AppError::internal)?;
            let (start, end) = (
                usize::try_from(part.start).unwrap_or(usize::MAX),
                usize::try_from(part.end).unwrap_or(usize::MAX),
            );
            Body::from(all.slice(start.min(all.len())..end.min(all.len())))
        }
    };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let file_type = found.summary.file_type;
    set(&mut res, header::CONTENT_TYPE, file_type.media_type());
    set(
        &mut res,
        header::CONTENT_LENGTH,
        &(part.end - part.start).to_string(),
    );
    set(
        &mut res,
        header::CONTENT_DISPOSITION,
        &disposition::header(inline && file_type.is_image(), &found.summary.name),
    );
    set(&mut res, header::CONTENT_SECURITY_POLICY, super::SANDBOX);
    set(&mut res, header::ACCEPT_RANGES, "bytes");
    set(&mut res, header::ETAG, &format!("\"{}\"", found.sha256));
    if status == StatusCode::PARTIAL_CONTENT {
        set(
            &mut res,
            header::CONTENT_RANGE,
            &format!("bytes {}-{}/{len}", part.start, part.end - 1),
        );
    }
    Ok(res)
}

fn set(res: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        res.headers_mut().insert(name, value);
    }
}
