-- CSV imports: the uploaded file (an object in file storage, named by a random id, removed
-- when the import ends), what it looks like (header and first rows, for mapping), and the run:
-- the choices made, progress, outcome. One row per upload; only its uploader sees it.

CREATE TABLE imports (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id          TEXT   NOT NULL REFERENCES users (id),
    -- What is imported: customers or products.
    list             TEXT   NOT NULL CHECK (list IN ('customers', 'products')),
    -- The name the file had, cleaned, for display only.
    file_name        TEXT   NOT NULL,
    -- The stored object; NULL once the run ended and the object was removed.
    object_name      TEXT,
    sealed           BIGINT NOT NULL CHECK (sealed IN (0, 1)),
    -- JSON: the header cells, and the first rows as arrays of cells.
    headers          TEXT   NOT NULL,
    preview          TEXT   NOT NULL,
    total_rows       BIGINT NOT NULL,
    status           TEXT   NOT NULL
        CHECK (status IN ('mapping', 'running', 'done', 'refused', 'cancelled', 'failed')),
    -- JSON: the mapping and choices the run was started with.
    plan             TEXT,
    checked_rows     BIGINT NOT NULL DEFAULT 0,
    created_rows     BIGINT NOT NULL DEFAULT 0,
    updated_rows     BIGINT NOT NULL DEFAULT 0,
    refused_rows     BIGINT NOT NULL DEFAULT 0,
    cancel_requested BIGINT NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    -- Why a run failed, in words for the person who started it.
    message          TEXT,
    created_at       BIGINT NOT NULL,
    started_at       BIGINT,
    -- When the run last showed it was alive: a run silent for long was cut off by a restart.
    heartbeat_at     BIGINT,
    finished_at      BIGINT
);
CREATE INDEX imports_by_user ON imports (workspace_id, user_id, created_at);

-- Each refused row of a run: the field and the reason, for the report.
CREATE TABLE import_problems (
    import_id    TEXT   NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The line's number in the file, the header being line 1.
    line         BIGINT NOT NULL,
    field        TEXT   NOT NULL,
    message      TEXT   NOT NULL,
    PRIMARY KEY (import_id, line)
);
