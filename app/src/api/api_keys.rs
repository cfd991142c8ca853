//! The API keys page's server functions.

#[allow(
    unused_imports,
    reason = "used by the server half of the #[server] functions"
)]
use crate::error::AppError;
use leptos::prelude::*;

/// `POST /api/api_keys/list` — the workspace's secret API keys (never their secrets) with
/// status, role, maker, expiry, networks and last use, and the roles a new key may act under
/// (none above the caller's own access, never Owner). Permission: `integrations.manage`.
#[server(endpoint = "api_keys/list", client = crate::csrf_page::ApiClient)]
pub async fn list_api_keys() -> Result<crate::model::ApiKeysView, AppError> {
    use crate::permissions::keys;
    use crate::server::{integrations::api_keys, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    Ok(api_keys::view(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/api_keys/create` — makes a secret key acting under `role_id`, limited to
/// `allowed_networks` (addresses or CIDRs; empty: anywhere) until the end of `expires_on`
/// (`YYYY-MM-DD`; empty: until revoked). The answer holds the key's secret, the only time it is
/// shown. A key is a credential to the workspace's data, so making one needs the caller's
/// password (and a current code once they have a second factor), as changing a factor does;
/// a bad field is 422 naming it and makes nothing. Recorded in the trail. Permission:
/// `integrations.manage`.
#[server(endpoint = "api_keys/create", client = crate::csrf_page::ApiClient)]
pub async fn create_api_key(
    name: String,
    role_id: String,
    expires_on: Option<String>,
    allowed_networks: Option<String>,
    password: Option<String>,
    code: Option<String>,
) -> Result<crate::model::CreatedApiKey, AppError> {
    use crate::permissions::keys;
    use crate::server::integrations::api_keys::{self, KeyForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (caller, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let form = KeyForm {
        name,
        role_id,
        expires_on: expires_on.unwrap_or_default(),
        allowed_networks: allowed_networks.unwrap_or_default(),
    };
    let checked = api_keys::check(&ctx.db, &ctx.clock, &grant, &form).await?;
    let proof = crate::api::mfa::reauthenticate(&ctx, &caller, password, code, "code").await?;
    Ok(api_keys::create(&ctx.db, &ctx.clock, &grant, &proof, checked).await?)
}

/// `POST /api/api_keys/revoke` — revokes the key `id` of the caller's workspace at once: its
/// next call is answered 401 like an unknown key's. Another workspace's key is 404. Recorded in
/// the trail. Permission: `integrations.manage`.
#[server(endpoint = "api_keys/revoke", client = crate::csrf_page::ApiClient)]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    use crate::model::ApiKeyId;
    use crate::permissions::keys;
    use crate::server::{integrations::api_keys, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = ApiKeyId::from_client(&id)?;
    Ok(api_keys::revoke(&ctx.db, &ctx.clock, &grant, &id).await?)
}

/// `POST /api/api_keys/why` — would a call through key `id` pass a check of `permission` (on
/// `record`, if given)? The verdict names the key's state, its role, its maker's access now,
/// its networks and, for a record, its scope; a record the caller does not reach themselves is
/// 422 like one that does not exist. Another workspace's key is 404. Permission:
/// `integrations.manage`.
#[server(endpoint = "api_keys/why", client = crate::csrf_page::ApiClient)]
pub async fn why_api_key(
    id: String,
    permission: String,
    record: Option<String>,
) -> Result<crate::model::Verdict, AppError> {
    use crate::model::ApiKeyId;
    use crate::permissions::keys;
    use crate::server::{integrations::api_keys, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = ApiKeyId::from_client(&id)?;
    Ok(api_keys::why::why(
        &ctx.db,
        &ctx.clock,
        &grant,
        &id,
        &permission,
        record.as_deref(),
    )
    .await?)
}

/// `POST /api/api_keys/create_public` — makes a public key (`pk_…`) for self-service clients:
/// it opens only the public endpoints (the published catalogue), limited to
/// `allowed_networks` until the end of `expires_on`. Not a credential to private data, so no
/// password is asked; a bad field is 422 naming it. Recorded in the trail. Permission:
/// `integrations.manage`.
#[server(endpoint = "api_keys/create_public", client = crate::csrf_page::ApiClient)]
pub async fn create_public_key(
    name: String,
    expires_on: Option<String>,
    allowed_networks: Option<String>,
) -> Result<crate::model::PublicKeySummary, AppError> {
    use crate::permissions::keys;
    use crate::server::integrations::api_keys::public::{self, PublicKeyForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let form = PublicKeyForm {
        name,
        expires_on: expires_on.unwrap_or_default(),
        allowed_networks: allowed_networks.unwrap_or_default(),
    };
    Ok(public::create(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/api_keys/revoke_public` — revokes the public key `id` of the caller's workspace
/// at once (another workspace's is 404). Recorded in the trail. Permission:
/// `integrations.manage`.
#[server(endpoint = "api_keys/revoke_public", client = crate::csrf_page::ApiClient)]
pub async fn revoke_public_key(id: String) -> Result<(), AppError> {
    use crate::model::ApiKeyId;
    use crate::permissions::keys;
    use crate::server::integrations::api_keys::public;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = ApiKeyId::from_client(&id)?;
    Ok(public::revoke(&ctx.db, &ctx.clock, &grant, &id).await?)
}
