//! The server's half of CSRF protection: pages get the session's token, and no server function
//! runs without it (see `app::server::csrf` for the token itself).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{header, Method, StatusCode};
use tower_sessions::Session;

use app::csrf::{PageToken, FIELD, HEADER};
use app::error::AppError;
use app::server::csrf;

use crate::error_response::error_response;

/// Paths that never render a page, so they need no token (and must not start a session).
fn renders_no_page(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || matches!(path, "/healthz" | "/readyz" | "/favicon.svg")
}

/// Gives every page the session's token to render, creating it (and so an anonymous session)
/// when the visitor has none.
pub async fn page_token(mut req: Request, next: Next) -> Response {
    if req.method() == Method::GET && !renders_no_page(req.uri().path()) {
        if let Some(session) = req.extensions().get::<Session>().cloned() {
            match csrf::token(&session).await {
                Ok(token) => {
                    req.extensions_mut().insert(PageToken(token));
                }
                Err(e) => {
                    return error_response(StatusCode::INTERNAL_SERVER_ERROR, &e);
                }
            }
        }
    }
    next.run(req).await
}

/// The token a request presents: the header scripts send, or for a plain form post the hidden
/// field. Multipart bodies must use the header.
fn presented(headers: &http::HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(value) = headers.get(HEADER).and_then(|v| v.to_str().ok()) {
        return Some(value.to_owned());
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    url::form_urlencoded::parse(body)
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.into_owned())
}

/// `Ok(())` when the request carries the session's token; otherwise the 403 to answer with,
/// and the refusal is logged as a security event.
pub async fn check(parts: &http::request::Parts, body: &[u8]) -> Result<(), Response> {
    let token = presented(&parts.headers, body);
    let outcome = match parts.extensions.get::<Session>() {
        Some(session) => csrf::matches(session, token.as_deref()).await,
        None => Ok(false),
    };
    match outcome {
        Ok(true) => Ok(()),
        Ok(false) => {
            tracing::warn!(
                target: "security",
                event = "csrf_refused",
                path = %parts.uri.path(),
                token_sent = token.is_some(),
                "state-changing request without this session's CSRF token refused"
            );
            Err(error_response(
                StatusCode::FORBIDDEN,
                &AppError::PageExpired,
            ))
        }
        Err(e) => Err(error_response(StatusCode::INTERNAL_SERVER_ERROR, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn the_header_wins_then_the_form_field_of_a_form_post() {
        let form = headers(&[("content-type", "application/x-www-form-urlencoded")]);
        assert_eq!(
            presented(&form, b"email=a%40b.c&csrf_token=abc%2Dd"),
            Some("abc-d".into())
        );
        let both = headers(&[
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-csrf-token", "from-header"),
        ]);
        assert_eq!(
            presented(&both, b"csrf_token=from-body"),
            Some("from-header".into())
        );
        assert_eq!(presented(&form, b"email=a%40b.c"), None);
    }

    #[test]
    fn other_bodies_are_not_searched_for_the_field() {
        let json = headers(&[("content-type", "application/json")]);
        assert_eq!(presented(&json, br#"{"csrf_token":"abc"}"#), None);
        let multipart = headers(&[("content-type", "multipart/form-data; boundary=x")]);
        assert_eq!(presented(&multipart, b"csrf_token=abc"), None);
    }

    #[test]
    fn assets_health_and_the_api_start_no_session() {
        for path in [
            "/api/accounts/me",
            "/pkg/gatehouse.js",
            "/healthz",
            "/readyz",
            "/favicon.svg",
        ] {
            assert!(renders_no_page(path), "{path}");
        }
        for path in ["/", "/signin", "/sessions", "/no-such-page"] {
            assert!(!renders_no_page(path), "{path}");
        }
    }
}
