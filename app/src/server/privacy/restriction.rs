//! Restricting a customer on request: their records stay readable but no longer change. The
//! customer's own writes (details, contacts, addresses, tags, deletion) ask [`refuse_if_restricted`]
//! first.

use crate::model::WorkspaceId;
use crate::server::platform::error::DomainError;

/// What a change to a restricted customer is told.
pub const RESTRICTED: &str = "This customer's data is restricted at their request: it can be \
     read, not changed.";

/// Marks `customer` restricted inside the caller's transaction.
pub(super) async fn restrict(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    customer: &str,
    now: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE customers SET restricted_at = $3, version = version + 1, updated_at = $3 \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace.as_str())
    .bind(customer)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `Conflict` when `customer` is restricted; nothing when it is not (or is not there: the
/// caller's own look-up answers that).
pub async fn refuse_if_restricted(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    customer: &str,
) -> Result<(), DomainError> {
    let restricted = sqlx::query(
        "SELECT 1 AS found FROM customers WHERE workspace_id = $1 AND id = $2 \
         AND restricted_at IS NOT NULL",
    )
    .bind(workspace.as_str())
    .bind(customer)
    .fetch_optional(&mut *conn)
    .await?;
    match restricted {
        Some(_) => Err(DomainError::Conflict(RESTRICTED.into())),
        None => Ok(()),
    }
}

/// [`refuse_if_restricted`] for each of a bulk action's customers, in a read of its own: a
/// bulk change touches none of them if one is restricted.
pub async fn refuse_if_any_restricted<K: crate::permissions::Key>(
    db: &crate::server::platform::db::Db,
    grant: &crate::server::access::grants::Grant<K>,
    customers: &[String],
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, false).await?;
    for customer in customers {
        refuse_if_restricted(&mut tx, grant.workspace(), customer).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The workspace's restricted customers: few, so read whole when many records are matched at
/// once (an import's duplicates).
pub async fn restricted_ids(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<std::collections::HashSet<String>, DomainError> {
    let rows = sqlx::query(
        "SELECT id FROM customers WHERE workspace_id = $1 AND restricted_at IS NOT NULL",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| sqlx::Row::try_get::<String, _>(r, "id").map_err(DomainError::from))
        .collect()
}
