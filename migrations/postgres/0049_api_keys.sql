-- Secret API keys: each acts in its workspace under one role, never beyond what the person who
-- created it holds at the time of each call. Only a keyed hash of the secret is kept.
--
-- Not under row-level security on PostgreSQL, like sessions: a call's key is looked up by its
-- id before its workspace is known. Every other query names the workspace.
CREATE TABLE api_keys (
    -- The key's public part: its first characters after `sk_`, shown in the list.
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name             TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    role_id          TEXT   NOT NULL,
    created_by       TEXT   NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    -- NULL: until revoked.
    expires_at       BIGINT,
    -- CIDRs separated by commas; empty: from anywhere.
    allowed_networks TEXT   NOT NULL DEFAULT '',
    -- HMAC-SHA-256 of the whole key under the installation's secret, hex.
    secret_hash      TEXT   NOT NULL,
    last_used_at     BIGINT,
    last_used_ip     TEXT,
    revoked_at       BIGINT,
    revoked_by       TEXT   REFERENCES users (id),
    UNIQUE (workspace_id, name),
    FOREIGN KEY (workspace_id, role_id) REFERENCES roles (workspace_id, id)
);
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id, created_at);
