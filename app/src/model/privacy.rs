//! Privacy requests, as the public form and the register show them. The kinds and statuses are
//! stated here once: the form offers these kinds, the server accepts only these, and the
//! register names each status with these words.

use serde::{Deserialize, Serialize};

/// What a person may ask for: (key, label, what it means for them).
pub const PRIVACY_KINDS: &[(&str, &str, &str)] = &[
    (
        "access",
        "A copy of my data",
        "Everything the workspace holds about you, with your files.",
    ),
    (
        "correction",
        "Correct my data",
        "Say what is wrong in the details below.",
    ),
    (
        "deletion",
        "Delete my data",
        "Your details are erased; records the law makes us keep are kept without them.",
    ),
    (
        "restriction",
        "Stop using my data",
        "Your data is kept but no longer changed or used.",
    ),
    (
        "portability",
        "My data to take elsewhere",
        "A machine-readable copy (JSON) with your files.",
    ),
    (
        "closure",
        "Close this workspace",
        "For the workspace's own people: export it and delete it after a grace period.",
    ),
];

/// The statuses of a request the register shows, in their order, with their words.
pub const PRIVACY_STATUSES: &[(&str, &str)] = &[
    ("received", "Received"),
    ("verified", "Identity verified"),
    ("in_progress", "In progress"),
    ("completed", "Completed"),
    ("rejected", "Rejected"),
];

/// The label of a kind or status key; the key itself when unknown.
pub fn privacy_kind_label(key: &str) -> &str {
    PRIVACY_KINDS
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or(key, |(_, label, _)| label)
}

pub fn privacy_status_label(key: &str) -> &str {
    PRIVACY_STATUSES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, label)| label)
}

/// The public form of one workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPrivacyForm {
    pub workspace_name: String,
    /// How many days the workspace gives itself to answer.
    pub due_days: i64,
}

/// What the requester learns when they confirm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyConfirmed {
    pub reference: String,
    pub due_on: String,
}

/// One request in the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequestSummary {
    pub id: String,
    /// `PR-12`.
    pub reference: String,
    pub kind: String,
    pub requester_name: String,
    pub requester_email: String,
    pub status: String,
    pub received_at_ms: i64,
    pub due_on: String,
    /// Not finished and past its due day.
    pub overdue: bool,
    pub assignee: Option<String>,
}

/// The register: requests with the newest first, open ones before finished ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRegister {
    pub requests: Vec<PrivacyRequestSummary>,
    pub open: i64,
    pub overdue: i64,
    /// The address of the workspace's public form.
    pub form_url: String,
    pub due_days: i64,
    /// The caller may handle requests (`privacy.process`).
    pub editable: bool,
    /// The caller may change the days to answer (`settings.write`).
    pub settable: bool,
    /// The day (UTC) the workspace is to be deleted, when its closure is scheduled.
    pub closing_on: Option<String>,
    /// The caller is an Owner: they may cancel the closure and take the workspace's archive.
    pub owner: bool,
}

/// One step or note in a request's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyStep {
    pub at_ms: i64,
    /// The member who took it; none: the requester or the server.
    pub author: Option<String>,
    /// The status it moved to; none for a note.
    pub status: Option<String>,
    pub body: String,
    pub mailed: bool,
}

/// A customer a request may be about: one whose address, or a contact's, is the requester's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyMatch {
    pub id: String,
    pub name: String,
    /// Why it matched, in words ("the customer's address", "contact Ada Lovelace").
    pub why: String,
}

/// A member who may be given a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyHandler {
    pub user_id: String,
    pub name: String,
}

/// One request with its timeline and what a handler may do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequestDetail {
    pub summary: PrivacyRequestSummary,
    pub details: String,
    pub assignee_id: Option<String>,
    pub customer: Option<PrivacyMatch>,
    /// The customer was erased or restricted on this or another request.
    pub customer_state: Option<String>,
    pub outcome: Option<String>,
    pub steps: Vec<PrivacyStep>,
    pub matches: Vec<PrivacyMatch>,
    pub handlers: Vec<PrivacyHandler>,
    /// The statuses it may move to now.
    pub next: Vec<String>,
    /// What fulfilling it does, in words, when it can be fulfilled now.
    pub fulfil: Option<String>,
    pub editable: bool,
}
