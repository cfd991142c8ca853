//! A workspace's webhook endpoints, managed by holders of `integrations.manage`: made with an
//! address, a description and subscriptions; changed (description, subscriptions, enabled) on
//! the version the admin saw; their secret rotated with an overlap; deleted. An endpoint's
//! address is fixed once made: pointing the workspace's events somewhere else is making a new
//! endpoint, which needs re-authentication like every lasting way out of the workspace.

use sqlx::Row;

use super::targets::TargetPolicy;
use super::{events, sealed, signing::Secret};
use crate::model::{WebhookEndpointId, WebhookEndpointSummary, WebhookSecret, WebhooksView};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::identity::reauth::Reauthenticated;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::instance_secrets;
use crate::server::platform::text::LineField;

/// After a rotation the old secret keeps signing for a day, so receivers can switch.
const OVERLAP_MS: i64 = 24 * 3_600_000;
/// Endpoints one workspace keeps.
const MAX_ENDPOINTS: i64 = 20;

const DESCRIPTION: LineField = LineField {
    field: "description",
    subject: "The description",
    empty_message: "Say what receives these events, such as “Billing sync”.",
    max_chars: 120,
};

type Manage = Grant<keys::IntegrationsManage>;

/// An endpoint's editable part as the form sends it.
#[derive(Debug, Default)]
pub struct EndpointForm {
    pub description: String,
    pub events: Vec<String>,
}

/// A new endpoint that passed every check; only [`check`] makes one.
#[derive(Debug)]
pub struct CheckedEndpoint {
    url: String,
    description: String,
    events: Vec<String>,
}

/// Checks a new endpoint before anything else is asked (the password), naming the field.
pub fn check(
    policy: &TargetPolicy,
    url: &str,
    form: &EndpointForm,
) -> Result<CheckedEndpoint, DomainError> {
    Ok(CheckedEndpoint {
        url: policy.check(url)?.to_string(),
        description: DESCRIPTION.clean(&form.description)?,
        events: events::check(&form.events)?,
    })
}

/// The workspace's endpoints, newest first, and the events they may hear.
pub async fn view(db: &Db, grant: &Manage) -> Result<WebhooksView, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(&format!(
        "{SUMMARY} WHERE e.workspace_id = $1 ORDER BY e.created_at DESC, e.id"
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(&mut *tx)
    .await?;
    let endpoints = summaries(&mut tx, grant, &rows).await?;
    tx.commit().await?;
    Ok(WebhooksView {
        endpoints,
        events: events::options(),
    })
}

/// Makes a checked endpoint once its maker re-authenticated; the secret is in the answer.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Manage,
    proof: &Reauthenticated,
    endpoint: CheckedEndpoint,
) -> Result<WebhookSecret, DomainError> {
    if proof.user() != grant.user() {
        return Err(DomainError::Forbidden);
    }
    let key = instance_secrets::webhook_seal_key(db, clock).await?;
    let secret = Secret::mint();
    let id = WebhookEndpointId::fresh();
    let mut tx = grant.begin(db, true).await?;
    let count: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE workspace_id = $1")
            .bind(grant.workspace().as_str())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
    if count >= MAX_ENDPOINTS {
        return Err(DomainError::invalid(
            "url",
            format!("A workspace keeps at most {MAX_ENDPOINTS} endpoints; delete one first."),
        ));
    }
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, workspace_id, url, description, secret_sealed, \
         enabled, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&endpoint.url)
    .bind(&endpoint.description)
    .bind(sealed::seal(&key, &secret))
    .bind(grant.user().as_str())
    .bind(clock.now_ms())
    .execute(&mut *tx)
    .await?;
    subscribe(&mut tx, grant, &id, &endpoint.events).await?;
    let after = serde_json::json!({
        "url": endpoint.url, "description": endpoint.description, "events": endpoint.events,
    });
    record_action(
        &mut tx,
        clock,
        grant,
        "webhook.create",
        &id,
        None,
        Some(after),
    )
    .await?;
    let endpoint = find(&mut tx, grant, &id).await?;
    tx.commit().await?;
    Ok(WebhookSecret {
        endpoint,
        secret: secret.reveal(),
    })
}

