-- Network rules: which client addresses may use a workspace. Deny entries always win; when any
-- allow entry applies to a person (the workspace's own, or theirs), their address must match one.
CREATE TABLE ip_rules (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- NULL: the entry applies to every member of the workspace.
    user_id      TEXT   REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL CHECK (kind IN ('allow', 'deny')),
    -- Normalised network in CIDR notation (a single address is a /32 or /128).
    cidr         TEXT   NOT NULL,
    note         TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    created_by   TEXT   REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ip_rules_by_workspace ON ip_rules (workspace_id);
