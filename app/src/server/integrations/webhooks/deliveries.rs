//! An endpoint's delivery log, and what an admin does from it: send a test event, deliver a
//! message again.

use sqlx::Row;

use super::endpoints::{find, record_action};
use super::events::TEST_EVENT;
use super::outbox::{self, Message};
use crate::model::{
    WebhookAttempt, WebhookDelivery, WebhookDeliveryId, WebhookEndpointId, WebhookLog,
};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Deliveries a log shows, newest first.
const SHOWN: i64 = 50;

type Manage = Grant<keys::IntegrationsManage>;

/// The endpoint's newest deliveries, each with its attempts.
pub async fn log(
    db: &Db,
    grant: &Manage,
    id: &WebhookEndpointId,
) -> Result<WebhookLog, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let endpoint = find(&mut tx, grant, id).await?;
    let rows = sqlx::query(
        "SELECT d.id, d.message_id, m.event_type, d.status, d.created_at, d.next_attempt_at \
         FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id \
         AND m.workspace_id = d.workspace_id \
         WHERE d.workspace_id = $1 AND d.endpoint_id = $2 \
         ORDER BY d.created_at DESC, d.id DESC LIMIT $3",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .bind(SHOWN)
    .fetch_all(&mut *tx)
    .await?;
    let tried = sqlx::query(
        "SELECT a.delivery_id, a.number, a.at_ms, a.status_code, a.latency_ms, a.response, \
         a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id \
         WHERE a.workspace_id = $1 AND d.endpoint_id = $2 AND d.created_at >= $3 \
         ORDER BY a.number",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .bind(
        rows.last()
            .map_or(Ok(0), |r| r.try_get::<i64, _>("created_at"))?,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut deliveries = Vec::with_capacity(rows.len());
    for row in &rows {
        let delivery_id: String = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let mut attempts = Vec::new();
        for a in tried.iter() {
            if a.try_get::<String, _>("delivery_id")? == delivery_id {
                attempts.push(WebhookAttempt {
                    number: a.try_get("number")?,
                    at_ms: a.try_get("at_ms")?,
                    status_code: a.try_get("status_code")?,
                    latency_ms: a.try_get("latency_ms")?,
                    response: a.try_get("response")?,
                    error: a.try_get("error")?,
                });
            }
        }
        deliveries.push(WebhookDelivery {
            id: WebhookDeliveryId::from_db(delivery_id),
            message_id: row.try_get("message_id")?,
            event_type: row.try_get("event_type")?,
            next_attempt_at_ms: (status == "pending")
                .then(|| row.try_get("next_attempt_at"))
                .transpose()?,
            status,
            created_at_ms: row.try_get("created_at")?,
            attempts,
        });
    }
    Ok(WebhookLog {
        endpoint,
        deliveries,
    })
}

/// Queues a `webhook.test` event for this endpoint alone, enabled or not in its
/// subscriptions: how an admin checks a receiver.
pub async fn send_test(
    db: &Db,
    clock: &Clock,
    grant: &Manage,
    id: &WebhookEndpointId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let endpoint = find(&mut tx, grant, id).await?;
    if !endpoint.enabled {
        return Err(DomainError::Conflict(
            "This endpoint is disabled. Enable it to send a test event.".into(),
        ));
    }
    let message = Message {
        event_type: TEST_EVENT,
        data: serde_json::json!({
            "endpoint_id": endpoint.id,
            "message": "A test event from Gatehouse.",
        }),
        at_ms: clock.now_ms(),
    };
    outbox::enqueue_to(&mut tx, grant.workspace(), id, message).await?;
    record_action(&mut tx, clock, grant, "webhook.test", id, None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Delivers a delivery's message to its endpoint again, as a new delivery due now.
pub async fn redeliver(
    db: &Db,
    clock: &Clock,
    grant: &Manage,
    id: &WebhookDeliveryId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let row = sqlx::query(
        "SELECT endpoint_id, message_id FROM webhook_deliveries \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    let endpoint = WebhookEndpointId::from_db(row.try_get("endpoint_id")?);
    let message: String = row.try_get("message_id")?;
    outbox::schedule(
        &mut tx,
        grant.workspace(),
        endpoint.as_str(),
        &message,
        clock.now_ms(),
    )
    .await?;
    // Sending a message out again is recorded like sending the first: data leaves the workspace.
    let after = serde_json::json!({ "message_id": message });
    record_action(
        &mut tx,
        clock,
        grant,
        "webhook.redeliver",
        &endpoint,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
