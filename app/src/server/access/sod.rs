//! Segregation of duties: pairs of keys one person may not hold together, per workspace.
//! Every new workspace starts with the pairs in `DEFAULT_RULES`.

use sqlx::Row;

use crate::model::WorkspaceId;
use crate::permissions::keys;
use crate::permissions::{Permission, PermissionSet};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{self, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

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
    crate::server::platform::db::set_workspace(tx, workspace).await?;
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

/// The first pair a person holding `held` breaks. Owners hold every key by design and are
/// exempt: a rule binds everyone else, and the Owner role is for the few who answer for all.
pub fn person_conflict(
    held: PermissionSet,
    rules: &[(Permission, Permission)],
) -> Option<(Permission, Permission)> {
    if held == PermissionSet::all() {
        return None;
    }
    conflict(held, rules)
}

/// The refusal naming the pair.
pub fn refusal(who: &str, (a, b): (Permission, Permission)) -> DomainError {
    DomainError::Conflict(format!(
        "Segregation of duties: {who} would hold both {} and {}, which this workspace keeps apart.",
        a.key(),
        b.key()
    ))
}

/// A rule as the admin enters it: two keys, either order.
fn parse_pair(a: &str, b: &str) -> Result<(Permission, Permission), DomainError> {
    let key = |field: &'static str, raw: &str| {
        Permission::from_key(raw.trim())
            .ok_or_else(|| DomainError::invalid(field, "Choose a permission from the list."))
    };
    let (a, b) = (key("permission_a", a)?, key("permission_b", b)?);
    if a == b {
        return Err(DomainError::invalid(
            "permission_b",
            "Choose two different permissions.",
        ));
    }
    Ok(if a.key() < b.key() { (a, b) } else { (b, a) })
}

fn state((a, b): (Permission, Permission)) -> serde_json::Value {
    serde_json::json!({ "permission_a": a.key(), "permission_b": b.key() })
}

/// Adds a conflicting pair. Refused while someone already holds both (naming them), so a rule
/// never stands that the workspace already breaks. Needs `roles.write`; audited.
pub async fn add(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    a: &str,
    b: &str,
) -> Result<(), DomainError> {
    let pair = parse_pair(a, b)?;
    let workspace = grant.workspace();
    for member in crate::server::workspace::members::options(db, workspace).await? {
        let held = grants::effective(db, clock, &member.user_id, workspace).await?;
        if person_conflict(held, &[pair]).is_some() {
            return Err(DomainError::Conflict(format!(
                "{} already holds both {} and {}: change their roles first.",
                member.label,
                pair.0.key(),
                pair.1.key()
            )));
        }
    }
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "INSERT INTO sod_rules (workspace_id, permission_a, permission_b, created_at)          VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace.as_str())
    .bind(pair.0.key())
    .bind(pair.1.key())
    .bind(clock.now_ms())
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::invalid("permission_b", "That pair is already kept apart.")
        })
    })?;
    let change = Change {
        action: "sod.add",
        target: "sod_rules",
        before: None,
        after: Some(state(pair)),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a pair. Needs `roles.write`; audited.
pub async fn remove(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    a: &str,
    b: &str,
) -> Result<(), DomainError> {
    let pair = parse_pair(a, b).map_err(|_| DomainError::NotFound)?;
    let mut tx = grant.begin(db, true).await?;
    let gone = sqlx::query(
        "DELETE FROM sod_rules WHERE workspace_id = $1 AND permission_a = $2 AND permission_b = $3",
    )
    .bind(grant.workspace().as_str())
    .bind(pair.0.key())
    .bind(pair.1.key())
    .execute(&mut *tx)
    .await?;
    if gone.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    let change = Change {
        action: "sod.remove",
        target: "sod_rules",
        before: Some(state(pair)),
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The workspace's pairs as keys, for the roles page. Needs `roles.read`.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::RolesRead>,
) -> Result<Vec<(String, String)>, DomainError> {
    let mut pairs: Vec<(String, String)> = rules(db, grant.workspace())
        .await?
        .into_iter()
        .map(|(a, b)| (a.key().to_owned(), b.key().to_owned()))
        .collect();
    pairs.sort();
    Ok(pairs)
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

    #[test]
    fn owners_holding_everything_are_exempt_but_nobody_else() {
        let rules = DEFAULT_RULES.to_vec();
        assert_eq!(person_conflict(PermissionSet::all(), &rules), None);
        let mut almost = PermissionSet::all();
        almost.remove(Permission::AuditRead);
        assert!(person_conflict(almost, &rules).is_some());
    }
}
