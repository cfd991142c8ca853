-- Automations: a record event (and conditions on the record) starts an ordered list of steps,
-- run by a worker under a role of the automation's own that never exceeds its author's. Runs are
-- written in the transaction of the change that starts them, so none is lost or invented.
--
-- `automation_runs` is the work queue, outside row-level security like `webhook_deliveries`:
-- workers claim runs of every workspace. What a run did is in `automation_steps`, inside it.
CREATE TABLE automations (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- The record event that starts it (`ticket.create`).
    trigger_event TEXT  NOT NULL,
    -- JSON: every condition must hold of the record for a run to start.
    conditions   TEXT   NOT NULL DEFAULT '[]',
    -- JSON: the ordered steps.
    steps        TEXT   NOT NULL,
    -- The role it acts under, narrowed at each run to what its author holds then.
    role_id      TEXT   NOT NULL,
    enabled      BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_by   TEXT   NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, name),
    FOREIGN KEY (workspace_id, role_id) REFERENCES roles (workspace_id, id)
);
CREATE INDEX automations_by_trigger ON automations (workspace_id, trigger_event);

-- One run, written with the change that started it (in its transaction). Its steps and what
-- they did are in `automation_steps`; this row is the work queue workers claim from.
CREATE TABLE automation_runs (
    id            TEXT   NOT NULL PRIMARY KEY,
    workspace_id  TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    automation_id TEXT   NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    event_type    TEXT   NOT NULL,
    record_id     TEXT   NOT NULL,
    -- 1 for a person's change; an automation's change starts runs one deeper. Past 3 a run
    -- is written as `cut` and does nothing: loops end.
    depth         BIGINT NOT NULL,
    status        TEXT   NOT NULL
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cut')),
    -- A worker holds the run until then; one that dies lets it go.
    claimed_until BIGINT,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX automation_runs_due ON automation_runs (status, created_at);
CREATE INDEX automation_runs_by_automation ON automation_runs (automation_id, created_at);

CREATE TABLE automation_steps (
    run_id       TEXT   NOT NULL REFERENCES automation_runs (id) ON DELETE CASCADE,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    action       TEXT   NOT NULL,
    outcome      TEXT   NOT NULL CHECK (outcome IN ('done', 'failed', 'skipped')),
    detail       TEXT   NOT NULL DEFAULT '',
    at_ms        BIGINT NOT NULL,
    PRIMARY KEY (run_id, position)
);

-- Where a round-robin step is in its team: the member it gave the last record to.
CREATE TABLE automation_rotations (
    automation_id TEXT   NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    workspace_id  TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    last_user_id  TEXT   NOT NULL,
    PRIMARY KEY (automation_id, position)
);

ALTER TABLE automations ENABLE ROW LEVEL SECURITY;
ALTER TABLE automations FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON automations
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE automation_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_steps FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON automation_steps
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE automation_rotations ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_rotations FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON automation_rotations
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
