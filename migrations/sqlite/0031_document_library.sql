-- The document library: a workspace's documents (title, description, tags, an owner and maybe
-- a team, so every data scope applies), each with versions — every upload of the document is
-- a file of purpose 'document_version', kept in order, the newest the current one.
--
-- `files` gains the `document_id` column and the purpose: SQLite changes a CHECK only by
-- rebuilding the table. sqlx runs every SQLite migration inside a transaction, where foreign
-- keys cannot be switched off, so dropping the old table empties it first and sets every
-- workspace's logo to NULL: the logos are kept aside and put back. The trigger that queues a
-- deleted file's bytes goes first, so moving the rows queues nothing.
CREATE TABLE logos_kept AS SELECT id, logo_file_id FROM workspaces WHERE logo_file_id IS NOT NULL;

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

DROP TRIGGER files_queue_their_bytes;

CREATE TABLE files_next (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    purpose      TEXT   NOT NULL CHECK (purpose IN ('customer_attachment', 'order_attachment',
                     'ticket_attachment', 'payment_proof', 'workspace_logo', 'quote_template',
                     'document_version')),
    customer_id  TEXT,
    order_id     TEXT,
    ticket_id    TEXT,
    payment_id   TEXT,
    document_id  TEXT,
    object_key   TEXT   NOT NULL UNIQUE,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    size         BIGINT NOT NULL CHECK (size >= 0),
    content_type TEXT   NOT NULL,
    sha256       TEXT   NOT NULL CHECK (length(sha256) = 64),
    sealed       BIGINT NOT NULL CHECK (sealed IN (0, 1)),
    uploaded_by  TEXT   NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    CHECK ((customer_id IS NOT NULL) = (purpose = 'customer_attachment')),
    CHECK ((order_id IS NOT NULL) = (purpose = 'order_attachment')),
    CHECK ((ticket_id IS NOT NULL) = (purpose = 'ticket_attachment')),
    CHECK ((payment_id IS NOT NULL) = (purpose = 'payment_proof')),
    CHECK ((document_id IS NOT NULL) = (purpose = 'document_version')),
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, payment_id) REFERENCES payments (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, document_id) REFERENCES documents (workspace_id, id) ON DELETE CASCADE
);
INSERT INTO files_next (id, workspace_id, purpose, customer_id, order_id, ticket_id, payment_id,
    object_key, name, size, content_type, sha256, sealed, uploaded_by, created_at)
SELECT id, workspace_id, purpose, customer_id, order_id, ticket_id, payment_id,
    object_key, name, size, content_type, sha256, sealed, uploaded_by, created_at
FROM files;
DROP TABLE files;
ALTER TABLE files_next RENAME TO files;

CREATE INDEX files_by_customer ON files (workspace_id, customer_id, created_at);
CREATE INDEX files_by_order ON files (workspace_id, order_id, created_at);
CREATE INDEX files_by_ticket ON files (workspace_id, ticket_id, created_at);
CREATE INDEX files_by_payment ON files (workspace_id, payment_id, created_at);
CREATE INDEX files_by_document ON files (workspace_id, document_id, created_at);
CREATE INDEX files_by_purpose ON files (workspace_id, purpose, created_at);
CREATE TRIGGER files_queue_their_bytes AFTER DELETE ON files
BEGIN
    INSERT OR IGNORE INTO orphaned_objects (object_key, queued_at)
    VALUES (OLD.object_key, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

UPDATE workspaces SET logo_file_id =
    (SELECT k.logo_file_id FROM logos_kept k WHERE k.id = workspaces.id)
WHERE id IN (SELECT id FROM logos_kept);
DROP TABLE logos_kept;
