-- Quotes and orders: documents of a customer with line items copied from the catalogue.
-- Amounts are whole minor units of the document's currency; the server computes every total
-- (money.rs) and stores it with the lines it came from, in one transaction. Each document is
-- assigned to a person and maybe a team, so every data scope applies; a quote's status is
-- draft, sent, accepted or declined (a sent quote past its date reads as expired); an order's
-- is draft, confirmed, processed, fulfilled or cancelled.

-- The tax rate of the workspace in basis points (2000 = 20 %), taken once on a document's
-- subtotal.
ALTER TABLE workspaces ADD COLUMN tax_rate_bp BIGINT NOT NULL DEFAULT 0
    CHECK (tax_rate_bp BETWEEN 0 AND 10000);

-- Lets documents name their customer together with its workspace.
CREATE UNIQUE INDEX customers_workspace_and_id ON customers (workspace_id, id);

CREATE TABLE quotes (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Q-<number>, counted per workspace.
    number           BIGINT NOT NULL CHECK (number > 0),
    customer_id      TEXT   NOT NULL,
    title            TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    title_key        TEXT   NOT NULL,
    status           TEXT   NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'sent', 'accepted', 'declined')),
    -- The last day the offer stands, YYYY-MM-DD.
    valid_until      TEXT   NOT NULL CHECK (length(valid_until) = 10),
    currency         TEXT   NOT NULL CHECK (length(currency) = 3),
    tax_rate_bp      BIGINT NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    subtotal_minor   BIGINT NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
    tax_minor        BIGINT NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor      BIGINT NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    notes            TEXT   NOT NULL DEFAULT '',
    assigned_user_id TEXT   NOT NULL,
    team_id          TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       TEXT   REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id),
    FOREIGN KEY (workspace_id, assigned_user_id) REFERENCES memberships (workspace_id, user_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
);
CREATE INDEX quotes_by_number ON quotes (workspace_id, number, id);
CREATE INDEX quotes_by_assignee ON quotes (workspace_id, assigned_user_id, number);
CREATE INDEX quotes_by_team ON quotes (workspace_id, team_id, number);
CREATE INDEX quotes_by_customer ON quotes (workspace_id, customer_id);

CREATE TABLE orders (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- O-<number>, counted per workspace.
    number           BIGINT NOT NULL CHECK (number > 0),
    customer_id      TEXT   NOT NULL,
    -- The accepted quote it was made from; a quote becomes at most one order.
    quote_id         TEXT,
    status           TEXT   NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'confirmed', 'processed', 'fulfilled', 'cancelled')),
    currency         TEXT   NOT NULL CHECK (length(currency) = 3),
    tax_rate_bp      BIGINT NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    subtotal_minor   BIGINT NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
    tax_minor        BIGINT NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor      BIGINT NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    notes            TEXT   NOT NULL DEFAULT '',
    assigned_user_id TEXT   NOT NULL,
    team_id          TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    -- When the status last changed (the dashboard's revenue counts confirmed orders by it).
    status_changed_at BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       TEXT   REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, id),
    UNIQUE (workspace_id, quote_id),
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id),
    FOREIGN KEY (workspace_id, quote_id) REFERENCES quotes (workspace_id, id),
    FOREIGN KEY (workspace_id, assigned_user_id) REFERENCES memberships (workspace_id, user_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
);
CREATE INDEX orders_by_number ON orders (workspace_id, number, id);
CREATE INDEX orders_by_assignee ON orders (workspace_id, assigned_user_id, number);
CREATE INDEX orders_by_team ON orders (workspace_id, team_id, number);
CREATE INDEX orders_by_customer ON orders (workspace_id, customer_id);

-- Line items. The product's SKU, name and price are copied when the line is added, so a later
-- change to the catalogue (or the product's deletion) leaves the document as it was agreed.
CREATE TABLE quote_lines (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    quote_id         TEXT   NOT NULL,
    position         BIGINT NOT NULL,
    product_id       TEXT,
    sku              TEXT   NOT NULL,
    name             TEXT   NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    discount_bp      BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    total_minor      BIGINT NOT NULL CHECK (total_minor >= 0),
    UNIQUE (quote_id, position),
    FOREIGN KEY (workspace_id, quote_id) REFERENCES quotes (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE order_lines (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    order_id         TEXT   NOT NULL,
    position         BIGINT NOT NULL,
    product_id       TEXT,
    sku              TEXT   NOT NULL,
    name             TEXT   NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    discount_bp      BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    total_minor      BIGINT NOT NULL CHECK (total_minor >= 0),
    UNIQUE (order_id, position),
    FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id) ON DELETE CASCADE
);

-- The second wall, as for every record table (0015).
ALTER TABLE quotes ENABLE ROW LEVEL SECURITY;
ALTER TABLE quotes FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON quotes
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON orders
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE quote_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE quote_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON quote_lines
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE order_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON order_lines
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
