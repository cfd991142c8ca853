//! The server's half of CSRF protection: pages get their token, and no server function runs
//! without it (see `app::server::web::csrf_tokens` for the tokens themselves). A signed-in session's token
//! lives in the session; an anonymous visitor's is the signed double-submit cookie, so a visit
//! writes nothing to the database.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderValue, Method, StatusCode};
use tower_sessions::cookie::{Cookie, SameSite};
use tower_sessions::Session;

use app::csrf_page::{PageToken, FIELD, HEADER};
use app::error::AppError;
use app::server::web::csrf_tokens::{self, AnonymousTokens};

use crate::error_response::error_response;
use crate::state::AppState;

/// Paths that never render a page, so they need no token.
fn renders_no_page(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/files/")
        || path.starts_with("/export/")
        || path.starts_with("/import/")
        || matches!(path, "/healthz" | "/readyz" | "/favicon.svg")
}

/// The anonymous token's cookie: `__Host-` in production, so no sibling host can plant one.
pub fn cookie_name(production: bool) -> &'static str {
    if production {
        "__Host-gatehouse_csrf"
    } else {
        "gatehouse_csrf"
    }
}

fn anonymous_cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<Cookie<'a>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
}

async fn signer(state: &AppState) -> Result<&AnonymousTokens, AppError> {
    state
        .anonymous_tokens
        .get_or_try_init(|| async {
            let key = app::server::platform::instance_secrets::anonymous_csrf_key(
                &state.ctx.db,
                &state.ctx.clock,
            )
            .await?;
            Ok::<_, AppError>(AnonymousTokens::new(key))
        })
        .await
}

/// Gives every page its token to render: the session's, or for an anonymous visitor the
/// signed cookie's (minted and set when they have no valid one).
pub async fn page_token(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET || renders_no_page(req.uri().path()) {
        return next.run(req).await;
    }
    let session = req.extensions().get::<Session>().cloned();
    let in_session = match session {
        Some(session) => match csrf_tokens::token(&session).await {
            Ok(token) => token,
            Err(e) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, &e),
        },
        None => None,
    };
    if let Some(token) = in_session {
        req.extensions_mut().insert(PageToken(token));
        return next.run(req).await;
    }
    let signer = match signer(&state).await {
        Ok(signer) => signer,
        Err(e) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let name = cookie_name(state.production);
    let existing = anonymous_cookie(req.headers(), name)
        .map(|c| c.value().to_owned())
        .filter(|v| signer.is_signed(v));
    let token = existing.clone().unwrap_or_else(|| signer.mint());
    req.extensions_mut().insert(PageToken(token.clone()));
    let mut response = next.run(req).await;
    if existing.is_none() {
        let cookie = Cookie::build((name, token))
            .path("/")
            .http_only(true)
            .secure(state.production)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
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

/// `Ok(())` when the request carries its token — the session's, or without one the anonymous
/// cookie's; otherwise the 403 to answer with, and the refusal is logged as a security event.
pub async fn check(
    state: &AppState,
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<(), Response> {
    check_presented(state, parts, presented(&parts.headers, body).as_deref()).await
}

/// [`check`] for a token the caller found itself (a multipart upload's first field).
pub async fn check_presented(
    state: &AppState,
    parts: &http::request::Parts,
    token: Option<&str>,
) -> Result<(), Response> {
    let outcome = passes(state, parts, token).await;
    match outcome {
        Ok(true) => Ok(()),
        Ok(false) => {
            tracing::warn!(
                target: "security",
                event = "csrf_refused",
                path = %parts.uri.path(),
                token_sent = token.is_some(),
                "state-changing request without its CSRF token refused"
            );
            Err(error_response(
                StatusCode::FORBIDDEN,
                &AppError::PageExpired,
            ))
        }
        Err(e) => Err(error_response(StatusCode::INTERNAL_SERVER_ERROR, &e)),
    }
}

async fn passes(
    state: &AppState,
    parts: &http::request::Parts,
    token: Option<&str>,
) -> Result<bool, AppError> {
    let Some(session) = parts.extensions.get::<Session>() else {
        return Ok(false);
    };
    if csrf_tokens::token(session).await?.is_some() {
        return csrf_tokens::matches(session, token).await;
    }
    let cookie = anonymous_cookie(&parts.headers, cookie_name(state.production));
    Ok(signer(state)
        .await?
        .matches(cookie.as_ref().map(Cookie::value), token))
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
