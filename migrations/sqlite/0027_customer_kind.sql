-- A customer is a company (with contact persons) or a person. Rows written before this column
-- existed are read by what they hold: a customer who names the company they buy for is a
-- person; one without is taken to be a company.
ALTER TABLE customers ADD COLUMN kind TEXT NOT NULL DEFAULT 'company'
    CHECK (kind IN ('company', 'person'));
UPDATE customers SET kind = 'person' WHERE company <> '';
-- The list's kind filter within a workspace.
CREATE INDEX customers_by_kind ON customers (workspace_id, kind, name_key, id);
