-- A customer's parts: the contact persons at a company, its addresses and its tags. They live
-- and die with the customer (ON DELETE CASCADE), never reach another workspace's customer (the
-- composite key), and change the customer's version when they change, so an edit based on an
-- older view of the customer is refused.

CREATE TABLE customer_contacts (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id  TEXT   NOT NULL,
    name         TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Their role at the company: "Buyer", "CFO".
    role         TEXT   NOT NULL DEFAULT '' CHECK (length(role) <= 100),
    email        TEXT   NOT NULL DEFAULT '',
    phone        TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_contacts_by_customer ON customer_contacts (workspace_id, customer_id, created_at);

CREATE TABLE customer_addresses (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id  TEXT   NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('billing', 'shipping', 'office')),
    street       TEXT   NOT NULL CHECK (length(street) BETWEEN 1 AND 200),
    city         TEXT   NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    postcode     TEXT   NOT NULL DEFAULT '' CHECK (length(postcode) <= 20),
    -- ISO 3166-1 alpha-2, upper case.
    country      TEXT   NOT NULL CHECK (length(country) = 2),
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_addresses_by_customer ON customer_addresses (workspace_id, customer_id, created_at);

CREATE TABLE customer_tags (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id  TEXT NOT NULL,
    tag          TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
    -- The tag lower-cased: one customer carries a tag once, whatever its case, and the list's
    -- tag filter seeks by it.
    tag_key      TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag_key),
    FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_tags_by_tag ON customer_tags (workspace_id, tag_key, customer_id);

-- The second wall, as for every record table (0015).
ALTER TABLE customer_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON customer_contacts
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE customer_addresses ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_addresses FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON customer_addresses
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
ALTER TABLE customer_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON customer_tags
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
