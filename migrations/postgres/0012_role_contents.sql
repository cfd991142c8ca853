-- What a role grants: permission keys, a data scope per resource, restrictions, and an optional
-- parent whose permissions it inherits. The Owner role stores nothing: it holds every key,
-- including keys added later. Until now base roles' keys lived in code; the backfill below
-- gives existing workspaces' base roles the same starting contents new workspaces get
-- (`BaseRole::default_permissions` / `default_scope` as of this migration).

ALTER TABLE roles ADD COLUMN parent_role_id TEXT REFERENCES roles (id) ON DELETE SET NULL;
ALTER TABLE roles ADD COLUMN allow_export BIGINT NOT NULL DEFAULT 0 CHECK (allow_export IN (0, 1));
ALTER TABLE roles ADD COLUMN allow_bulk BIGINT NOT NULL DEFAULT 0 CHECK (allow_bulk IN (0, 1));
-- NULL: no limit on how many records a list shows.
ALTER TABLE roles ADD COLUMN max_records BIGINT CHECK (max_records >= 1);

CREATE TABLE role_permissions (
    workspace_id TEXT NOT NULL,
    role_id      TEXT NOT NULL,
    permission   TEXT NOT NULL,
    PRIMARY KEY (role_id, permission),
    FOREIGN KEY (workspace_id, role_id) REFERENCES roles (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE role_scopes (
    workspace_id TEXT NOT NULL,
    role_id      TEXT NOT NULL,
    resource     TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('all', 'department', 'team', 'assigned')),
    PRIMARY KEY (role_id, resource),
    FOREIGN KEY (workspace_id, role_id) REFERENCES roles (workspace_id, id) ON DELETE CASCADE
);

INSERT INTO role_permissions (workspace_id, role_id, permission)
SELECT r.workspace_id, r.id, d.permission
FROM roles r JOIN (
    SELECT 'manager' AS base_role, 'customers.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'customers.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'customers.delete' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'customers.export' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'customers.import' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'customers.sensitive' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'orders.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'orders.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'orders.process' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'orders.refund' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'orders.cancel' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'payments.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'products.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'products.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'products.inventory' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'quotes.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'quotes.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'tickets.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'tickets.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'reports.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'reports.create' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'analytics.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'licences.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'documents.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'documents.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'team.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'team.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'roles.read' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'roles.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'settings.write' AS permission
    UNION ALL
    SELECT 'manager' AS base_role, 'audit.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'customers.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'customers.write' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'orders.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'orders.write' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'products.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'quotes.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'quotes.write' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'tickets.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'tickets.write' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'reports.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'documents.read' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'documents.write' AS permission
    UNION ALL
    SELECT 'staff' AS base_role, 'team.read' AS permission
    UNION ALL
    SELECT 'guest' AS base_role, 'customers.read' AS permission
    UNION ALL
    SELECT 'guest' AS base_role, 'orders.read' AS permission
    UNION ALL
    SELECT 'guest' AS base_role, 'products.read' AS permission
    UNION ALL
    SELECT 'guest' AS base_role, 'quotes.read' AS permission
    UNION ALL
    SELECT 'guest' AS base_role, 'tickets.read' AS permission
    UNION ALL
    SELECT 'guest' AS base_role, 'documents.read' AS permission
) d ON d.base_role = r.base_role;

INSERT INTO role_scopes (workspace_id, role_id, resource, scope)
SELECT r.workspace_id, r.id, x.resource,
       CASE r.base_role WHEN 'manager' THEN 'all' ELSE 'assigned' END
FROM roles r CROSS JOIN (
    SELECT 'customers' AS resource
    UNION ALL
    SELECT 'orders' AS resource
    UNION ALL
    SELECT 'quotes' AS resource
    UNION ALL
    SELECT 'tickets' AS resource
    UNION ALL
    SELECT 'licences' AS resource
    UNION ALL
    SELECT 'documents' AS resource
) x
WHERE r.base_role IN ('manager', 'staff', 'guest');

-- Managers may export and act in bulk (`BaseRole::default_restrictions`).
UPDATE roles SET allow_export = 1, allow_bulk = 1 WHERE base_role = 'manager';
