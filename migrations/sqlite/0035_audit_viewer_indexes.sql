-- The audit viewer's filters, each served by an index in the viewer's own order (newest id
-- first): by person, by action (a family is a range of actions), by target, and unfiltered.
CREATE INDEX audit_log_by_actor ON audit_log (workspace_id, actor_ref, id);
CREATE INDEX audit_log_by_action ON audit_log (workspace_id, action, id);
CREATE INDEX audit_log_by_target ON audit_log (workspace_id, target, id);
CREATE INDEX audit_log_by_id ON audit_log (workspace_id, id);
