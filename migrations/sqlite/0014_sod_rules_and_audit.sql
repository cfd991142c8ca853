-- Segregation of duties: pairs of permission keys one person may not hold together. And the
-- audit log of changes to who may do what, with the state before and after (JSON).

CREATE TABLE sod_rules (
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    permission_a TEXT   NOT NULL,
    permission_b TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, permission_a, permission_b),
    CHECK (permission_a < permission_b)
);

INSERT INTO sod_rules (workspace_id, permission_a, permission_b, created_at)
SELECT id, 'payments.process', 'payments.reconcile', created_at FROM workspaces;
INSERT INTO sod_rules (workspace_id, permission_a, permission_b, created_at)
SELECT id, 'orders.refund', 'payments.reconcile', created_at FROM workspaces;

CREATE TABLE audit_log (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id     TEXT   REFERENCES users (id) ON DELETE SET NULL,
    action       TEXT   NOT NULL,
    target       TEXT   NOT NULL,
    before_state TEXT,
    after_state  TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, created_at);
