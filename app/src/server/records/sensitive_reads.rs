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

use super::kind::RecordKind;
use super::sql::Sql;
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Records per statement: twelve placeholders each, well inside both databases' limits.
const CHUNK: usize = 200;

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
