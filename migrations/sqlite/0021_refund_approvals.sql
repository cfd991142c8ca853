-- Approval of sensitive operations: a refund above the workspace's threshold becomes a request
-- that another holder of orders.refund approves (the refund then happens, in the same
-- transaction) or rejects, with a comment. Requests expire after the workspace's number of days.

-- NULL: refunds need no approval.
ALTER TABLE workspaces ADD COLUMN refund_approval_over_minor BIGINT
    CHECK (refund_approval_over_minor IS NULL OR refund_approval_over_minor >= 0);
ALTER TABLE workspaces ADD COLUMN approval_expiry_days BIGINT NOT NULL DEFAULT 7
    CHECK (approval_expiry_days BETWEEN 1 AND 90);

-- Who approved a refund that needed it (the requester is refunded_by).
ALTER TABLE refunds ADD COLUMN approved_by TEXT REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE approval_requests (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    payment_id       TEXT   NOT NULL,
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    reason           TEXT   NOT NULL,
    -- pending until decided; a pending request past expires_at reads as expired.
    status           TEXT   NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by     TEXT   REFERENCES users (id) ON DELETE SET NULL,
    requested_at     BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    decided_by       TEXT   REFERENCES users (id) ON DELETE SET NULL,
    decided_at       BIGINT,
    comment          TEXT   NOT NULL DEFAULT '',
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, payment_id) REFERENCES payments (workspace_id, id)
);
CREATE INDEX approval_requests_pending ON approval_requests (workspace_id, status, requested_at);
