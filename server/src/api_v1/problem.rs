//! Errors of the REST API as RFC 9457 problem details (`application/problem+json`): a status,
//! a title, the message written for people, and for bad input the field it is about. The API's
//! own error type adds to the application's errors what only HTTP has: preconditions
//! (`If-Match`) and media types.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use app::error::AppError;
use app::server::platform::error::DomainError;

/// An API call's failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    App(#[from] AppError),
    /// A change without `If-Match`: it could overwrite a change the caller has not seen.
    #[error("Send the ETag you read in If-Match, so that a change made since is not overwritten.")]
    PreconditionRequired,
    /// `If-Match` names a version the record is no longer at.
    #[error(
        "This {noun} was changed since you read it; its ETag is now {current}. Read it again \
         and make your change on the new version."
    )]
    PreconditionFailed { noun: &'static str, current: String },
    #[error("Send the body as JSON, with Content-Type: application/json.")]
    UnsupportedMediaType,
    #[error("The body is too large: send at most 256 KiB.")]
    TooLarge,
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::App(e.into())
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::App(e) => {
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::App(AppError::Validation { field, .. }) => Some(field),
            Self::PreconditionRequired | Self::PreconditionFailed { .. } => Some("If-Match"),
            Self::UnsupportedMediaType => Some("Content-Type"),
            Self::App(_) | Self::TooLarge => None,
        }
    }
}

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

/// Each problem type: its anchor on the reference page, its title, and when it happens.
pub const KINDS: &[(&str, &str, &str)] = &[
    ("unauthenticated", "Unauthenticated", "No usable key: missing, malformed, unknown, revoked, expired, its maker gone, or used from outside its networks."),
    ("forbidden", "Forbidden", "The key's role (narrowed to its maker's access) lacks the permission the operation names."),
    ("not-found", "Not found", "Nothing by that id within the key's reach, or no such address."),
    ("invalid", "Invalid input", "A parameter or field out of range; `field` names it."),
    ("conflict", "Conflict", "The record's state does not allow the operation."),
    ("precondition-required", "Precondition required", "A change without `If-Match`: send the ETag you read."),
    ("precondition-failed", "Precondition failed", "The record changed since its ETag was read: read it again."),
    ("unsupported-media-type", "Unsupported media type", "A body that is not declared as `application/json`."),
    ("too-large", "Payload too large", "A body over the API's limit of 256 KiB."),
    ("rate-limited", "Too many requests", "The key is over its budget; `Retry-After` says for how long."),
    ("bad-request", "Bad request", "A parameter that is not one of the operation's, or one that cannot be read."),
    ("internal", "Internal error", "Something failed on our side; `detail` quotes a reference for the server's log."),
];

/// The anchor of `err`'s type on the reference page (one of [`KINDS`]).
fn anchor(err: &ApiError) -> &'static str {
    let err = match err {
        ApiError::PreconditionRequired => return "precondition-required",
        ApiError::PreconditionFailed { .. } => return "precondition-failed",
        ApiError::UnsupportedMediaType => return "unsupported-media-type",
        ApiError::TooLarge => return "too-large",
        ApiError::App(e) => e,
    };
    match err {
        AppError::Unauthenticated => "unauthenticated",
        AppError::Forbidden
        | AppError::PageExpired
        | AppError::PasswordExpired
        | AppError::MfaRequired => "forbidden",
        AppError::NotFound => "not-found",
        AppError::Validation { .. } => "invalid",
        AppError::Conflict { .. } => "conflict",
        AppError::RateLimited { .. } => "rate-limited",
        AppError::BadRequest { .. } => "bad-request",
        AppError::Network | AppError::Internal { .. } => "internal",
    }
}

/// The problem response for `err`.
pub fn problem(err: &ApiError) -> Response {
    let status = err.status();
    let anchor = anchor(err);
    let title = KINDS
        .iter()
        .find(|(a, _, _)| *a == anchor)
        .map_or("Error", |(_, title, _)| title);
    let field = err.field();
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
        ApiError::App(AppError::Unauthenticated) => {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"gatehouse\""),
            );
        }
        ApiError::App(AppError::RateLimited { retry_after_secs }) => {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        _ => {}
    }
    res
}

/// A handler's answer: its response, or its error as a problem.
pub fn answer(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(|e| problem(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_described_type() {
        let errors: Vec<ApiError> = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::validation("limit", "too many"),
            AppError::Conflict {
                message: "no".into(),
            },
            AppError::RateLimited {
                retry_after_secs: 3,
            },
            AppError::BadRequest {
                message: "what".into(),
            },
            AppError::Internal {
                reference: "abc".into(),
            },
        ]
        .into_iter()
        .map(ApiError::from)
        .chain([
            ApiError::PreconditionRequired,
            ApiError::PreconditionFailed {
                noun: "customer",
                current: "\"2\"".into(),
            },
            ApiError::UnsupportedMediaType,
            ApiError::TooLarge,
        ])
        .collect();
        for err in &errors {
            assert!(KINDS.iter().any(|(a, _, _)| *a == anchor(err)), "{err:?}");
        }
        assert_eq!(KINDS.len(), errors.len(), "each kind is reachable");
    }
}
