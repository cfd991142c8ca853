-- Alert thresholds a workspace sets for itself (the defaults apply while it has no row):
-- failed sign-in steps on one account or from one address within 15 minutes, and refusals of
-- one sensitive key to one person within a minute.
CREATE TABLE alert_settings (
    workspace_id  TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    account_burst BIGINT NOT NULL CHECK (account_burst BETWEEN 2 AND 1000),
    address_burst BIGINT NOT NULL CHECK (address_burst BETWEEN 2 AND 1000),
    refusal_burst BIGINT NOT NULL CHECK (refusal_burst BETWEEN 2 AND 1000),
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT   REFERENCES users (id) ON DELETE SET NULL
);

-- Until when each member has seen the workspace's alerts: the navigation counts the alerts
-- that changed after it.
CREATE TABLE alert_reads (
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seen_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX alerts_by_last ON alerts (workspace_id, last_at_ms);

-- Where and with what each member has signed in to the workspace: an address, and a device
-- (the user agent with its version numbers blanked, so a browser update is not a new device).
-- An administrator's sign-in from one not seen before raises an alert.
CREATE TABLE sign_in_origins (
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL CHECK (kind IN ('address', 'device')),
    value        TEXT   NOT NULL,
    first_at_ms  BIGINT NOT NULL,
    last_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, kind, value)
);
