-- Public API keys (`pk_…`): they identify a workspace to self-service clients (a shop, a
-- customer portal) and may call only the endpoints marked public, which show what the
-- workspace publishes (its active products). They ship inside client code, so they are not
-- secrets: kept as written and shown in the list. No role; nothing private is reachable.
--
-- Not under row-level security on PostgreSQL, like `api_keys`: a call's key is looked up by
-- its id before its workspace is known. Every other query names the workspace.
CREATE TABLE api_public_keys (
    -- The key's characters after `pk_`, before its checksum.
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name             TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    created_by       TEXT   NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT,
    allowed_networks TEXT   NOT NULL DEFAULT '',
    last_used_at     BIGINT,
    last_used_ip     TEXT,
    revoked_at       BIGINT,
    revoked_by       TEXT   REFERENCES users (id),
    UNIQUE (workspace_id, name)
);
CREATE INDEX api_public_keys_by_workspace ON api_public_keys (workspace_id, created_at);
