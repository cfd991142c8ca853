-- Retention policies per record type: how many days a workspace keeps its finished records
-- (closed tickets, declined quotes, cancelled orders without payments) before the daily purge
-- removes them. No row: kept until someone deletes them.
CREATE TABLE retention_policies (
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The record kind's table.
    kind         TEXT   NOT NULL,
    days         BIGINT NOT NULL CHECK (days BETWEEN 30 AND 3650),
    updated_by   TEXT   REFERENCES users (id) ON DELETE SET NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, kind)
);

ALTER TABLE retention_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON retention_policies
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
