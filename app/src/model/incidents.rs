//! The registers — retention per record type and the incidents — as their page shows them.

use serde::{Deserialize, Serialize};

/// Severities, mildest first: (key, words).
pub const INCIDENT_SEVERITIES: [(&str, &str); 4] = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
];

/// One note on an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentNote {
    pub at_ms: i64,
    pub author: Option<String>,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentItem {
    pub id: String,
    pub number: i64,
    pub title: String,
    /// A key of [`INCIDENT_SEVERITIES`].
    pub severity: String,
    /// `open`, `contained` or `resolved`.
    pub status: String,
    pub detected_at_ms: i64,
    pub contained_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    pub reported_by: Option<String>,
    pub version: i64,
    /// Oldest first.
    pub notes: Vec<IncidentNote>,
}

/// How long one record type's finished records are kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// The record type (its table).
    pub kind: String,
    /// Which records, in words ("Closed tickets").
    pub words: String,
    /// `None`: kept until someone deletes them.
    pub days: Option<i64>,
}

/// The registers page: where the deployment keeps its data, for how long, and the incidents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistersView {
    /// The deployment's data region, as its operator states it; `None` when not stated.
    pub data_region: Option<String>,
    pub retention: Vec<RetentionPolicy>,
    pub incidents: Vec<IncidentItem>,
    /// Whether the caller may report incidents and move them on (`settings.write`).
    pub editable: bool,
}
