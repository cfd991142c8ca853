//! The outbox: an event is written with the change it announces, in the same transaction — one
//! message, and one pending delivery for each enabled endpoint that hears it. A change that
//! rolls back takes its event with it; a committed change always has its deliveries. Workers
//! ([`super::delivery`]) send them later.

use serde_json::{json, Value};
use sqlx::Row;

use super::announced;
use crate::model::{WebhookDeliveryId, WebhookEndpointId, WorkspaceId};
use crate::server::platform::error::DomainError;

/// One event as receivers get it.
pub struct Message<'a> {
    pub event_type: &'a str,
    pub data: Value,
    pub at_ms: i64,
}

impl Message<'_> {
    /// The body, in the Standard Webhooks payload shape: `type`, `timestamp`, `data`.
    fn payload(&self) -> String {
        json!({
            "type": self.event_type,
            "timestamp": rfc3339(self.at_ms),
            "data": self.data,
        })
        .to_string()
    }
}

/// Writes `message` for every enabled endpoint of `workspace` subscribed to its type, inside
/// the caller's transaction (already inside `workspace`). With no such endpoint it costs one
/// read and writes nothing.
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    message: Message<'_>,
) -> Result<(), DomainError> {
    let [exact, kind, all] = announced::hearers(message.event_type);
    let rows = sqlx::query(
        "SELECT DISTINCT s.endpoint_id FROM webhook_subscriptions s \
         JOIN webhook_endpoints e ON e.id = s.endpoint_id AND e.workspace_id = s.workspace_id \
         WHERE s.workspace_id = $1 AND s.event_type IN ($2, $3, $4) AND e.enabled = 1",
    )
    .bind(workspace.as_str())
    .bind(exact)
    .bind(kind)
    .bind(all)
    .fetch_all(&mut *conn)
    .await?;
    let endpoints = rows
        .iter()
        .map(|r| r.try_get::<String, _>("endpoint_id"))
        .collect::<Result<Vec<_>, _>>()?;
    write(conn, workspace, &message, &endpoints).await
}

/// Writes `message` for `endpoint` alone ("send test event").
pub async fn enqueue_to(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    endpoint: &WebhookEndpointId,
    message: Message<'_>,
) -> Result<(), DomainError> {
    write(conn, workspace, &message, &[endpoint.as_str().to_owned()]).await
}

async fn write(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    message: &Message<'_>,
    endpoints: &[String],
) -> Result<(), DomainError> {
    if endpoints.is_empty() {
        return Ok(());
    }
    let id = format!("msg_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(
        "INSERT INTO webhook_messages (id, workspace_id, event_type, payload, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(workspace.as_str())
    .bind(message.event_type)
    .bind(message.payload())
    .bind(message.at_ms)
    .execute(&mut *conn)
    .await?;
    for endpoint in endpoints {
        schedule(conn, workspace, endpoint, &id, message.at_ms).await?;
    }
    Ok(())
}

/// A pending delivery of message `message_id` to `endpoint`, due at `at_ms`.
pub(super) async fn schedule(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    endpoint: &str,
    message_id: &str,
    at_ms: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, workspace_id, endpoint_id, message_id, status, \
         attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
    )
    .bind(WebhookDeliveryId::fresh().as_str())
    .bind(workspace.as_str())
    .bind(endpoint)
    .bind(message_id)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `2026-12-07T14:03:09.120Z`.
fn rfc3339(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_has_the_standard_shape() {
        let message = Message {
            event_type: "customer.create",
            data: json!({"id": "c1"}),
            at_ms: 1_796_589_432_120,
        };
        let payload: Value = serde_json::from_str(&message.payload()).unwrap();
        assert_eq!(payload["type"], "customer.create");
        assert_eq!(payload["timestamp"], "2026-12-06T20:37:12.120Z");
        assert_eq!(payload["data"]["id"], "c1");
    }
}
