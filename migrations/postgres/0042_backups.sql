-- The backups register: each run of `server backup` or of the nightly backup, as it ended. A
-- backup holds every workspace of the deployment, so the register belongs to none of them.
CREATE TABLE backups (
    id          TEXT   PRIMARY KEY,
    started_ms  BIGINT NOT NULL,
    finished_ms BIGINT NOT NULL,
    trigger     TEXT   NOT NULL CHECK (trigger IN ('command', 'nightly')),
    outcome     TEXT   NOT NULL CHECK (outcome IN ('done', 'failed')),
    -- The snapshot's directory name under the backup directory.
    name        TEXT   NOT NULL,
    size_bytes  BIGINT NOT NULL DEFAULT 0,
    files       BIGINT NOT NULL DEFAULT 0,
    -- SHA-256 of the snapshot's manifest, which holds the checksum of every part.
    checksum    TEXT,
    -- Why it failed, for the operator's log; pages show only that it did.
    error       TEXT
);
CREATE INDEX backups_by_start ON backups (started_ms);

-- Claims on scheduled work: the server process that inserts (job, slot) first runs it; every
-- other process sharing the database finds the row and leaves the slot alone.
CREATE TABLE scheduled_runs (
    job        TEXT   NOT NULL,
    slot       TEXT   NOT NULL,
    holder     TEXT   NOT NULL,
    claimed_ms BIGINT NOT NULL,
    PRIMARY KEY (job, slot)
);
