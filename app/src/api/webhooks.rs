//! The webhooks page's server functions. Every one needs `integrations.manage`.

#[allow(
    unused_imports,
    reason = "used by the server half of the #[server] functions"
)]
use crate::error::AppError;
use leptos::prelude::*;

/// `POST /api/webhooks/list` — the workspace's webhook endpoints (never their secrets) with
/// their subscriptions and state, and the events an endpoint may hear. Permission:
/// `integrations.manage`.
#[server(endpoint = "webhooks/list", client = crate::csrf_page::ApiClient)]
pub async fn list_webhooks() -> Result<crate::model::WebhooksView, AppError> {
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::endpoints;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    Ok(endpoints::view(&ctx.db, &grant).await?)
}

/// `POST /api/webhooks/create` — makes an endpoint delivering the events `events[]` (from the
/// list's catalogue) to `url` (https in production; never a private or loopback address),
/// described by `description`. The answer holds its signing secret (`whsec_…`), the only time
/// it is shown. An endpoint sends the workspace's data out, so making one needs the caller's
/// password (and a current code once they have a second factor); a bad field is 422 naming it
/// and makes nothing. Recorded in the trail. Permission: `integrations.manage`.
#[server(endpoint = "webhooks/create", client = crate::csrf_page::ApiClient)]
pub async fn create_webhook(
    url: String,
    description: String,
    #[server(default)] events: Vec<String>,
    password: Option<String>,
    code: Option<String>,
) -> Result<crate::model::WebhookSecret, AppError> {
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::endpoints::{self, EndpointForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (caller, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let form = EndpointForm {
        description,
        events,
    };
    let checked = endpoints::check(&ctx.webhook_targets, &url, &form)?;
    let proof = crate::api::mfa::reauthenticate(&ctx, &caller, password, code, "code").await?;
    Ok(endpoints::create(&ctx.db, &ctx.clock, &grant, &proof, checked).await?)
}

/// `POST /api/webhooks/update` — changes endpoint `id`'s description, subscriptions
/// (`events[]`) and whether it is enabled (`enabled=on`), on `version`, the one the caller
/// saw: a stale version is 409 and changes nothing. Enabling clears a failing streak. Its
/// address never changes. Recorded in the trail. Permission: `integrations.manage`.
#[server(endpoint = "webhooks/update", client = crate::csrf_page::ApiClient)]
pub async fn update_webhook(
    id: String,
    version: i64,
    description: String,
    #[server(default)] events: Vec<String>,
    enabled: Option<String>,
) -> Result<crate::model::WebhookEndpointSummary, AppError> {
    use crate::model::WebhookEndpointId;
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::endpoints::{self, EndpointForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = WebhookEndpointId::from_client(&id)?;
    let form = EndpointForm {
        description,
        events,
    };
    let on = enabled.is_some_and(|v| v == "on" || v == "true");
    Ok(endpoints::update(&ctx.db, &ctx.clock, &grant, &id, version, &form, on).await?)
}

/// `POST /api/webhooks/rotate` — gives endpoint `id` a new signing secret, returned once; the
/// old one keeps signing beside it for a day. Needs the caller's password (and code), as
/// making one does. Recorded in the trail. Permission: `integrations.manage`.
#[server(endpoint = "webhooks/rotate", client = crate::csrf_page::ApiClient)]
pub async fn rotate_webhook_secret(
    id: String,
    password: Option<String>,
    code: Option<String>,
) -> Result<crate::model::WebhookSecret, AppError> {
    use crate::model::WebhookEndpointId;
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::endpoints;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (caller, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = WebhookEndpointId::from_client(&id)?;
    let proof = crate::api::mfa::reauthenticate(&ctx, &caller, password, code, "code").await?;
    Ok(endpoints::rotate(&ctx.db, &ctx.clock, &grant, &proof, &id).await?)
}

/// `POST /api/webhooks/delete` — deletes endpoint `id` with its delivery log. Another
/// workspace's endpoint is 404. Recorded in the trail. Permission: `integrations.manage`.
#[server(endpoint = "webhooks/delete", client = crate::csrf_page::ApiClient)]
pub async fn delete_webhook(id: String) -> Result<(), AppError> {
    use crate::model::WebhookEndpointId;
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::endpoints;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = WebhookEndpointId::from_client(&id)?;
    Ok(endpoints::delete(&ctx.db, &ctx.clock, &grant, &id).await?)
}

/// `POST /api/webhooks/log` — endpoint `id`'s newest 50 deliveries, each pending, succeeded
/// or failed, with every attempt's status code, latency, the response's first bytes and the
/// error. Permission: `integrations.manage`.
#[server(endpoint = "webhooks/log", client = crate::csrf_page::ApiClient)]
pub async fn webhook_log(id: String) -> Result<crate::model::WebhookLog, AppError> {
    use crate::model::WebhookEndpointId;
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::deliveries;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = WebhookEndpointId::from_client(&id)?;
    Ok(deliveries::log(&ctx.db, &grant, &id).await?)
}

/// `POST /api/webhooks/test` — queues a `webhook.test` event to endpoint `id` alone; a disabled
/// endpoint is 409. Permission: `integrations.manage`.
#[server(endpoint = "webhooks/test", client = crate::csrf_page::ApiClient)]
pub async fn send_test_webhook(id: String) -> Result<(), AppError> {
    use crate::model::WebhookEndpointId;
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::deliveries;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = WebhookEndpointId::from_client(&id)?;
    Ok(deliveries::send_test(&ctx.db, &ctx.clock, &grant, &id).await?)
}

/// `POST /api/webhooks/redeliver` — delivers delivery `id`'s message to its endpoint again, as
/// a new delivery due now (same `webhook-id`, so receivers can tell). Permission:
/// `integrations.manage`.
#[server(endpoint = "webhooks/redeliver", client = crate::csrf_page::ApiClient)]
pub async fn redeliver_webhook(id: String) -> Result<(), AppError> {
    use crate::model::WebhookDeliveryId;
    use crate::permissions::keys;
    use crate::server::integrations::webhooks::deliveries;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = WebhookDeliveryId::from_client(&id)?;
    Ok(deliveries::redeliver(&ctx.db, &ctx.clock, &grant, &id).await?)
}
