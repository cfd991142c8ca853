-- Webhooks: endpoints a workspace's integrations are told of changes at, each with its
-- subscriptions and a signing secret (Standard Webhooks). A change writes its message and one
-- delivery per subscribed endpoint in its own transaction (the outbox), so no event is lost or
-- invented; delivery workers claim due deliveries and keep each attempt.
CREATE TABLE webhook_endpoints (
    id              TEXT   NOT NULL PRIMARY KEY,
    workspace_id    TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url             TEXT   NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description     TEXT   NOT NULL DEFAULT '',
    -- The signing secret, sealed (AES-256-GCM under an installation secret): it must be read
    -- back to sign, so it cannot be hashed like an API key.
    secret_sealed   TEXT   NOT NULL,
    -- After a rotation the old secret signs too until `previous_until`, so receivers can switch.
    previous_sealed TEXT,
    previous_until  BIGINT,
    enabled         BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Why it was disabled by the server (failing for days); NULL when an admin did it.
    disabled_reason TEXT,
    -- Since when its deliveries fail without a success in between.
    failing_since   BIGINT,
    created_by      TEXT   NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id, created_at);

-- What an endpoint hears: an event type (`customer.create`), every event of a kind
-- (`customer.*`) or everything (`*`).
CREATE TABLE webhook_subscriptions (
    endpoint_id  TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    event_type   TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
);
CREATE INDEX webhook_subscriptions_by_event ON webhook_subscriptions (workspace_id, event_type);

-- One event, as every endpoint receives it: `id` is the `webhook-id` header, the same on
-- every retry so receivers can drop duplicates.
CREATE TABLE webhook_messages (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    event_type   TEXT   NOT NULL,
    payload      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);

-- One message to one endpoint: pending until an attempt succeeds or the retries run out.
-- Not under row-level security: a worker claims due deliveries of every workspace at once;
-- it then reads each one's endpoint and message inside that delivery's workspace.
CREATE TABLE webhook_deliveries (
    id              TEXT   NOT NULL PRIMARY KEY,
    workspace_id    TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    endpoint_id     TEXT   NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    message_id      TEXT   NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    status          TEXT   NOT NULL CHECK (status IN ('pending', 'success', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A worker holds the delivery until then; one that dies lets it go.
    claimed_until   BIGINT,
    created_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- Each attempt of a delivery: what the receiver answered, how fast, or what went wrong.
CREATE TABLE webhook_attempts (
    delivery_id  TEXT   NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    at_ms        BIGINT NOT NULL,
    status_code  BIGINT,
    latency_ms   BIGINT NOT NULL,
    -- The response's first bytes, as text.
    response     TEXT   NOT NULL DEFAULT '',
    error        TEXT,
    PRIMARY KEY (delivery_id, number)
);

ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON webhook_endpoints
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON webhook_subscriptions
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE webhook_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON webhook_messages
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON webhook_attempts
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
