-- Support tickets: a customer's question or problem, worked by a person and maybe a team, with
-- a thread of messages — public replies (the conversation with the customer) and internal
-- notes (for the workspace only). A ticket may wait unassigned in its team's queue: then only
-- roles whose scope reaches the team, or everything, see it. Status runs open → pending →
-- resolved → closed (pending and resolved may return to open; closed is final).

CREATE TABLE tickets (
    id                TEXT   NOT NULL PRIMARY KEY,
    workspace_id      TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- T-<number>, counted per workspace.
    number            BIGINT NOT NULL CHECK (number > 0),
    subject           TEXT   NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    subject_key       TEXT   NOT NULL,
    customer_id       TEXT   NOT NULL,
    status            TEXT   NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    priority          TEXT   NOT NULL DEFAULT 'normal'
                      CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    -- NULL: unassigned, waiting in the team's queue.
    assigned_user_id  TEXT,
    team_id           TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    status_changed_at BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    created_by        TEXT   REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id),
    FOREIGN KEY (workspace_id, assigned_user_id) REFERENCES memberships (workspace_id, user_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
);
CREATE INDEX tickets_by_number ON tickets (workspace_id, number, id);
CREATE INDEX tickets_by_assignee ON tickets (workspace_id, assigned_user_id, number);
CREATE INDEX tickets_by_team ON tickets (workspace_id, team_id, number);
CREATE INDEX tickets_by_customer ON tickets (workspace_id, customer_id);
CREATE INDEX tickets_by_status ON tickets (workspace_id, status, number);

CREATE TABLE ticket_messages (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    ticket_id    TEXT   NOT NULL,
    -- 'reply': part of the conversation with the customer; 'note': internal.
    kind         TEXT   NOT NULL CHECK (kind IN ('reply', 'note')),
    body         TEXT   NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    author_id    TEXT   REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (workspace_id, ticket_id, created_at);

-- The second wall, as for every record table (0015).
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tickets
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON ticket_messages
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
