//! The incidents register, as its page shows it.

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

/// The registers page: where the deployment keeps its data, and the incidents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistersView {
    /// The deployment's data region, as its operator states it; `None` when not stated.
    pub data_region: Option<String>,
    pub incidents: Vec<IncidentItem>,
    /// Whether the caller may report incidents and move them on (`settings.write`).
    pub editable: bool,
}
