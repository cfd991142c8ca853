-- Mail that an automation's step sends: written in the step's transaction (a step rolled back
-- sends nothing), sent after it by a worker, retried with back-off, each message once.
-- `automation_mails` holds the message; `automation_mail_queue` only when its next attempt is
-- due, so a worker can claim across workspaces without reading their messages.
CREATE TABLE automation_mails (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    run_id       TEXT   NOT NULL REFERENCES automation_runs (id) ON DELETE CASCADE,
    to_address   TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    body         TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    -- The last attempt's error, in words; empty once sent.
    error        TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX automation_mails_by_run ON automation_mails (run_id);

CREATE TABLE automation_mail_queue (
    mail_id       TEXT   NOT NULL PRIMARY KEY REFERENCES automation_mails (id) ON DELETE CASCADE,
    workspace_id  TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    due_at        BIGINT NOT NULL,
    -- A worker holds the mail until then; one that dies lets it go.
    claimed_until BIGINT
);
CREATE INDEX automation_mail_queue_due ON automation_mail_queue (due_at);

ALTER TABLE automation_mails ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_mails FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON automation_mails
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
