-- Signed checkpoints of each workspace's audit chain: the head's place and hash, signed with
-- the server's Ed25519 key (kept outside the database, so whoever can write here cannot sign).
CREATE TABLE audit_checkpoints (
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    entry_hash   TEXT   NOT NULL,
    signed_at    BIGINT NOT NULL,
    key_id       TEXT   NOT NULL,
    signature    TEXT   NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);

-- Each verification of a workspace's chain, for the audit page: when, how much it proved, and
-- the first broken entry if there was one.
CREATE TABLE audit_verifications (
    id             TEXT   NOT NULL PRIMARY KEY,
    workspace_id   TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    verified_at    BIGINT NOT NULL,
    entries        BIGINT NOT NULL,
    signed_through BIGINT NOT NULL,
    broken_seq     BIGINT,
    broken_reason  TEXT
);
CREATE INDEX audit_verifications_latest ON audit_verifications (workspace_id, verified_at);
