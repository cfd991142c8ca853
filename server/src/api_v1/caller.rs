//! The caller of a REST call: the secret API key in `Authorization: Bearer sk_…`, resolved once
//! per request into what it may do. The session cookie is never read here, so a browser's
//! session cannot be ridden into the API (which is why the API needs no CSRF token). A key
//! over its budget (`rate_limits::API_KEY_PER_MINUTE`) is answered 429 with `Retry-After`.

use axum::extract::FromRequestParts;
use axum::response::Response;
use http::header;
use http::request::Parts;

use app::error::AppError;
use app::server::access::grants::Held;
use app::server::audit::append::Origin;
use app::server::integrations::api_keys::authenticate::{authenticate, KeyError};
use app::server::web::auth::ClientIp;

use super::problem::problem;
use crate::state::AppState;

/// What the request's key may do; every grant of the call is cut from it.
pub struct KeyCaller(pub Held);

impl FromRequestParts<AppState> for KeyCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (presented, origin) = bearer_and_origin(parts);
        let ctx = &state.ctx;
        match authenticate(&ctx.db, &ctx.clock, &ctx.refusals, presented, origin).await {
            Ok(held) => {
                let key = held.key().map(|k| k.as_str()).unwrap_or_default();
                match over_budget(state, key) {
                    Some(refused) => Err(refused),
                    None => Ok(KeyCaller(held)),
                }
            }
            Err(KeyError::Refused) => Err(problem(&AppError::Unauthenticated.into())),
            Err(KeyError::Domain(e)) => Err(problem(&e.into())),
        }
    }
}

/// The bearer token a request presents (empty if none) and where it comes from.
pub(super) fn bearer_and_origin(parts: &Parts) -> (&str, Origin) {
    let presented = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let ip = parts.extensions.get::<ClientIp>().map(|c| c.0.to_string());
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    (presented, Origin::new(ip, user_agent))
}

/// The 429 (with `Retry-After`) for a key, secret or public, over its budget.
pub(super) fn over_budget(state: &AppState, key: &str) -> Option<Response> {
    let wait = state.rate_limits.check_api_key(key).err()?;
    let retry_after_secs = wait.as_secs().max(1);
    Some(problem(&AppError::RateLimited { retry_after_secs }.into()))
}
