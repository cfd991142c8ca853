//! The one error type that crosses the wire.
//!
//! Every variant is safe to show to a user. Detail that is not (database errors, paths, stack
//! traces) is logged on the server under a reference, and only the reference travels.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You don't have permission to do that.")]
    Forbidden,
    #[error("We couldn't find that.")]
    NotFound,
    /// A state-changing request without this session's CSRF token: a forged request, or a page
    /// left open past its session.
    #[error("This page has expired. Reload it and try again.")]
    PageExpired,
    /// The workspace's policy says the caller's password is too old: only changing it (and
    /// signing out) works until they do.
    #[error("Your password has expired. Change it on your account page to continue.")]
    PasswordExpired,
    /// A workspace of the caller's requires a second factor they have not set up: only setting
    /// one up (and signing out) works until they do.
    #[error(
        "Your workspace requires two-step sign-in. Set it up on your account page to continue."
    )]
    MfaRequired,
    /// Bad input in one named field; the form shows `message` next to that field.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{message}")]
    Conflict { message: String },
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    /// The request itself was malformed (not the values in it): a broken payload, a missing
    /// argument.
    #[error("The request could not be understood: {message}")]
    BadRequest { message: String },
    /// The browser could not reach the server, or could not read its answer.
    #[error("Couldn't reach Gatehouse. Check your connection and try again.")]
    Network,
    #[error(
        "Something went wrong on our side. If it keeps happening, quote reference {reference}."
    )]
    Internal { reference: String },
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden | Self::PageExpired | Self::PasswordExpired | Self::MfaRequired => 403,
            Self::NotFound => 404,
            Self::Validation { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::RateLimited { .. } => 429,
            Self::BadRequest { .. } => 400,
            Self::Network => 502,
            Self::Internal { .. } => 500,
        }
    }

    /// The message for `field`, if this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }
}

/// serde's messages name the field and the expected shape; they never carry server state, but a
/// hostile payload could make them long.
fn short(message: String) -> String {
    const LIMIT: usize = 200;
    match message.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::Deserialization(m)
            | ServerFnErrorErr::MissingArg(m) => Self::BadRequest { message: short(m) },
            ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest {
                message: "this endpoint only accepts POST".into(),
            },
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Network,
            other => internal(other),
        }
    }
}

#[cfg(feature = "ssr")]
fn internal(detail: impl std::fmt::Display) -> AppError {
    AppError::internal(detail)
}

#[cfg(not(feature = "ssr"))]
fn internal(_detail: impl std::fmt::Display) -> AppError {
    AppError::Internal {
        reference: "client".into(),
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs `detail` under a fresh reference and returns the error the user sees.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        tracing::error!(%reference, error = %detail, "internal error");
        Self::Internal { reference }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_payloads_are_bad_requests_not_internal_errors() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "missing field `name`".into(),
        ));
        assert_eq!(e.status(), 400);
        assert_eq!(
            e.to_string(),
            "The request could not be understood: missing field `name`"
        );
    }

    #[test]
    fn long_serde_messages_are_cut() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".repeat(10_000)));
        let AppError::BadRequest { message } = e else {
            panic!("expected BadRequest")
        };
        assert_eq!(message.chars().count(), 201);
    }

    #[test]
    fn wire_format_is_tagged_and_round_trips() {
        let e = AppError::validation("name", "Enter a name.");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"validation","field":"name","message":"Enter a name."}"#
        );
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
        assert_eq!(e.field_message("name").as_deref(), Some("Enter a name."));
        assert_eq!(e.field_message("email"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn internal_errors_carry_only_a_reference() {
        let e = AppError::internal("relation \"secrets\" does not exist at /srv/db");
        let shown = e.to_string();
        assert!(!shown.contains("secrets") && !shown.contains("/srv"));
        assert_eq!(e.status(), 500);
    }
}
