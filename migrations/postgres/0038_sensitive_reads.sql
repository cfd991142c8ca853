-- The sensitive-data access log: who was shown a sensitive field (a customer's tax id, a
-- payment's reference, a licence key) of which record, and when. One row per person, record,
-- field and UTC day, with the first and last read and how many there were, so a list read all
-- day stays one row per record shown. `page_id` is the record whose page shows the field (a
-- payment's order; the record itself otherwise), so a record's page can list who saw it.
CREATE TABLE sensitive_reads (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT   NOT NULL,
    record_kind  TEXT   NOT NULL,
    record_id    TEXT   NOT NULL,
    page_id      TEXT   NOT NULL,
    field        TEXT   NOT NULL,
    day          BIGINT NOT NULL,
    first_at_ms  BIGINT NOT NULL,
    last_at_ms   BIGINT NOT NULL,
    reads        BIGINT NOT NULL,
    ip           TEXT,
    UNIQUE (workspace_id, record_kind, record_id, field, user_id, day)
);

CREATE INDEX sensitive_reads_by_person ON sensitive_reads (workspace_id, user_id, id);
CREATE INDEX sensitive_reads_by_page ON sensitive_reads (workspace_id, page_id, id);
CREATE INDEX sensitive_reads_newest ON sensitive_reads (workspace_id, id);

ALTER TABLE sensitive_reads ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensitive_reads FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON sensitive_reads
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
