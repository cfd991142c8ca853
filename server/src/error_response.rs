//! The JSON error every layer answers with — the gate, CSRF, cross-site refusals, the body
//! limit, panics — in the shape server functions use, so one client decoder reads them all.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

use app::error::AppError;

/// An error in the same JSON shape server functions use, so one client decoder reads both.
pub fn error_response(status: StatusCode, err: &AppError) -> Response {
    let body = serde_json::to_vec(err).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
