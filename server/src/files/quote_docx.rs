//! `GET /quotes/{id}/docx`: the quote filled into the workspace's template. Permission:
//! `quotes.read`, and the quote within the caller's scope; another workspace's quote, one out
//! of scope and a workspace without a template are the same 404. Recorded as a download of
//! the template. The answer has the same headers as any file's download.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use http::{header, HeaderValue, StatusCode};

use app::error::AppError;
use app::model::{FileType, QuoteId};
use app::permissions::keys;
use app::server::files::templates::quote;
use app::server::web::auth;

use super::disposition;
use crate::error_response::error_response;
use crate::state::AppState;

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let work = async {
        let ctx = &state.ctx;
        let (_, grant) = auth::require::<keys::QuotesRead>(ctx).await?;
        let id = QuoteId::from_client(&id).map_err(|_| AppError::NotFound)?;
        let ip = auth::client_ip();
        let from = (ip.as_deref(), user_agent.as_deref());
        quote::render(&ctx.db, &ctx.clock, &ctx.storage, &grant, &id, from)
            .await
            .map_err(AppError::from)
    };
    match crate::request_scope::run(&state, parts, work).await {
        Ok(filled) => respond(filled),
        Err(e) => error_response(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e,
        ),
    }
}

fn respond(filled: quote::Filled) -> Response {
    let headers = [
        (header::CONTENT_TYPE, FileType::Docx.media_type().to_owned()),
        (header::CONTENT_LENGTH, filled.bytes.len().to_string()),
        (
            header::CONTENT_DISPOSITION,
            disposition::header(false, &filled.name),
        ),
        (header::CONTENT_SECURITY_POLICY, super::SANDBOX.to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    let mut res = Response::new(Body::from(filled.bytes));
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(name, value);
        }
    }
    res
}
