-- Login hours: when the holders of a role may use the workspace, in the workspace's time zone.
-- A person may use it whenever any of their roles allows (a role without hours always does).

ALTER TABLE workspace_settings ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE login_hours (
    role_id      TEXT   NOT NULL PRIMARY KEY REFERENCES roles (id) ON DELETE CASCADE,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Weekdays as bits: 1 = Monday … 64 = Sunday.
    days         BIGINT NOT NULL CHECK (days BETWEEN 1 AND 127),
    -- Minutes after local midnight; the window is [start, end).
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   BIGINT NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT   REFERENCES users (id) ON DELETE SET NULL,
    CHECK (start_minute < end_minute)
);
CREATE INDEX login_hours_by_workspace ON login_hours (workspace_id);
