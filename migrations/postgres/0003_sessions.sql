-- Server-side sessions (tower-sessions records), shared by every server process on this database.
CREATE TABLE sessions (
    -- SHA-256 of the session id, hex: a copy of this table does not hand out live sessions.
    id_hash      TEXT   NOT NULL PRIMARY KEY,
    -- The session's data as JSON.
    data         TEXT   NOT NULL,
    -- When the session lapses if unused (the idle timeout, renewed on use).
    expires_at   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    -- Filled in at sign-in, for "your sessions" and for ending all of a person's sessions.
    user_id      TEXT   REFERENCES users (id) ON DELETE CASCADE,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
