-- The dashboard's figures read from indexes alone. Measured with `scripts/bench-scale 34`
-- (Northwind Traders with ~100,000 orders): the open orders and quotes were counted and summed
-- by reading every document of the workspace, the revenue chart by reading its payments'
-- rows, and "my open tickets" by reading all of the person's tickets.

-- Open documents by status, then assignee (the "assigned" scope seeks straight to a person's),
-- with what the sums and the team scope read.
CREATE INDEX orders_open_figures ON orders
    (workspace_id, status, assigned_user_id, currency, total_minor, team_id);
CREATE INDEX quotes_open_figures ON quotes
    (workspace_id, status, assigned_user_id, valid_until, currency, total_minor, team_id);
-- Revenue per week: the days in range, with the amounts and the order (for the scope).
CREATE INDEX payments_revenue ON payments
    (workspace_id, paid_on, currency, amount_minor, refunded_minor, order_id);
-- A person's open tickets, last touched first.
CREATE INDEX tickets_mine ON tickets (workspace_id, assigned_user_id, status, updated_at);
