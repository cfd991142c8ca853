-- Access reviews: a campaign snapshots who holds which role (all members, or holders of chosen
-- roles) with the role's keys and the person's last sign-in; reviewers keep or revoke each
-- assignment; revocations apply when the campaign closes, and each item's outcome stays with
-- the campaign as its report.
CREATE TABLE access_reviews (
    id              TEXT   NOT NULL PRIMARY KEY,
    workspace_id    TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number          BIGINT NOT NULL,
    name            TEXT   NOT NULL,
    -- The roles reviewed, by name, as the campaign began; empty: every role.
    scope           TEXT   NOT NULL,
    due_on          TEXT   NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('open', 'closed')),
    started_by      TEXT   REFERENCES users (id) ON DELETE SET NULL,
    started_at_ms   BIGINT NOT NULL,
    closed_by       TEXT   REFERENCES users (id) ON DELETE SET NULL,
    closed_at_ms    BIGINT,
    -- The UTC day the last reminder went; one a day at most.
    reminded_on     TEXT,
    UNIQUE (workspace_id, number)
);

CREATE TABLE access_review_items (
    review_id       TEXT   NOT NULL REFERENCES access_reviews (id) ON DELETE CASCADE,
    workspace_id    TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id         TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id         TEXT   NOT NULL,
    -- Snapshots: the report says what was reviewed even after a role is renamed or deleted.
    person_name     TEXT   NOT NULL,
    person_email    TEXT   NOT NULL,
    role_name       TEXT   NOT NULL,
    role_keys       TEXT   NOT NULL,
    last_sign_in_ms BIGINT,
    decision        TEXT   CHECK (decision IN ('keep', 'revoke')),
    decided_by      TEXT   REFERENCES users (id) ON DELETE SET NULL,
    decided_at_ms   BIGINT,
    outcome         TEXT,
    PRIMARY KEY (review_id, user_id, role_id)
);
CREATE INDEX access_review_items_by_workspace ON access_review_items (workspace_id, review_id);

ALTER TABLE access_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON access_reviews
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE access_review_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_review_items FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON access_review_items
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