/// Changes an endpoint's description, subscriptions and enabled flag, on the version the
/// admin saw: a stale one is refused with the current values kept.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Manage,
    id: &WebhookEndpointId,
    version: i64,
    form: &EndpointForm,
    enabled: bool,
) -> Result<WebhookEndpointSummary, DomainError> {
    let description = DESCRIPTION.clean(&form.description)?;
    let chosen = events::check(&form.events)?;
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id).await?;
    if before.version != version {
        return Err(DomainError::Conflict(
            "This endpoint was changed by someone else since you opened it. Reload to see it."
                .into(),
        ));
    }
    sqlx::query(
        "UPDATE webhook_endpoints SET description = $1, enabled = $2, version = version + 1, \
         disabled_reason = CASE WHEN $2 = 1 THEN NULL ELSE disabled_reason END, \
         failing_since = CASE WHEN $2 = 1 THEN NULL ELSE failing_since END \
         WHERE workspace_id = $3 AND id = $4",
    )
    .bind(&description)
    .bind(i64::from(enabled))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM webhook_subscriptions WHERE workspace_id = $1 AND endpoint_id = $2")
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    subscribe(&mut tx, grant, id, &chosen).await?;
    let after = find(&mut tx, grant, id).await?;
    let shape = |e: &WebhookEndpointSummary| serde_json::json!({"description": e.description, "events": e.events, "enabled": e.enabled});
    let (was, is) = (shape(&before), shape(&after));
    record_action(
        &mut tx,
        clock,
        grant,
        "webhook.update",
        id,
        Some(was),
        Some(is),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A new signing secret; the old one signs alongside it for a day.
pub async fn rotate(
    db: &Db,
    clock: &Clock,
    grant: &Manage,
    proof: &Reauthenticated,
    id: &WebhookEndpointId,
) -> Result<WebhookSecret, DomainError> {
    if proof.user() != grant.user() {
        return Err(DomainError::Forbidden);
    }
    let key = instance_secrets::webhook_seal_key(db, clock).await?;
    let secret = Secret::mint();
    let mut tx = grant.begin(db, true).await?;
    find(&mut tx, grant, id).await?;
    sqlx::query(
        "UPDATE webhook_endpoints SET previous_sealed = secret_sealed, previous_until = $1, \
         secret_sealed = $2, version = version + 1 WHERE workspace_id = $3 AND id = $4",
    )
    .bind(clock.now_ms() + OVERLAP_MS)
    .bind(sealed::seal(&key, &secret))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    record_action(&mut tx, clock, grant, "webhook.rotate", id, None, None).await?;
    let endpoint = find(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(WebhookSecret {
        endpoint,
        secret: secret.reveal(),
    })
}

/// Deletes an endpoint with its deliveries; messages other endpoints still need stay.
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Manage,
    id: &WebhookEndpointId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id).await?;
    sqlx::query("DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2")
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let was = serde_json::json!({"url": before.url, "events": before.events});
    record_action(&mut tx, clock, grant, "webhook.delete", id, Some(was), None).await?;
    tx.commit().await?;
    Ok(())
}

/// The endpoint `id` of the grant's workspace; another workspace's is not found.
pub(super) async fn find(
    conn: &mut sqlx::AnyConnection,
    grant: &Manage,
    id: &WebhookEndpointId,
) -> Result<WebhookEndpointSummary, DomainError> {
    let row = sqlx::query(&format!(
        "{SUMMARY} WHERE e.workspace_id = $1 AND e.id = $2"
    ))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound)?;
    let mut found = summaries(conn, grant, std::slice::from_ref(&row)).await?;
    found.pop().ok_or(DomainError::NotFound)
}

async fn subscribe(
    conn: &mut sqlx::AnyConnection,
    grant: &Manage,
    id: &WebhookEndpointId,
    chosen: &[String],
) -> Result<(), DomainError> {
    for event in chosen {
        sqlx::query(
            "INSERT INTO webhook_subscriptions (endpoint_id, workspace_id, event_type) \
             VALUES ($1, $2, $3)",
        )
        .bind(id.as_str())
        .bind(grant.workspace().as_str())
        .bind(event)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records an admin's action on endpoint `id` in the trail, inside the caller's transaction.
pub(super) async fn record_action(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Manage,
    action: &str,
    id: &WebhookEndpointId,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DomainError> {
    let change = Change {
        action,
        target: id.as_str(),
        before,
        after,
    };
    audit::record(conn, clock, grant.acting(), change).await
}

const SUMMARY: &str = "SELECT e.id, e.url, e.description, e.enabled, e.disabled_reason, \
     e.failing_since, e.previous_until, e.created_at, e.version FROM webhook_endpoints e";

/// The endpoints of `rows` with their subscriptions, in catalogue order.
async fn summaries(
    conn: &mut sqlx::AnyConnection,
    grant: &Manage,
    rows: &[sqlx::any::AnyRow],
) -> Result<Vec<WebhookEndpointSummary>, DomainError> {
    let subscribed = sqlx::query(
        "SELECT endpoint_id, event_type FROM webhook_subscriptions WHERE workspace_id = $1",
    )
    .bind(grant.workspace().as_str())
    .fetch_all(&mut *conn)
    .await?;
    let order: Vec<String> = events::options().into_iter().map(|o| o.key).collect();
    let position = |event: &str| order.iter().position(|k| k == event).unwrap_or(usize::MAX);
    rows.iter()
        .map(|row| {
            let mut endpoint = summary(row)?;
            let mut events = Vec::new();
            for s in &subscribed {
                if s.try_get::<String, _>("endpoint_id")? == endpoint.id.as_str() {
                    events.push(s.try_get::<String, _>("event_type")?);
                }
            }
            events.sort_by_key(|e| position(e));
            endpoint.events = events;
            Ok(endpoint)
        })
        .collect()
}

fn summary(row: &sqlx::any::AnyRow) -> Result<WebhookEndpointSummary, DomainError> {
    Ok(WebhookEndpointSummary {
        id: WebhookEndpointId::from_db(row.try_get("id")?),
        url: row.try_get("url")?,
        description: row.try_get("description")?,
        events: Vec::new(),
        enabled: row.try_get::<i64, _>("enabled")? == 1,
        disabled_reason: row.try_get("disabled_reason")?,
        failing_since_ms: row.try_get("failing_since")?,
        previous_secret_until_ms: row.try_get("previous_until")?,
        created_at_ms: row.try_get("created_at")?,
        version: row.try_get("version")?,
    })
}
