//! "Why may (or may not) this key do that?" — the explain check of the access page, asked of
//! a key: its state, its role, its maker (a key never holds more than its maker holds at the
//! time of the call), its networks, and for one record its scope. The verdict is computed from
//! the same [`grants::held_by_key`] a call through the key gets, so it cannot disagree with
//! what the API does.

use sqlx::Row;

use crate::model::{ApiKeyId, UserId, Verdict};
use crate::permissions::{keys, Permission};
use crate::server::access::combined::combine;
use crate::server::access::explain::record_reasons;
use crate::server::access::grants::{self, Grant};
use crate::server::access::role_loading::role_contents;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Would a call through key `id` pass a check of `permission` (on `record`, if given)?
/// Needs `integrations.manage`; another workspace's key is `NotFound`.
pub async fn why(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    id: &ApiKeyId,
    permission: &str,
    record: Option<&str>,
) -> Result<Verdict, DomainError> {
    let permission = Permission::from_key(permission.trim())
        .ok_or_else(|| DomainError::invalid("permission", "Choose a permission from the list."))?;
    let row = sqlx::query(
        "SELECT k.name, k.role_id, r.name AS role, k.created_by, u.display_name AS maker, \
         k.revoked_at, k.expires_at, k.allowed_networks FROM api_keys k \
         JOIN roles r ON r.workspace_id = k.workspace_id AND r.id = k.role_id \
         LEFT JOIN users u ON u.id = k.created_by WHERE k.workspace_id = $1 AND k.id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::NotFound)?;
    let name: String = row.try_get("name")?;
    let who = format!("The key “{name}”");
    let denied = |reason: String| Verdict {
        allowed: false,
        reasons: vec![reason],
    };
    if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
        return Ok(denied(format!("{who} is revoked: it can do nothing.")));
    }
    if row
        .try_get::<Option<i64>, _>("expires_at")?
        .is_some_and(|at| at <= clock.now_ms())
    {
        return Ok(denied(format!("{who} has expired: it can do nothing.")));
    }
    let role_id: String = row.try_get("role_id")?;
    let role: String = row.try_get("role")?;
    let maker = UserId::from_db(row.try_get("created_by")?);
    let maker_name: String = row
        .try_get::<Option<String>, _>("maker")?
        .unwrap_or_else(|| "its maker".to_owned());
    let workspace = grant.workspace();

    let contents = role_contents(db, workspace, std::slice::from_ref(&role_id)).await?;
    let role_grants = combine(&[role_id.as_str()], &contents)
        .permissions
        .contains(permission);
    let maker_holds = grants::access(db, clock, &maker, workspace)
        .await?
        .permissions
        .contains(permission);
    let key = grants::held_by_key(db, clock, id.clone(), &maker, workspace, &role_id).await?;
    let allowed = key.access().permissions.contains(permission);
    let p = permission.key();
    let mut reasons = vec![if role_grants {
        format!("{who} acts under the role {role}, which grants {p}.")
    } else {
        format!("{who} acts under the role {role}, which does not grant {p}.")
    }];
    reasons.push(if maker_holds {
        format!("Its maker, {maker_name}, holds {p} now.")
    } else {
        format!(
            "Its maker, {maker_name}, does not hold {p} now, and a key never holds more than \
             its maker."
        )
    });
    let networks: String = row.try_get("allowed_networks")?;
    if !networks.is_empty() {
        reasons.push(format!(
            "It works only from {}.",
            networks.split(',').collect::<Vec<_>>().join(", ")
        ));
    }
    let Some(record) = record.filter(|r| !r.trim().is_empty()) else {
        return Ok(Verdict { allowed, reasons });
    };
    if !allowed {
        return Ok(Verdict { allowed, reasons });
    }
    let reached = record_reasons(
        db,
        clock,
        grant,
        &key,
        &who,
        permission,
        record,
        &mut reasons,
    )
    .await?;
    Ok(Verdict {
        allowed: reached,
        reasons,
    })
}
