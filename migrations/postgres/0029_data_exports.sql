-- Every export of a list: who, which list, with which filters and columns, from where, when,
-- and how many rows left. Written when the export starts; the count and end when it ends (an
-- export broken off keeps its start).

CREATE TABLE data_exports (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT   NOT NULL REFERENCES users (id),
    list         TEXT   NOT NULL,
    -- The list's filters as the address carried them.
    filters      TEXT   NOT NULL,
    -- The columns the file had, comma-separated: what field security left in.
    columns      TEXT   NOT NULL,
    ip           TEXT,
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT,
    row_count    BIGINT
);
CREATE INDEX data_exports_by_user ON data_exports (workspace_id, user_id, started_at);

ALTER TABLE data_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_exports FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON data_exports
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
