-- People, their memberships in workspaces, and the roles those memberships carry.
-- Role contents (permission keys, scopes) arrive with the authorization work; the rows exist
-- from sign-up on so that every membership has a role from its first moment.

CREATE TABLE users (
    id                  TEXT    NOT NULL PRIMARY KEY,
    email               TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    -- The address lower-cased: addresses are unique and compared without regard to case.
    email_key           TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash       TEXT    NOT NULL,
    password_changed_at BIGINT  NOT NULL,
    email_verified_at   BIGINT,
    created_at          BIGINT  NOT NULL
);

CREATE TABLE roles (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    description  TEXT   NOT NULL DEFAULT '',
    -- Set for the four roles every workspace is created with; NULL for custom roles.
    base_role    TEXT   CHECK (base_role IN ('owner', 'manager', 'staff', 'guest')),
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name),
    UNIQUE (workspace_id, base_role),
    -- Lets assignments prove, in the schema, that a role belongs to the assignment's workspace.
    UNIQUE (workspace_id, id)
);

CREATE TABLE memberships (
    workspace_id   TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id        TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deactivated_at BIGINT,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE role_assignments (
    workspace_id TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    role_id      TEXT   NOT NULL,
    expires_at   BIGINT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, role_id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, role_id) REFERENCES roles (workspace_id, id) ON DELETE CASCADE
);

-- Earlier password hashes, so a policy can refuse reuse of the last N.
CREATE TABLE password_history (
    id            TEXT   NOT NULL PRIMARY KEY,
    user_id       TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_id, created_at);
