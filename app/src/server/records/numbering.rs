//! Numbered records (quotes Q-1042, orders O-7, licences L-3): numbers count per workspace and
//! kind, so people can quote them on the phone.

use sqlx::Row;

use super::kind::RecordKind;
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;

/// The next number of `kind` in the grant's workspace. Two writers racing for the same number
/// on PostgreSQL meet the `UNIQUE (workspace_id, number)` constraint; the loser is told to try
/// again ([`race`]).
pub async fn next<K: Key>(
    conn: &mut sqlx::AnyConnection,
    kind: &RecordKind,
    grant: &Grant<K>,
) -> Result<i64, DomainError> {
    let row = sqlx::query(&format!(
        "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM {} WHERE workspace_id = $1",
        kind.table
    ))
    .bind(grant.workspace().as_str())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("n")?)
}

/// A unique violation while inserting a numbered record: another one took the number.
pub fn race(e: sqlx::Error) -> DomainError {
    DomainError::on_unique(e, || {
        DomainError::Conflict("Someone else saved at the same moment. Please try again.".into())
    })
}
