//! Optimistic concurrency: an update names the `version` it was based on; a record changed by
//! someone else since answers `Conflict` and is left as the other writer made it.

use super::kind::RecordKind;
use super::scope::{cap_filter, scope_filter, Reacher};
use super::sql::Sql;
use crate::server::platform::error::DomainError;

/// ` AND version = $n` for the outer WHERE of an update based on `expected`.
pub fn version_clause(sql: &mut Sql, kind: &RecordKind, expected: i64) {
    if kind.versioned {
        sql.push(" AND version = ").int(expected);
    }
}

/// `, version = version + 1` for the SET list of an update.
pub fn bump(sql: &mut Sql, kind: &RecordKind) {
    if kind.versioned {
        sql.push(", version = version + 1");
    }
}

/// What an update that changed no row means, once the record is known to be within reach: it
/// was changed since the writer read it.
pub fn stale(kind: &RecordKind) -> DomainError {
    DomainError::Conflict(format!(
        "This {} was changed by someone else since you opened it. Its current values are \
         shown now: make your change again.",
        kind.noun
    ))
}

/// Takes the record `id` for a change based on `expected`: bumps its version in the
/// transaction `conn`, so the change's other statements see the record as its writer did and
/// a concurrent writer based on the same version finds it stale. `NotFound` when out of the
/// grant's reach, `Conflict` when changed since.
pub async fn claim<R: Reacher>(
    conn: &mut sqlx::AnyConnection,
    kind: &RecordKind,
    grant: &R,
    id: &str,
    expected: i64,
    now_ms: i64,
) -> Result<(), DomainError> {
    let (table, a) = (kind.table, kind.alias);
    let mut sql = Sql::default();
    sql.push(&format!("UPDATE {table} SET updated_at = "))
        .int(now_ms);
    bump(&mut sql, kind);
    sql.push(&format!(
        " WHERE id IN (SELECT {a}.id FROM {table} {a} WHERE"
    ));
    scope_filter(&mut sql, kind, grant);
    cap_filter(&mut sql, kind, grant);
    sql.push(&format!(" AND {a}.id = ")).arg(id).push(")");
    version_clause(&mut sql, kind, expected);
    if sql.query().execute(&mut *conn).await?.rows_affected() == 1 {
        // Within reach, so saying why cannot reveal a record; the caller's transaction is
        // dropped with the claim.
        return refuse_if_customer_restricted(conn, kind, grant.workspace(), id).await;
    }
    let mut exists = Sql::default();
    exists.push(&format!("SELECT 1 AS found FROM {table} {a} WHERE"));
    scope_filter(&mut exists, kind, grant);
    cap_filter(&mut exists, kind, grant);
    exists.push(&format!(" AND {a}.id = ")).arg(id);
    match exists.query().fetch_optional(&mut *conn).await? {
        Some(_) => Err(stale(kind)),
        None => Err(DomainError::NotFound),
    }
}

/// `Conflict` when the record `id` of `kind` is about a customer restricted on request.
pub async fn refuse_if_customer_restricted(
    conn: &mut sqlx::AnyConnection,
    kind: &RecordKind,
    workspace: &crate::model::WorkspaceId,
    id: &str,
) -> Result<(), DomainError> {
    let Some(customer) = kind.customer else {
        return Ok(());
    };
    let (table, a) = (kind.table, kind.alias);
    let restricted = sqlx::query(&format!(
        "SELECT 1 AS found FROM {table} {a} JOIN customers rc \
         ON rc.workspace_id = {a}.workspace_id AND rc.id = {customer} \
         WHERE {a}.workspace_id = $1 AND {a}.id = $2 AND rc.restricted_at IS NOT NULL"
    ))
    .bind(workspace.as_str())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match restricted {
        Some(_) => Err(DomainError::Conflict(
            crate::server::privacy::restriction::RESTRICTED.into(),
        )),
        None => Ok(()),
    }
}
