-- Products: the workspace's catalogue (every holder of products.read sees all of it). Prices are
-- whole minor units of an ISO 4217 currency, never floats; stock is tracked only when set.
-- A workspace has a default currency for new prices.

ALTER TABLE workspaces ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';

CREATE TABLE products (
    id               TEXT   NOT NULL PRIMARY KEY,
    workspace_id     TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    sku              TEXT   NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
    -- The SKU lower-cased: unique per workspace whatever its case.
    sku_key          TEXT   NOT NULL,
    name             TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_key         TEXT   NOT NULL,
    description      TEXT   NOT NULL DEFAULT '',
    unit_price_minor BIGINT NOT NULL DEFAULT 0 CHECK (unit_price_minor >= 0),
    currency         TEXT   NOT NULL CHECK (length(currency) = 3),
    -- NULL: stock is not tracked for this product.
    stock            BIGINT CHECK (stock IS NULL OR stock >= 0),
    active           BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       TEXT,
    UNIQUE (workspace_id, sku_key),
    UNIQUE (workspace_id, id)
);

CREATE INDEX products_by_name ON products (workspace_id, name_key, id);

-- The second wall, as for every record table (0015): outside a workspace transaction the
-- application's role sees and writes no product.
ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE products FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON products
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
