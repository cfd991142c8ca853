-- The incidents register: what went wrong, how bad, and when it was detected, contained and
-- resolved, with a timeline of notes. Incidents are never deleted: the register is evidence.
CREATE TABLE incidents (
    id              TEXT   NOT NULL PRIMARY KEY,
    workspace_id    TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number          BIGINT NOT NULL,
    title           TEXT   NOT NULL,
    severity        TEXT   NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status          TEXT   NOT NULL CHECK (status IN ('open', 'contained', 'resolved')),
    detected_at_ms  BIGINT NOT NULL,
    contained_at_ms BIGINT,
    resolved_at_ms  BIGINT,
    reported_by     TEXT   REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL,
    UNIQUE (workspace_id, number)
);
CREATE INDEX incidents_newest ON incidents (workspace_id, number);

CREATE TABLE incident_notes (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    incident_id  TEXT   NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    body         TEXT   NOT NULL,
    author_id    TEXT   REFERENCES users (id) ON DELETE SET NULL,
    at_ms        BIGINT NOT NULL
);
CREATE INDEX incident_notes_by_incident ON incident_notes (incident_id, at_ms);
