//! The sensitive-data access log as its page shows it.

use serde::{Deserialize, Serialize};

/// One person's reads of one sensitive field of one record on one day (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveRead {
    pub id: String,
    pub person_id: String,
    /// Their display name; `None` once their account is gone.
    pub person: Option<String>,
    /// The kind of record, in words ("customer").
    pub record: String,
    pub record_id: String,
    /// The page that shows the record (a payment's order).
    pub href: String,
    /// The field, in words ("tax id").
    pub field: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub first_at_ms: i64,
    pub last_at_ms: i64,
    pub reads: i64,
    /// The address of the last read.
    pub ip: Option<String>,
}

/// A page of the log, newest first; `next` continues after the last row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveReadPage {
    pub items: Vec<SensitiveRead>,
    pub next: Option<String>,
    /// The workspace's people, to filter by (id, name), on the first page only.
    pub people: Vec<(String, String)>,
}

/// What the log is narrowed to, as typed into the address; empty: everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SensitiveReadFilter {
    /// A person's id: what they saw.
    pub person: String,
    /// A record's id, or the id of the page that shows it: who saw it.
    pub record: String,
}
