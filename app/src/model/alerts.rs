//! Alerts to a workspace's administrators, as their page shows them.

use serde::{Deserialize, Serialize};

/// One alert: a kind, what it is about, and how often it happened within its hour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertItem {
    pub id: String,
    /// The kind's key (`sign_in.burst_account`), for tests and styling.
    pub kind: String,
    /// The kind in words.
    pub label: String,
    pub summary: String,
    pub count: i64,
    pub first_at_ms: i64,
    pub last_at_ms: i64,
    /// Whether the administrators' mail went.
    pub mailed: bool,
}

/// When alerts are raised: failed sign-in steps on one account or from one address within 15
/// minutes, and refusals of one sensitive key to one person within a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertThresholds {
    pub account_burst: i64,
    pub address_burst: i64,
    pub refusal_burst: i64,
}

/// The alerts page: the newest alerts, and the thresholds for those who may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsView {
    pub items: Vec<AlertItem>,
    pub thresholds: Option<AlertThresholds>,
}

/// The navigation's notifications menu: how many alerts were raised or repeated since the
/// person last looked, and the newest of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadAlerts {
    pub count: i64,
    pub latest: Vec<AlertNotice>,
}

/// One alert as the menu shows it. Its time comes as text: the menu is on every page, and the
/// bundle every page loads does without a calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertNotice {
    pub kind: String,
    pub label: String,
    pub summary: String,
    pub count: i64,
    /// The last time it happened, as [`super::utc_datetime`] writes it.
    pub last_at: String,
}

impl From<AlertItem> for AlertNotice {
    fn from(a: AlertItem) -> Self {
        Self {
            last_at: super::utc_datetime(a.last_at_ms),
            kind: a.kind,
            label: a.label,
            summary: a.summary,
            count: a.count,
        }
    }
}
