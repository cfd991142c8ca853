-- Lists sort by more than their own order (the column headings of every record list), and
-- keyset pages seek by (column, id) within a workspace: one index per sortable column, so a
-- sorted page reads its rows in order instead of sorting the workspace's records.
CREATE INDEX customers_by_email ON customers (workspace_id, email, id);
CREATE INDEX products_by_sku ON products (workspace_id, sku_key, id);
CREATE INDEX products_by_price ON products (workspace_id, unit_price_minor, id);
CREATE INDEX quotes_by_title ON quotes (workspace_id, title_key, id);
CREATE INDEX quotes_by_total ON quotes (workspace_id, total_minor, id);
CREATE INDEX quotes_by_valid_until ON quotes (workspace_id, valid_until, id);
CREATE INDEX orders_by_total ON orders (workspace_id, total_minor, id);
CREATE INDEX licences_by_seats ON licences (workspace_id, seats, id);
CREATE INDEX licences_by_valid_until ON licences (workspace_id, valid_until, id);
CREATE INDEX tickets_by_subject ON tickets (workspace_id, subject_key, id);
-- The days-created filter on the busiest list.
CREATE INDEX orders_by_created ON orders (workspace_id, created_at, id);
