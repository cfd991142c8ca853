-- Payments against orders, and refunds of them. A payment is reached through its order (the
-- order's data scope decides who sees it); its reference (card or bank details) is sensitive.
-- Amounts are whole minor units of the order's currency. Who processed, refunded and
-- reconciled a payment is kept: nobody reconciles a payment they processed or refunded.

CREATE TABLE payments (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    order_id         TEXT   NOT NULL,
    method           TEXT   NOT NULL CHECK (method IN ('card', 'bank_transfer', 'cash', 'other')),
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    refunded_minor   BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    currency         TEXT   NOT NULL CHECK (length(currency) = 3),
    -- Sensitive: shown only to holders of payments.read.
    reference        TEXT   NOT NULL DEFAULT '',
    -- The day the money arrived, YYYY-MM-DD.
    paid_on          TEXT   NOT NULL CHECK (length(paid_on) = 10),
    processed_by     TEXT   REFERENCES users (id) ON DELETE SET NULL,
    processed_at     BIGINT NOT NULL,
    reconciled_by    TEXT   REFERENCES users (id) ON DELETE SET NULL,
    reconciled_at    BIGINT,
    version          BIGINT NOT NULL DEFAULT 1,
    updated_at       BIGINT NOT NULL,
    CHECK (refunded_minor <= amount_minor),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id)
);
CREATE INDEX payments_by_order ON payments (workspace_id, order_id, paid_on, id);
CREATE INDEX payments_by_day ON payments (workspace_id, paid_on, id);

CREATE TABLE refunds (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    payment_id       TEXT   NOT NULL,
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    reason           TEXT   NOT NULL DEFAULT '',
    refunded_by      TEXT   REFERENCES users (id) ON DELETE SET NULL,
    created_at       BIGINT NOT NULL,
    FOREIGN KEY (workspace_id, payment_id) REFERENCES payments (workspace_id, id)
);
CREATE INDEX refunds_by_payment ON refunds (workspace_id, payment_id, created_at);

-- The second wall, as for every record table (0015).
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE payments FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON payments
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
ALTER TABLE refunds FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON refunds
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
