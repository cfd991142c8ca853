-- Alerts to a workspace's administrators: a burst of failed sign-ins on one account or from
-- one address, a role made to grant sensitive keys. One row per kind, subject (the account,
-- the address, the role) and hour, counting repeats, so a flood raises one alert an hour and
-- one mail.
CREATE TABLE alerts (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    hour         BIGINT NOT NULL,
    summary      TEXT   NOT NULL,
    first_at_ms  BIGINT NOT NULL,
    last_at_ms   BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    -- Set when the administrators' mail went (or is being sent); NULL: still to mail.
    mailed_at_ms BIGINT,
    UNIQUE (workspace_id, kind, subject, hour)
);

CREATE INDEX alerts_newest ON alerts (workspace_id, id);
CREATE INDEX alerts_unmailed ON alerts (mailed_at_ms);
-- Bursts from one address are counted at each failed step.
CREATE INDEX security_events_by_ip ON security_events (ip, created_at);
