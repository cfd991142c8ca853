//! Webhook endpoints and their deliveries, as the webhooks page shows them.

use serde::{Deserialize, Serialize};

id_type!(
    /// An endpoint a workspace's events are delivered to.
    WebhookEndpointId
);
id_type!(
    /// One message on its way to one endpoint.
    WebhookDeliveryId
);

#[cfg(feature = "ssr")]
client_ids!(WebhookEndpointId, WebhookDeliveryId);

/// An event type an endpoint may subscribe to, with what the page calls it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEventOption {
    /// `customer.create`, `customer.*` (every event of a kind) or `*`.
    pub key: String,
    pub label: String,
    /// The heading it is listed under (the record kind).
    pub group: String,
}

/// One endpoint in the list. Its signing secret is shown only when made or rotated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpointSummary {
    pub id: WebhookEndpointId,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled it, when it did.
    pub disabled_reason: Option<String>,
    pub failing_since_ms: Option<i64>,
    /// Until when the previous secret still signs, after a rotation.
    pub previous_secret_until_ms: Option<i64>,
    pub created_at_ms: i64,
    pub version: i64,
}

/// The webhooks page: the workspace's endpoints and the events they may hear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub endpoints: Vec<WebhookEndpointSummary>,
    pub events: Vec<WebhookEventOption>,
}

/// An endpoint just made, or its secret just rotated: the only time the secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    pub endpoint: WebhookEndpointSummary,
    /// `whsec_…`, as the Standard Webhooks libraries take it.
    pub secret: String,
}

/// One attempt at a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    pub number: i64,
    pub at_ms: i64,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    /// The response's first bytes, as text.
    pub response: String,
    pub error: Option<String>,
}

/// One delivery in an endpoint's log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    /// The `webhook-id` receivers see.
    pub message_id: String,
    pub event_type: String,
    /// `pending`, `success` or `failed`.
    pub status: String,
    pub created_at_ms: i64,
    pub next_attempt_at_ms: Option<i64>,
    pub attempts: Vec<WebhookAttempt>,
}

/// An endpoint's delivery log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookLog {
    pub endpoint: WebhookEndpointSummary,
    pub deliveries: Vec<WebhookDelivery>,
}
