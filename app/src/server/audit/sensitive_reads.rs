//! Reading the sensitive-data access log (`records::sensitive_reads` writes it): per person,
//! per record, newest first, with each record's kind and field in words and the page that
//! shows it.

use sqlx::Row;

use crate::model::{utc_date, SensitiveRead, SensitiveReadFilter, SensitiveReadPage};
use crate::permissions::keys;
use crate::server::access::audit::people;
use crate::server::access::grants::Grant;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kinds::KINDS;
use crate::server::records::sql::Sql;

pub const PAGE_SIZE: i64 = 50;

/// The workspace's log, newest first, narrowed by `filter`, `PAGE_SIZE` rows after `before`
/// (a row id; ids are time-ordered UUIDv7). The first page also lists the people to filter
/// by. Needs `audit.read`: the log names records, never values.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
    filter: &SensitiveReadFilter,
    before: Option<&str>,
) -> Result<SensitiveReadPage, DomainError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT s.id, s.user_id, u.display_name, s.record_kind, s.record_id, s.page_id, s.field, \
         s.day, s.first_at_ms, s.last_at_ms, s.reads, s.ip FROM sensitive_reads s \
         LEFT JOIN users u ON u.id = s.user_id WHERE s.workspace_id = ",
    )
    .arg(grant.workspace().as_str());
    match filter.person.trim() {
        "" => {}
        id if id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => {
            sql.push(" AND s.user_id = ").arg(id);
        }
        _ => {
            return Err(DomainError::invalid(
                "person",
                "Choose a person from the list.",
            ))
        }
    }
    match filter.record.trim() {
        "" => {}
        id if id.chars().count() <= 64 && !id.chars().any(char::is_control) => {
            sql.push(" AND (s.page_id = ")
                .arg(id)
                .push(" OR s.record_id = ")
                .arg(id)
                .push(")");
        }
        _ => return Err(DomainError::invalid("record", "Give the id of one record.")),
    }
    if let Some(before) = before {
        sql.push(" AND s.id < ").arg(before);
    }
    sql.push(" ORDER BY s.id DESC LIMIT ").int(PAGE_SIZE + 1);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let people = match before {
        Some(_) => Vec::new(),
        None => people(&mut tx, grant).await?,
    };
    tx.commit().await?;
    let mut items = rows.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() as i64 > PAGE_SIZE {
        items.truncate(PAGE_SIZE as usize);
        items.last().map(|r| r.id.clone())
    } else {
        None
    };
    Ok(SensitiveReadPage {
        items,
        next,
        people,
    })
}

fn read(r: &sqlx::any::AnyRow) -> Result<SensitiveRead, sqlx::Error> {
    let table: String = r.try_get("record_kind")?;
    let field: String = r.try_get("field")?;
    let page: String = r.try_get("page_id")?;
    let kind = KINDS.iter().find(|k| k.table == table);
    let label = kind
        .and_then(|k| k.sensitive.iter().find(|s| s.field == field))
        .map_or(field.as_str(), |s| s.label);
    Ok(SensitiveRead {
        id: r.try_get("id")?,
        person_id: r.try_get("user_id")?,
        person: r.try_get("display_name")?,
        record: kind.map_or(table.as_str(), |k| k.noun).to_owned(),
        record_id: r.try_get("record_id")?,
        href: kind.map_or(String::new(), |k| format!("{}/{page}", k.path)),
        field: label.to_owned(),
        day: utc_date(r.try_get::<i64, _>("day")? * DAY_MS),
        first_at_ms: r.try_get("first_at_ms")?,
        last_at_ms: r.try_get("last_at_ms")?,
        reads: r.try_get("reads")?,
        ip: r.try_get("ip")?,
    })
}
