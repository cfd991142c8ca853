//! The gate in front of every server function (`/api/*`).
//!
//! Leptos serves server functions without method, size or status policy of its own. Here:
//! POST only (a GET could be triggered cross-site by a link or an image), a known endpoint
//! (unknown ones get 404, not Leptos's diagnostic text), a bounded body (413),
//! rate limits and strict forms on the endpoints people can be attacked through (429, 400,
//! 415), the session's CSRF token (403 without it; the cross-site check ran before), and an HTTP
//! status that matches the error (400/401/403/404/409/422/429, not always 500).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};
use leptos::prelude::provide_context;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

use app::error::AppError;

use crate::error_response::error_response;
use crate::limited_endpoints::FormRefusal;
use crate::rate_limits::Refused;
use crate::state::AppState;

/// Server-function arguments are form fields and small JSON; uploads get their own endpoints.
pub const MAX_SERVER_FN_BODY: usize = 64 * 1024;
/// Error bodies are a few hundred bytes; anything bigger is not ours to re-read.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn server_fn_gate(State(state): State<AppState>, req: Request) -> Response {
    if req.method() != Method::POST {
        let mut res = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &AppError::BadRequest {
                message: "this endpoint only accepts POST".into(),
            },
        );
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return res;
    }
    let path = req.uri().path();
    if !leptos::server_fn::axum::server_fn_paths().any(|(p, _)| p == path) {
        return error_response(StatusCode::NOT_FOUND, &AppError::NotFound);
    }

    let (parts, body) = req.into_parts();
    let declared_too_big = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|len| len > MAX_SERVER_FN_BODY);
    let bytes = if declared_too_big {
        None
    } else {
        to_bytes(body, MAX_SERVER_FN_BODY).await.ok()
    };
    let Some(bytes) = bytes else {
        return error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &AppError::BadRequest {
                message: format!("the request body is over {MAX_SERVER_FN_BODY} bytes"),
            },
        );
    };
    let ip = parts
        .extensions
        .get::<app::server::web::auth::ClientIp>()
        .map(|ip| ip.0);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match state
        .rate_limits
        .check(parts.uri.path(), ip, content_type, &bytes)
    {
        Ok(()) => {}
        Err(Refused::Wait(wait)) => {
            tracing::warn!(target: "security", event = "rate_limited", path = %parts.uri.path(), ip = ?ip);
            let retry_after_secs = wait.as_secs().max(1);
            let mut res = error_response(
                StatusCode::TOO_MANY_REQUESTS,
                &AppError::RateLimited { retry_after_secs },
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return res;
        }
        Err(Refused::Form(form)) => {
            tracing::warn!(target: "security", event = "form_refused", path = %parts.uri.path(), ip = ?ip, reason = %form.message());
            let status = match form {
                FormRefusal::NotAForm => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                FormRefusal::Malformed(_) => StatusCode::BAD_REQUEST,
            };
            return error_response(
                status,
                &AppError::BadRequest {
                    message: form.message(),
                },
            );
        }
    }
    if let Err(refused) = crate::csrf_guard::check(&state, &parts, &bytes).await {
        return refused;
    }
    let req = Request::from_parts(parts, Body::from(bytes));

    let ctx = state.ctx.clone();
    let response = leptos_axum::handle_server_fns_with_context(
        move || {
            provide_context(ctx.clone());
        },
        req,
    )
    .await;
    with_error_status(response.into_response()).await
}

/// Server-function errors leave Leptos as 500 with the serialized [`AppError`]; give them the
/// status the error stands for.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &AppError::internal("server function error body unreadable"),
        );
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}
