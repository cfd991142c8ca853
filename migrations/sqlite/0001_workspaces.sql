-- Workspaces: the tenant boundary.
-- Portable forms (see app/src/server/db.rs): ids are UUIDv7 text, timestamps are BIGINT
-- milliseconds since the Unix epoch (UTC).
CREATE TABLE workspaces (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    slug       TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    created_at BIGINT  NOT NULL
);
