//! Segregation of duties: pairs of keys one person may not hold together, per workspace.
//! Every new workspace starts with the pairs in `DEFAULT_RULES`.

use sqlx::Row;

use super::db::Db;
use super::error::DomainError;
use crate::model::WorkspaceId;
use crate::permissions::{Permission, PermissionSet};

/// Taking payments and checking them, refunding and checking: the classic conflicts.
pub const DEFAULT_RULES: [(Permission, Permission); 2] = [
    (Permission::PaymentsProcess, Permission::PaymentsReconcile),
    (Permission::OrdersRefund, Permission::PaymentsReconcile),
];

/// Stores the default pairs for a new workspace, inside the caller's transaction.
pub(crate) async fn seed(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    now_ms: i64,
) -> Result<(), DomainError> {
    super::db::set_workspace(tx, workspace).await?;
    for (a, b) in DEFAULT_RULES {
        let (a, b) = if a.key() < b.key() { (a, b) } else { (b, a) };
        sqlx::query(
            "INSERT INTO sod_rules (workspace_id, permission_a, permission_b, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(workspace.as_str())
        .bind(a.key())
        .bind(b.key())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The workspace's conflicting pairs.
pub async fn rules(
    db: &Db,
    workspace: &WorkspaceId,
) -> Result<Vec<(Permission, Permission)>, DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let rows =
        sqlx::query("SELECT permission_a, permission_b FROM sod_rules WHERE workspace_id = $1")
            .bind(workspace.as_str())
            .fetch_all(&mut *tx)
            .await?;
    tx.commit().await?;
    rows.iter()
        .map(|row| {
            let key = |column: &str| -> Result<Permission, DomainError> {
                let key: String = row.try_get(column)?;
                Permission::from_key(&key)
                    .ok_or_else(|| DomainError::Internal(format!("sod_rules.{column} {key:?}")))
            };
            Ok((key("permission_a")?, key("permission_b")?))
        })
        .collect()
}

/// The first pair `held` contains both keys of, if any.
pub fn conflict(
    held: PermissionSet,
    rules: &[(Permission, Permission)],
) -> Option<(Permission, Permission)> {
    rules
        .iter()
        .copied()
        .find(|(a, b)| held.contains(*a) && held.contains(*b))
}

/// The refusal naming the pair.
pub fn refusal(who: &str, (a, b): (Permission, Permission)) -> DomainError {
    DomainError::Conflict(format!(
        "Segregation of duties: {who} would hold both {} and {}, which this workspace keeps apart.",
        a.key(),
        b.key()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_needs_both_keys_of_a_pair() {
        let rules = DEFAULT_RULES.to_vec();
        let one: PermissionSet = [Permission::PaymentsProcess].into_iter().collect();
        assert_eq!(conflict(one, &rules), None);
        let both: PermissionSet = [Permission::PaymentsProcess, Permission::PaymentsReconcile]
            .into_iter()
            .collect();
        assert_eq!(
            conflict(both, &rules),
            Some((Permission::PaymentsProcess, Permission::PaymentsReconcile))
        );
    }
}
