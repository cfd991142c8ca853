-- The reviewers named when a campaign starts: only they decide its items and they get its
-- reminders. A campaign that names none is decided by every holder of team.write, as before.
CREATE TABLE access_review_reviewers (
    review_id    TEXT NOT NULL REFERENCES access_reviews (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Snapshot: the report names them even after they leave.
    person_name  TEXT NOT NULL,
    PRIMARY KEY (review_id, user_id)
);
CREATE INDEX access_review_reviewers_by_workspace ON access_review_reviewers (workspace_id, review_id);
