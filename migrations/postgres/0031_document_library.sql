-- The document library: a workspace's documents (title, description, tags, an owner and maybe
-- a team, so every data scope applies), each with versions — every upload of the document is
-- a file of purpose 'document_version', kept in order, the newest the current one.

CREATE TABLE documents (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title            TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- The title folded for sorting and search.
    title_key        TEXT   NOT NULL,
    description      TEXT   NOT NULL DEFAULT '',
    -- Cleaned tags, comma-separated ("contract,2026"); tags_key the same folded, for search.
    tags             TEXT   NOT NULL DEFAULT '',
    tags_key         TEXT   NOT NULL DEFAULT '',
    -- The owner.
    assigned_user_id TEXT   NOT NULL,
    team_id          TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       TEXT   REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, assigned_user_id) REFERENCES memberships (workspace_id, user_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
);
CREATE INDEX documents_by_title ON documents (workspace_id, title_key, id);
CREATE INDEX documents_by_updated ON documents (workspace_id, updated_at, id);
CREATE INDEX documents_by_assignee ON documents (workspace_id, assigned_user_id, title_key);
CREATE INDEX documents_by_team ON documents (workspace_id, team_id, title_key);

-- The second wall, as for every record table (0015).
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON documents
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE files ADD COLUMN document_id TEXT;
ALTER TABLE files DROP CONSTRAINT files_purpose_check;
ALTER TABLE files ADD CONSTRAINT files_purpose_check CHECK (purpose IN ('customer_attachment',
    'order_attachment', 'ticket_attachment', 'payment_proof', 'workspace_logo', 'quote_template',
    'document_version'));
ALTER TABLE files ADD CONSTRAINT files_document_check
    CHECK ((document_id IS NOT NULL) = (purpose = 'document_version'));
ALTER TABLE files ADD CONSTRAINT files_document_fkey FOREIGN KEY (workspace_id, document_id)
    REFERENCES documents (workspace_id, id) ON DELETE CASCADE;
CREATE INDEX files_by_document ON files (workspace_id, document_id, created_at);
