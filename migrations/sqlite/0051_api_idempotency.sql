-- Idempotency-Key for the REST API's creating requests: the first request with a key reserves
-- it, runs, and keeps its answer; a retry with the same key and the same request gets that
-- answer again instead of creating twice; the same key with another request is refused.
-- Kept 24 hours per API key.
CREATE TABLE api_idempotency (
    api_key_id   TEXT   NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    idem_key     TEXT   NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- SHA-256 of the method, path and body: what "the same request" means.
    fingerprint  TEXT   NOT NULL,
    -- NULL while the first request runs.
    status       BIGINT,
    body         TEXT,
    location     TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
CREATE INDEX api_idempotency_by_age ON api_idempotency (api_key_id, created_at);
