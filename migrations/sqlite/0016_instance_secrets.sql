-- Secrets of this Gatehouse installation, shared by every server process on the database and
-- created on first use: the key that signs anonymous visitors' CSRF tokens. Not
-- workspace-owned; only the server reads it.
CREATE TABLE instance_secrets (
    name       TEXT   NOT NULL PRIMARY KEY,
    value      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
