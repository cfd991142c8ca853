-- Files attached to records. The bytes live in the storage back end under `object_key`, a
-- random id; the name people gave the file is kept, cleaned, for display only and never
-- becomes a path. A file belongs to exactly one record of its workspace (the composite keys)
-- and goes when the record goes.

CREATE TABLE files (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- What the file is for: it fixes the record it hangs on, the types and the size allowed.
    -- The workspace's logo and quote templates hang on the workspace itself.
    purpose      TEXT   NOT NULL CHECK (purpose IN ('customer_attachment', 'order_attachment',
                     'ticket_attachment', 'payment_proof', 'workspace_logo', 'quote_template')),
    customer_id  TEXT,
    order_id     TEXT,
    ticket_id    TEXT,
    payment_id   TEXT,
    object_key   TEXT   NOT NULL UNIQUE,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    size         BIGINT NOT NULL CHECK (size >= 0),
    -- The type judged from the content, e.g. application/pdf.
    content_type TEXT   NOT NULL,
    -- SHA-256 of the bytes uploaded, hex: the download's ETag, and what a check compares.
    sha256       TEXT   NOT NULL CHECK (length(sha256) = 64),
    -- 1 when the stored bytes are sealed with the instance's file key (AES-256-GCM).
    sealed       BIGINT NOT NULL CHECK (sealed IN (0, 1)),
    uploaded_by  TEXT   NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    -- Exactly the column of the purpose's record is set.
    CHECK ((customer_id IS NOT NULL) = (purpose = 'customer_attachment')),
    CHECK ((order_id IS NOT NULL) = (purpose = 'order_attachment')),
    CHECK ((ticket_id IS NOT NULL) = (purpose = 'ticket_attachment')),
    CHECK ((payment_id IS NOT NULL) = (purpose = 'payment_proof')),
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, payment_id) REFERENCES payments (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX files_by_customer ON files (workspace_id, customer_id, created_at);
CREATE INDEX files_by_order ON files (workspace_id, order_id, created_at);
CREATE INDEX files_by_ticket ON files (workspace_id, ticket_id, created_at);
CREATE INDEX files_by_payment ON files (workspace_id, payment_id, created_at);
CREATE INDEX files_by_purpose ON files (workspace_id, purpose, created_at);

-- The workspace's company logo: kept on the workspace row, so finding it costs the page
-- nothing beyond the workspace it already reads.
ALTER TABLE workspaces ADD COLUMN logo_file_id TEXT REFERENCES files (id) ON DELETE SET NULL;

-- Bytes outlive their row only until the sweeper comes: a file's row can go by itself or with
-- its record (ON DELETE CASCADE), and either way its stored object is queued here, in the same
-- transaction, for `files::garbage` to delete from the store.
CREATE TABLE orphaned_objects (
    object_key TEXT   NOT NULL PRIMARY KEY,
    queued_at  BIGINT NOT NULL
);
CREATE TRIGGER files_queue_their_bytes AFTER DELETE ON files
BEGIN
    INSERT OR IGNORE INTO orphaned_objects (object_key, queued_at)
    VALUES (OLD.object_key, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

-- Every download: who, what, when, from where. Kept when the file goes (no foreign key to it),
-- with the name it had, so the record of a download outlives the file.
CREATE TABLE file_downloads (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    file_id      TEXT   NOT NULL,
    file_name    TEXT   NOT NULL,
    user_id      TEXT   NOT NULL REFERENCES users (id),
    ip           TEXT,
    user_agent   TEXT,
    -- The byte range asked for ("bytes=0-1023"), or NULL for the whole file.
    range_asked  TEXT,
    at           BIGINT NOT NULL
);
CREATE INDEX file_downloads_by_file ON file_downloads (workspace_id, file_id, at);
CREATE INDEX file_downloads_by_user ON file_downloads (workspace_id, user_id, at);
