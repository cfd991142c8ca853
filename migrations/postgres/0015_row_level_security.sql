-- Row-level security: a second wall behind the grant-bound queries. Each workspace-owned record
-- table shows and accepts only the rows of the workspace set for the current transaction
-- (`SELECT set_config('gatehouse.workspace_id', <id>, true)`, done by `Db::begin_in`); a
-- statement run without it sees nothing and can write nothing. FORCE makes the policies apply
-- to the tables' owner too. A superuser or BYPASSRLS role skips them: run Gatehouse as an
-- ordinary role (the server warns at start otherwise). Foreign-key checks and cascades are not
-- subject to policies, so deleting a workspace still removes its rows.
--
-- The identity and authorization tables (users, memberships, roles and assignments, sessions,
-- invitations, settings) stay outside: sign-in reads them before any workspace is chosen.

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON customers
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON teams
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE team_members FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON team_members
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE departments ENABLE ROW LEVEL SECURITY;
ALTER TABLE departments FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON departments
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON audit_log
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));

ALTER TABLE sod_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE sod_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON sod_rules
    USING (workspace_id = current_setting('gatehouse.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('gatehouse.workspace_id', true));
