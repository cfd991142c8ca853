//! Roles inside a workspace. Every workspace is created with the four base roles; their
//! permission contents arrive with the authorization work.

use crate::model::{RoleId, WorkspaceId};

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
pub(crate) async fn create_base_roles(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    now_ms: i64,
) -> Result<RoleId, DomainError> {
    let mut owner = None;
    for base in BaseRole::ALL {
        let id = RoleId::fresh();
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, description, base_role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_str())
        .bind(workspace.as_str())
        .bind(base.name())
        .bind(base.description())
        .bind(base.key())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if base == BaseRole::Owner {
            owner = Some(id);
        }
    }
    owner.ok_or_else(|| DomainError::Internal("no Owner among the base roles".into()))
}

/// The roles of the grant's workspace, for choosing one (invitations). Needs `team.read`.
pub async fn options(
    db: &super::db::Db,
    grant: &super::grants::Grant,
) -> Result<Vec<crate::model::RoleOption>, DomainError> {
    use sqlx::Row;
    let grant = grant.of(crate::permissions::Permission::TeamRead)?;
    // Base roles in their fixed order (Owner first), then custom roles by name.
    let rows = sqlx::query(
        "SELECT id, name FROM roles WHERE workspace_id = $1 ORDER BY \
         CASE base_role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 WHEN 'staff' THEN 2 \
         WHEN 'guest' THEN 3 ELSE 4 END, name",
    )
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
