//! Roles inside a workspace. Every workspace is created with the four base roles; their
//! permission contents arrive with the authorization work.

use crate::model::{RoleId, WorkspaceId};
use crate::permissions::{Permission, Resource, Scope};

use super::error::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseRole {
    Owner,
    Manager,
    Staff,
    Guest,
}

impl BaseRole {
    pub const ALL: [Self; 4] = [Self::Owner, Self::Manager, Self::Staff, Self::Guest];

    /// The value stored in `roles.base_role`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager => "manager",
            Self::Staff => "staff",
            Self::Guest => "guest",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Manager => "Manager",
            Self::Staff => "Staff",
            Self::Guest => "Guest",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Owner => "Full access, including billing. Cannot be edited or deleted.",
            Self::Manager => {
                "Manages users, teams, customers, orders and reports. No billing or subscription settings."
            }
            Self::Staff => "Works on the customers assigned to them. Read-only reports.",
            Self::Guest => "Read-only access to assigned records, without sensitive fields.",
        }
    }
}

/// Creates the four base roles in a new workspace; returns the Owner role's id.
impl BaseRole {
    /// What the role grants in a new workspace. The Owner role stores nothing: it holds every
    /// key, including keys added later. The others are starting points an admin can edit.
    pub fn default_permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::Owner => &[],
            Self::Manager => &[
                CustomersRead,
                CustomersWrite,
                CustomersDelete,
                CustomersExport,
                CustomersImport,
                CustomersSensitive,
                OrdersRead,
                OrdersWrite,
                OrdersProcess,
                OrdersRefund,
                OrdersCancel,
                PaymentsRead,
                ProductsRead,
                ProductsWrite,
                ProductsInventory,
                QuotesRead,
                QuotesWrite,
                TicketsRead,
                TicketsWrite,
                ReportsRead,
                ReportsCreate,
                AnalyticsRead,
                LicencesRead,
                DocumentsRead,
                DocumentsWrite,
                TeamRead,
                TeamWrite,
                RolesRead,
                RolesWrite,
                SettingsWrite,
                AuditRead,
            ],
            Self::Staff => &[
                CustomersRead,
                CustomersWrite,
                OrdersRead,
                OrdersWrite,
                ProductsRead,
                QuotesRead,
                QuotesWrite,
                TicketsRead,
                TicketsWrite,
                ReportsRead,
                DocumentsRead,
                DocumentsWrite,
                TeamRead,
            ],
            Self::Guest => &[
                CustomersRead,
                OrdersRead,
                ProductsRead,
                QuotesRead,
                TicketsRead,
                DocumentsRead,
            ],
        }
    }

    /// Whether the role starts allowed to export data and to act on many records at once.
    pub fn default_restrictions(self) -> (bool, bool) {
        match self {
            Self::Owner | Self::Manager => (true, true),
            Self::Staff | Self::Guest => (false, false),
        }
    }

    /// The data scope the role starts with for every resource.
    pub fn default_scope(self) -> Scope {
        match self {
            Self::Owner | Self::Manager => Scope::All,
            Self::Staff | Self::Guest => Scope::Assigned,
        }
    }
}

pub(crate) async fn create_base_roles(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    now_ms: i64,
) -> Result<RoleId, DomainError> {
    let mut owner = None;
    for base in BaseRole::ALL {
        let id = RoleId::fresh();
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, description, base_role, created_at, \
             allow_export, allow_bulk) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(workspace.as_str())
        .bind(base.name())
        .bind(base.description())
        .bind(base.key())
        .bind(now_ms)
        .bind(i64::from(base.default_restrictions().0))
        .bind(i64::from(base.default_restrictions().1))
        .execute(&mut *tx)
        .await?;
        for permission in base.default_permissions() {
            sqlx::query(
                "INSERT INTO role_permissions (workspace_id, role_id, permission) \
                 VALUES ($1, $2, $3)",
            )
            .bind(workspace.as_str())
            .bind(id.as_str())
            .bind(permission.key())
            .execute(&mut *tx)
            .await?;
        }
        if base != BaseRole::Owner {
            for resource in Resource::ALL {
                sqlx::query(
                    "INSERT INTO role_scopes (workspace_id, role_id, resource, scope) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(workspace.as_str())
                .bind(id.as_str())
                .bind(resource.key())
                .bind(base.default_scope().key())
                .execute(&mut *tx)
                .await?;
            }
        }
        if base == BaseRole::Owner {
            owner = Some(id);
        }
    }
    owner.ok_or_else(|| DomainError::Internal("no Owner among the base roles".into()))
}

/// The roles of the grant's workspace, for choosing one (invitations). Needs `team.read`.
/// How role lists are ordered: base roles from most to least powerful, then custom roles by
/// name. `table` is the roles table's name or alias in the query.
pub(crate) fn display_order(table: &str) -> String {
    format!(
        "CASE {table}.base_role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 WHEN 'staff' THEN 2 \
         WHEN 'guest' THEN 3 ELSE 4 END, {table}.name, {table}.id"
    )
}

pub async fn options(
    db: &super::db::Db,
    grant: &super::grants::Grant,
) -> Result<Vec<crate::model::RoleOption>, DomainError> {
    use sqlx::Row;
    let grant = grant.of(crate::permissions::Permission::TeamRead)?;
    let rows = sqlx::query(&format!(
        "SELECT id, name FROM roles WHERE workspace_id = $1 ORDER BY {}",
        display_order("roles")
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::model::RoleOption {
                id: RoleId::from_db(r.try_get("id")?),
                name: r.try_get("name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}
