-- Invitations to join a workspace with a role. The link's token is stored only as a SHA-256.
CREATE TABLE invitations (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT   NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    email_key    TEXT   NOT NULL,
    role_id      TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL UNIQUE,
    invited_by   TEXT   REFERENCES users (id) ON DELETE SET NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    revoked_at   BIGINT,
    created_at   BIGINT NOT NULL,
    -- The role must belong to the invitation's workspace.
    FOREIGN KEY (workspace_id, role_id) REFERENCES roles (workspace_id, id) ON DELETE CASCADE
);
-- One open invitation per address and workspace: a second invite is a resend.
CREATE UNIQUE INDEX invitations_open ON invitations (workspace_id, email_key)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- The workspace a session is working in, copied from its data like the user id, so a workspace
-- admin can end a person's sessions in that workspace without touching their others.
ALTER TABLE sessions ADD COLUMN workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE;
CREATE INDEX sessions_by_workspace_user ON sessions (workspace_id, user_id);
