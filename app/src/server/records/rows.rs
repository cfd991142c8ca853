//! The statements every kind shares around its own columns: select what the grant reaches,
//! find one row of it, delete one row of it. A kind supplies its column list and how a row
//! becomes its record.

use super::history;
use super::kind::RecordKind;
use super::scope::{cap_filter, scope_filter};
use super::sql::Sql;
use super::version;
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// `SELECT <columns> WHERE <scope> <cap>`: the rows of `kind` the grant reaches. `columns` runs
/// from the column list through the FROM clause (with the kind's alias and any joins).
pub fn reachable<K: Key>(kind: &RecordKind, columns: &str, grant: &Grant<K>) -> Sql {
    let mut sql = Sql::default();
    sql.push("SELECT ").push(columns).push(" WHERE");
    scope_filter(&mut sql, kind, grant);
    cap_filter(&mut sql, kind, grant);
    sql
}

/// The row `id` among those the grant reaches, in the transaction `conn`; `NotFound` otherwise
/// (another workspace's row and a row out of scope answer like one that does not exist).
pub async fn find_one<K: Key>(
    conn: &mut sqlx::AnyConnection,
    kind: &RecordKind,
    columns: &str,
    grant: &Grant<K>,
    id: &str,
) -> Result<sqlx::any::AnyRow, DomainError> {
    let mut sql = reachable(kind, columns, grant);
    sql.push(&format!(" AND {}.id = ", kind.alias)).arg(id);
    sql.query()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)
}

/// Deletes the row `id` if the grant reaches it (`NotFound` otherwise) and, when `expected`
/// names a version, only if the row is still at it (`Conflict` otherwise); records it in the
/// record's history. A row other records still name (a customer with quotes or orders) is
/// refused with a `Conflict` and kept.
pub async fn delete_one<K: Key>(
    db: &Db,
    clock: &Clock,
    kind: &RecordKind,
    grant: &Grant<K>,
    id: &str,
    expected: Option<i64>,
) -> Result<(), DomainError> {
    let (table, alias) = (kind.table, kind.alias);
    let mut sql = Sql::default();
    sql.push(&format!(
        "DELETE FROM {table} WHERE id IN (SELECT {alias}.id FROM {table} {alias} WHERE"
    ));
    scope_filter(&mut sql, kind, grant);
    cap_filter(&mut sql, kind, grant);
    sql.push(&format!(" AND {alias}.id = ")).arg(id).push(")");
    if let Some(expected) = expected {
        version::version_clause(&mut sql, kind, expected);
    }
    let mut tx = grant.begin(db, true).await?;
    let deleted = sql.query().execute(&mut *tx).await.map_err(|e| match e {
        sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation => {
            DomainError::Conflict(format!(
                "This {} is still named by other records (quotes, orders, …), so it can't be \
                 deleted.",
                kind.noun
            ))
        }
        other => other.into(),
    })?;
    if deleted.rows_affected() == 0 {
        if expected.is_some() {
            find_one(
                &mut tx,
                kind,
                &format!("{alias}.id FROM {table} {alias}"),
                grant,
                id,
            )
            .await?;
            return Err(version::stale(kind));
        }
        return Err(DomainError::NotFound);
    }
    let event = history::Event {
        action: "delete",
        id,
        before: None,
        after: None,
    };
    history::record(&mut tx, clock, grant, kind, event).await?;
    tx.commit().await?;
    Ok(())
}
