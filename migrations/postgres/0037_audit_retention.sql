-- How long each workspace keeps its trail (400 days unless set), and where its chain now
-- starts: entries older than that are purged up to a place a signed checkpoint still covers,
-- and the chain is proved from the hash of the last purged entry, which the trail's own record
-- of the purge (an `audit.purged` entry) names as well.
CREATE TABLE audit_settings (
    workspace_id   TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    retention_days BIGINT NOT NULL CHECK (retention_days BETWEEN 30 AND 3650),
    updated_at     BIGINT NOT NULL,
    updated_by     TEXT   REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE audit_purges (
    workspace_id TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    through_seq  BIGINT NOT NULL,
    through_hash TEXT   NOT NULL,
    purged_at    BIGINT NOT NULL,
    entries      BIGINT NOT NULL
);

ALTER TABLE audit_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON audit_settings
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE audit_purges ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_purges FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON audit_purges
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
