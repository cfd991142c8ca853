//! What every step works with: the run it belongs to and the record it acts on, read within
//! the automation's grant.

use serde_json::{json, Map, Value};
use sqlx::Row;

use super::subjects::Subject;
use crate::model::AutomationId;
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::records::rows;

/// The run a step belongs to.
pub struct Run<'a> {
    pub run_id: &'a str,
    pub automation: &'a AutomationId,
    pub automation_name: &'a str,
    pub event_type: &'a str,
    pub record_id: &'a str,
    /// The step's place in its automation (1-based).
    pub position: i64,
}

/// The fields of record `id` of `subject` that conditions test, as its history shows them,
/// and its version; `NotFound` beyond the grant's reach.
pub async fn read<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    subject: &Subject,
    id: &str,
) -> Result<(Map<String, Value>, i64), DomainError> {
    let kind = subject.kind;
    let (table, a) = (kind.table, kind.alias);
    let columns: Vec<String> = subject
        .fields
        .iter()
        .map(|(f, _)| format!("{a}.{f}"))
        .collect();
    let sql = format!("{a}.version, {} FROM {table} {a}", columns.join(", "));
    let row = rows::find_one(conn, kind, &sql, grant, id).await?;
    let mut fields = Map::new();
    for (field, _) in subject.fields {
        fields.insert(
            (*field).to_owned(),
            json!(row.try_get::<Option<String>, _>(*field)?),
        );
    }
    Ok((fields, row.try_get("version")?))
}
