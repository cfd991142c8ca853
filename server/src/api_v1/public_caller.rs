//! The caller of a public endpoint: a public key (`Authorization: Bearer pk_…`), resolved once
//! per request into the workspace it speaks for. A secret key is not taken here — public
//! endpoints are for public keys, and a secret key sent where a public one belongs is likelier
//! a leak in client code than a need — nor is a public key anywhere else ([`super::caller`]).

use axum::extract::FromRequestParts;
use axum::response::Response;
use http::request::Parts;

use app::error::AppError;
use app::server::integrations::api_keys::authenticate::KeyError;
use app::server::integrations::api_keys::public::{self, PublicCaller};

use super::caller::{bearer_and_origin, over_budget};
use super::problem::problem;
use crate::state::AppState;

/// The workspace a public call speaks for.
pub struct PublicKeyCaller(pub PublicCaller);

impl FromRequestParts<AppState> for PublicKeyCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (presented, origin) = bearer_and_origin(parts);
        let ctx = &state.ctx;
        match public::authenticate(&ctx.db, &ctx.clock, &ctx.refusals, presented, &origin).await {
            Ok(caller) => match over_budget(state, caller.key().as_str()) {
                Some(refused) => Err(refused),
                None => Ok(PublicKeyCaller(caller)),
            },
            Err(KeyError::Refused) => Err(problem(&AppError::Unauthenticated.into())),
            Err(KeyError::Domain(e)) => Err(problem(&e.into())),
        }
    }
}
