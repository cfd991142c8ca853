-- Privacy requests: a person asks a workspace, through its public form, for access to their
-- data, a correction, its deletion, a restriction of its use, a portable copy, or (a customer
-- workspace's own people) the closure of the workspace. A request counts once the requester
-- has confirmed it from the mailed link; it then runs received → verified → in progress →
-- completed / rejected, with an assignee, a due day and notes.
CREATE TABLE privacy_requests (
    id                 TEXT   NOT NULL PRIMARY KEY,
    workspace_id       TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Given when the request is confirmed; NULL until then.
    number             BIGINT,
    kind               TEXT   NOT NULL CHECK (kind IN ('access', 'correction', 'deletion',
                           'restriction', 'portability', 'closure')),
    requester_name     TEXT   NOT NULL,
    requester_email    TEXT   NOT NULL,
    details            TEXT   NOT NULL DEFAULT '',
    status             TEXT   NOT NULL CHECK (status IN ('unconfirmed', 'received', 'verified',
                           'in_progress', 'completed', 'rejected')),
    -- The SHA-256 of the mailed confirmation token; cleared once used.
    confirm_hash       TEXT   UNIQUE,
    confirm_expires_at BIGINT NOT NULL,
    submitted_at       BIGINT NOT NULL,
    received_at        BIGINT,
    -- YYYY-MM-DD in the workspace's time zone.
    due_on             TEXT,
    assignee_id        TEXT,
    -- The customer the request turned out to be about, once a handler has matched it. No
    -- foreign key: a customer deleted later leaves the request (and its trail) as it was.
    customer_id        TEXT,
    -- In words, once completed or rejected: what was done, or why not.
    outcome            TEXT,
    -- When a handler last took the copy request's archive: it must have been before completing.
    archive_taken_at   BIGINT,
    -- A completed copy request: the SHA-256 of the token of the requester's download link,
    -- and until when it works.
    archive_hash       TEXT   UNIQUE,
    archive_expires_at BIGINT,
    closed_at          BIGINT,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, number),
    FOREIGN KEY (workspace_id, assignee_id) REFERENCES memberships (workspace_id, user_id)
);
CREATE INDEX privacy_requests_by_status ON privacy_requests (workspace_id, status, due_on);

-- Each step and note of a request, in order: the request's own timeline.
CREATE TABLE privacy_request_steps (
    id           TEXT   NOT NULL PRIMARY KEY,
    request_id   TEXT   NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- NULL: the requester (submitting, confirming) or the server.
    author_id    TEXT   REFERENCES users (id) ON DELETE SET NULL,
    -- The status it moved to; NULL for a note.
    status       TEXT,
    body         TEXT   NOT NULL DEFAULT '',
    -- Whether the requester was mailed about it.
    mailed       BIGINT NOT NULL DEFAULT 0 CHECK (mailed IN (0, 1)),
    at_ms        BIGINT NOT NULL
);
CREATE INDEX privacy_request_steps_by_request ON privacy_request_steps (workspace_id, request_id, at_ms);

-- How many days a workspace gives itself to answer; no row: 30.
CREATE TABLE privacy_settings (
    workspace_id TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    due_days     BIGINT NOT NULL CHECK (due_days BETWEEN 1 AND 90),
    updated_by   TEXT   REFERENCES users (id) ON DELETE SET NULL,
    updated_at   BIGINT NOT NULL
);

-- A workspace closed on request: deleted with everything in it once the grace period is over,
-- unless its Owner cancels first. One row per workspace; scheduling again after a cancel
-- replaces it.
CREATE TABLE workspace_closures (
    workspace_id TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    request_id   TEXT   NOT NULL,
    scheduled_by TEXT   REFERENCES users (id) ON DELETE SET NULL,
    scheduled_at BIGINT NOT NULL,
    delete_after BIGINT NOT NULL,
    cancelled_by TEXT   REFERENCES users (id) ON DELETE SET NULL,
    cancelled_at BIGINT
);

-- A customer erased on request keeps its id (orders and payments still name it) and nothing
-- that identifies the person; a restricted one may be read, not changed.
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
ALTER TABLE customers ADD COLUMN restricted_at BIGINT;

ALTER TABLE privacy_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE privacy_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON privacy_requests
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE privacy_request_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE privacy_request_steps FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON privacy_request_steps
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE privacy_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE privacy_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON privacy_settings
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE workspace_closures ENABLE ROW LEVEL SECURITY;
ALTER TABLE workspace_closures FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON workspace_closures
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
