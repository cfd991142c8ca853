-- The audit log becomes a hash chain per workspace. Each entry carries its place in its
-- workspace's chain (`seq`, from 1), the hash of the entry before it, and the hash of its own
-- content with that one; `actor_ref` keeps the actor as recorded (actor_id is set to NULL when
-- an account is deleted, which must not break the chain). Entries written before this
-- migration are chained once, in the order they were written, when the server next starts.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN actor_ref TEXT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN entry_hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (workspace_id, seq);

-- Each workspace's chain head: the last entry's place and hash. An append locks this row
-- first, so appends to one workspace are serialised (on PostgreSQL across server processes).
CREATE TABLE audit_heads (
    workspace_id TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    entry_hash   TEXT   NOT NULL
);

ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON audit_heads
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
