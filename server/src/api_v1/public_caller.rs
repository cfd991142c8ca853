//! The caller of a public endpoint: a public key (`Authorization: Bearer pk_…`), resolved once
//! per request into the workspace it speaks for. A secret key is not taken here — public
//! endpoints are for public keys, and a secret key sent where a public one belongs is likelier
//! a leak in client code than a need — nor is a public key anywhere else ([`super::caller`]).

use axum::extract::FromRequestParts;
use axum::response::Response;
use http::header;
use http::request::Parts;

use app::error::AppError;
use app::server::audit::append::Origin;
use app::server::integrations::api_keys::authenticate::KeyError;
use app::server::integrations::api_keys::public::{self, PublicCaller};
use app::server::web::auth::ClientIp;

use super::problem::problem;
use crate::state::AppState;

/// The workspace a public call speaks for.
pub struct PublicKeyCaller(pub PublicCaller);

impl FromRequestParts<AppState> for PublicKeyCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
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
        let origin = Origin::new(ip, user_agent);
        let ctx = &state.ctx;
        match public::authenticate(&ctx.db, &ctx.clock, &ctx.refusals, presented, &origin).await {
            Ok(caller) => {
                if let Err(wait) = state.rate_limits.check_api_key(caller.key().as_str()) {
                    let retry_after_secs = wait.as_secs().max(1);
                    return Err(problem(&AppError::RateLimited { retry_after_secs }.into()));
                }
                Ok(PublicKeyCaller(caller))
            }
            Err(KeyError::Refused) => Err(problem(&AppError::Unauthenticated.into())),
            Err(KeyError::Domain(e)) => Err(problem(&e.into())),
        }
    }
}
