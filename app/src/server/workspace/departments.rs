//! Departments: each member belongs to at most one; they back the `department` data scope
//! (records assigned to anyone in one's department). Every change is in the audit log.

use sqlx::Row;

use crate::model::{DepartmentId, UserId};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;

/// Creates a department in the grant's workspace; returns its id. Needs `team.write`.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    name: &str,
) -> Result<DepartmentId, DomainError> {
    let name = LineField {
        field: "name",
        subject: "The department name",
        empty_message: "Name the department.",
        max_chars: 60,
    }
    .clean(name)?;
    let id = DepartmentId::fresh();
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "INSERT INTO departments (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&name)
    .bind(clock.now_ms())
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::invalid("name", "A department with this name already exists.")
        })
    })?;
    let change = Change {
        action: "department.create",
        target: id.as_str(),
        before: None,
        after: Some(serde_json::json!({ "name": name })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes department `id`; its members are left without one. Needs `team.write`.
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    id: &DepartmentId,
) -> Result<(), DomainError> {
    let workspace = grant.workspace().as_str();
    let mut tx = grant.begin(db, true).await?;
    let name: String =
        sqlx::query("SELECT name FROM departments WHERE workspace_id = $1 AND id = $2")
            .bind(workspace)
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(DomainError::NotFound)?
            .try_get("name")?;
    sqlx::query(
        "UPDATE memberships SET department_id = NULL WHERE workspace_id = $1 AND department_id = $2",
    )
    .bind(workspace)
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM departments WHERE workspace_id = $1 AND id = $2")
        .bind(workspace)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let change = Change {
        action: "department.delete",
        target: id.as_str(),
        before: Some(serde_json::json!({ "name": name })),
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts member `user` in department `department` (`None`: no department). Both must be of the grant's
/// workspace: an unknown member is `NotFound`, an unknown department an error on the field.
/// Needs `team.write`.
pub async fn set_for_member(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    user: &UserId,
    department: Option<&DepartmentId>,
) -> Result<(), DomainError> {
    let workspace = grant.workspace().as_str();
    let mut tx = grant.begin(db, true).await?;
    let before: Option<String> = sqlx::query(
        "SELECT department_id FROM memberships WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace)
    .bind(user.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?
    .try_get("department_id")?;
    let department = department.map(DepartmentId::as_str);
    if let Some(d) = department {
        sqlx::query("SELECT 1 FROM departments WHERE workspace_id = $1 AND id = $2")
            .bind(workspace)
            .bind(d)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                DomainError::invalid("department_id", "Choose a department of this workspace.")
            })?;
    }
    sqlx::query(
        "UPDATE memberships SET department_id = $1 WHERE workspace_id = $2 AND user_id = $3",
    )
    .bind(department)
    .bind(workspace)
    .bind(user.as_str())
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "department.set_member",
        target: user.as_str(),
        before: Some(serde_json::json!({ "department_id": before })),
        after: Some(serde_json::json!({ "department_id": department })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}
