-- Account lockout after repeated failed sign-ins, and the security events that record it.

ALTER TABLE users ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0;
-- Set while the account is locked; sign-in is refused (with the ordinary message) until then.
ALTER TABLE users ADD COLUMN locked_until BIGINT;

ALTER TABLE workspace_settings ADD COLUMN lockout_threshold BIGINT NOT NULL DEFAULT 5
    CHECK (lockout_threshold BETWEEN 1 AND 50);
ALTER TABLE workspace_settings ADD COLUMN lockout_minutes BIGINT NOT NULL DEFAULT 15
    CHECK (lockout_minutes BETWEEN 1 AND 1440);

-- Sign-in failures, lockouts, unlocks: who, where from, when. Kept for the audit viewer.
CREATE TABLE security_events (
    id           TEXT   NOT NULL PRIMARY KEY,
    kind         TEXT   NOT NULL,
    user_id      TEXT   REFERENCES users (id) ON DELETE SET NULL,
    -- The workspace whose admin acted (unlock); NULL for events of the account itself.
    workspace_id TEXT   REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id     TEXT   REFERENCES users (id) ON DELETE SET NULL,
    ip           TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX security_events_by_user ON security_events (user_id, created_at);
CREATE INDEX security_events_by_workspace ON security_events (workspace_id, created_at);
