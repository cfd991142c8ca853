-- Teams and departments back the `team` and `department` data scopes; customers are the first
-- workspace-owned record, each assigned to a member and optionally a team.

CREATE TABLE departments (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name),
    UNIQUE (workspace_id, id)
);

-- A member belongs to at most one department.
ALTER TABLE memberships ADD COLUMN department_id TEXT REFERENCES departments (id) ON DELETE SET NULL;

CREATE TABLE teams (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name),
    UNIQUE (workspace_id, id)
);

-- A member may be in several teams.
CREATE TABLE team_members (
    workspace_id TEXT NOT NULL,
    team_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_by_user ON team_members (workspace_id, user_id);

CREATE TABLE customers (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name             TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The name lower-cased: the list's sort key and search target.
    name_key         TEXT   NOT NULL,
    email            TEXT   NOT NULL DEFAULT '',
    phone            TEXT   NOT NULL DEFAULT '',
    company          TEXT   NOT NULL DEFAULT '',
    -- Sensitive: removed on the server for roles without customers.sensitive.
    tax_id           TEXT   NOT NULL DEFAULT '',
    notes            TEXT   NOT NULL DEFAULT '',
    assigned_user_id TEXT,
    team_id          TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       TEXT   REFERENCES users (id) ON DELETE SET NULL,
    -- The assignee and team must belong to the record's workspace.
    FOREIGN KEY (workspace_id, assigned_user_id) REFERENCES memberships (workspace_id, user_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
);
-- Keyset pagination by name within a workspace, and the assigned/team scopes.
CREATE INDEX customers_by_name ON customers (workspace_id, name_key, id);
CREATE INDEX customers_by_assignee ON customers (workspace_id, assigned_user_id, name_key, id);
CREATE INDEX customers_by_team ON customers (workspace_id, team_id, name_key, id);
