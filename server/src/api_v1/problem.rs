//! Errors of the REST API as RFC 9457 problem details (`application/problem+json`): a status,
//! a title, the message written for people, and for bad input the field it is about.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use app::error::AppError;

/// Where the problem types are described: the API reference page.
const TYPES: &str = "/api/v1/reference#problems";

/// An error, as RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem<'a> {
    /// Where this kind of problem is described.
    #[serde(rename = "type")]
    kind: String,
    /// The kind of problem, in a few words.
    title: &'a str,
    /// The HTTP status.
    status: u16,
    /// What went wrong, written for people.
    detail: String,
    /// For bad input: the parameter or field it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// What `err` means in one word, which is also its type's anchor on the reference page.
fn name(err: &AppError) -> (&'static str, &'static str) {
    match err {
        AppError::Unauthenticated => ("unauthenticated", "Unauthenticated"),
        AppError::Forbidden
        | AppError::PageExpired
        | AppError::PasswordExpired
        | AppError::MfaRequired => ("forbidden", "Forbidden"),
        AppError::NotFound => ("not-found", "Not found"),
        AppError::Validation { .. } => ("invalid", "Invalid input"),
        AppError::Conflict { .. } => ("conflict", "Conflict"),
        AppError::RateLimited { .. } => ("rate-limited", "Too many requests"),
        AppError::BadRequest { .. } => ("bad-request", "Bad request"),
        AppError::Network | AppError::Internal { .. } => ("internal", "Internal error"),
    }
}

/// The problem response for `err`.
pub fn problem(err: &AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (anchor, title) = name(err);
    let field = match err {
        AppError::Validation { field, .. } => Some(field.as_str()),
        _ => None,
    };
    let body = Problem {
        kind: format!("{TYPES}-{anchor}"),
        title,
        status: status.as_u16(),
        detail: err.to_string(),
        field,
    };
    let mut res = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response();
    match err {
        AppError::Unauthenticated => {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"gatehouse\""),
            );
        }
        AppError::RateLimited { retry_after_secs } => {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        _ => {}
    }
    res
}

/// A handler's answer: its response, or its error as a problem.
pub fn answer(result: Result<Response, AppError>) -> Response {
    result.unwrap_or_else(|e| problem(&e))
}
