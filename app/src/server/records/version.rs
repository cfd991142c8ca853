//! Optimistic concurrency: an update names the `version` it was based on; a record changed by
//! someone else since answers `Conflict` and is left as the other writer made it.

use super::kind::RecordKind;
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
        "This {} was changed by someone else since you opened it. Reload it and make your \
         change again.",
        kind.noun
    ))
}
