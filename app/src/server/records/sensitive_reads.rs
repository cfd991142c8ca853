//! The sensitive-data access log (seed 004: "track sensitive data access"): each time the value
//! of a sensitive field leaves the server — a customer's tax id, a payment's reference, a
//! licence key, in a list, on a record's page or in an export — who received it, for which
//! record, when and from where. One row per person, record, field and UTC day counts the
//! reads, so a list opened all day costs one row per record shown rather than one per read.
//!
//! Reads are written in a transaction of their own before the values are returned, and a read
//! that cannot be recorded fails: no value leaves unrecorded. They are kept apart from the
//! hash-chained trail because reads outnumber changes by far, and every list would otherwise
//! queue behind the chain's one head per workspace.

use std::collections::BTreeSet;

use sqlx::Row;

use super::kind::RecordKind;
use super::kinds::KINDS;
use super::sql::Sql;
use crate::model::{utc_date, SensitiveRead, SensitiveReadFilter, SensitiveReadPage};
use crate::permissions::{keys, Key};
use crate::server::access::audit::people;
use crate::server::access::grants::Grant;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

const DAY_MS: i64 = 86_400_000;
/// Records per statement: twelve placeholders each, well inside both databases' limits.
const CHUNK: usize = 200;
pub const PAGE_SIZE: i64 = 50;

/// A record whose sensitive field was shown, and the record whose page shows it (a payment's
/// order; the record itself for most kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shown<'a> {
    pub record: &'a str,
    pub page: &'a str,
}

impl<'a> Shown<'a> {
    /// A record shown on its own page.
    pub fn own(record: &'a str) -> Self {
        Self {
            record,
            page: record,
        }
    }
}

/// Records that the holder of `grant` was shown `field` of each of `shown` (records of `kind`),
/// now. Call it only for values actually shown: not masked, not empty.
pub async fn note<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    kind: &RecordKind,
    field: &str,
    shown: &[Shown<'_>],
) -> Result<(), DomainError> {
    debug_assert!(kind.sensitive.iter().any(|s| s.field == field));
    // One statement may not touch a row twice on PostgreSQL.
    let shown: Vec<Shown<'_>> = shown
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    let now = grant.now_ms();
    let acting = grant.acting();
    let ip = acting.origin.and_then(|o| o.ip.clone()).unwrap_or_default();
    let mut tx = grant.begin(db, true).await?;
    for chunk in shown.chunks(CHUNK) {
        let mut sql = Sql::default();
        sql.push(
            "INSERT INTO sensitive_reads (id, workspace_id, user_id, record_kind, record_id, \
             page_id, field, day, first_at_ms, last_at_ms, reads, ip) VALUES ",
        );
        for (i, s) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .arg(uuid::Uuid::now_v7().to_string())
                .push(", ")
                .arg(acting.workspace.as_str())
                .push(", ")
                .arg(acting.user.as_str())
                .push(", ")
                .arg(kind.table)
                .push(", ")
                .arg(s.record)
                .push(", ")
                .arg(s.page)
                .push(", ")
                .arg(field)
                .push(", ")
                .int(now.div_euclid(DAY_MS))
                .push(", ")
                .int(now)
                .push(", ")
                .int(now)
                .push(", 1, NULLIF(")
                .arg(ip.as_str())
                .push(", ''))");
        }
        sql.push(
            " ON CONFLICT (workspace_id, record_kind, record_id, field, user_id, day) DO UPDATE \
             SET last_at_ms = excluded.last_at_ms, reads = sensitive_reads.reads + 1, \
             ip = excluded.ip",
        );
        sql.query().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

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
