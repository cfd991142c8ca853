//! The audit page's data: entries, the chain's last verification, and the viewer's filters.

use serde::{Deserialize, Serialize};

/// One entry of the audit log, for the audit page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at_ms: i64,
    /// The actor's display name; `None` once their account is gone.
    pub actor: Option<String>,
    pub action: String,
    /// The action in words ("Changed role").
    pub label: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Its place in the workspace's chain, and its hash.
    pub seq: i64,
    pub entry_hash: String,
    /// `person`, `visitor` (signing in) or `system`; `None` before the trail recorded it.
    pub actor_kind: Option<String>,
    /// `done`, `refused` or `failed` (one of [`AUDIT_OUTCOMES`]); `None` before the trail
    /// recorded outcomes, when every entry was a change made.
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How many times it happened in its minute (refusals are counted); 1 otherwise.
    pub count: Option<i64>,
}

/// One entry of a record's own history: who did what, when, and each field's change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    pub at_ms: i64,
    pub actor: Option<String>,
    /// "quote.update", "order.confirm", "payment.refund", …
    pub action: String,
    /// (field, before, after) as text; a side without the field is empty.
    pub fields: Vec<(String, String, String)>,
}

/// A page of the audit log, newest first; `next` continues after the last entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<String>,
    /// The last verification of the workspace's chain, on the newest page only.
    pub verification: Option<ChainCheck>,
    /// People who appear in the workspace's trail, to filter by (id, name), on the newest
    /// page only.
    pub actors: Vec<(String, String)>,
    /// The families of actions to filter by (value, label), on the newest page only.
    pub families: Vec<(String, String)>,
    /// How long the trail is kept, on the newest page only.
    pub retention: Option<AuditRetention>,
}

/// How long a workspace keeps its trail, and its last purge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRetention {
    pub days: i64,
    /// The rule and the last purge, in words (written on the server: the words stay out of
    /// every visitor's first download).
    pub summary: String,
    /// Whether the caller may change it (`settings.write`).
    pub editable: bool,
}

/// The last verification of a workspace's audit chain, as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainCheck {
    pub at_ms: i64,
    pub entries: i64,
    /// The last place covered by a signed checkpoint (0: none yet).
    pub signed_through: i64,
    /// Where the chain was found broken, and why.
    pub broken: Option<String>,
}

/// The audit viewer's filters, as typed into the address; the server checks each and names the
/// one it refuses. A field left out is empty: no narrowing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// A person's id: entries they made.
    pub actor: String,
    /// An action (`role.update`), or a family of them ending in a dot (`role.`).
    pub action: String,
    /// What the entries are about: a record's, role's or person's id.
    pub target: String,
    /// Written on or after this day (`YYYY-MM-DD`, on the workspace's calendar).
    pub from: String,
    /// Written on or before this day.
    pub until: String,
    /// How it ended: one of [`AUDIT_OUTCOMES`].
    pub outcome: String,
}

impl AuditFilter {
    /// The filters by their address names.
    pub fn params(&self) -> [(&'static str, &str); 6] {
        [
            ("actor", &self.actor),
            ("action", &self.action),
            ("outcome", &self.outcome),
            ("target", &self.target),
            ("from", &self.from),
            ("until", &self.until),
        ]
    }
}

/// The address of the viewer's export (NDJSON with the chain's hashes), which takes the
/// viewer's filters as its query.
pub const AUDIT_EXPORT_PATH: &str = "/audit/export.ndjson";

/// The same selection as CSV, for a spreadsheet.
pub const AUDIT_EXPORT_CSV_PATH: &str = "/audit/export.csv";

/// How an entry's action ended: (the filter's value, its label). The server's outcomes are
/// these (a test in `server::audit::append` asks).
pub const AUDIT_OUTCOMES: &[(&str, &str)] = &[
    ("done", "Done"),
    ("refused", "Refused"),
    ("failed", "Failed"),
];

/// The families of actions the viewer offers to filter by: (the filter's value, its label).
/// Every record kind's noun is here (a test in `server::records::kinds` asks).
pub const AUDIT_FAMILIES: &[(&str, &str)] = &[
    ("sign_in.", "Sign-ins"),
    ("account.", "Account locks"),
    ("password.", "Passwords"),
    ("second_factor.", "Second factors"),
    ("session.", "Sessions"),
    ("permission.", "Refused permissions"),
    ("bulk.", "Refused bulk actions"),
    ("export.", "Exports"),
    ("file.", "File downloads"),
    ("role.", "Roles"),
    ("team.", "Teams"),
    ("department.", "Departments"),
    ("invitation.", "Invitations"),
    ("member.", "Members"),
    ("sod.", "Segregation of duties"),
    ("access_review.", "Access reviews"),
    ("privacy.", "Privacy requests"),
    ("api_key.", "API keys"),
    ("webhook.", "Webhooks"),
    ("workspace.", "Workspace archive and closure"),
    ("settings.", "Settings"),
    ("retention.", "Retention purges"),
    ("customer.", "Customers"),
    ("product.", "Products"),
    ("quote.", "Quotes"),
    ("order.", "Orders"),
    ("payment.", "Payments"),
    ("refund.", "Refund approvals"),
    ("licence.", "Licences"),
    ("ticket.", "Tickets"),
    ("document.", "Documents"),
];

/// Security events of the last days, for the security page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    /// Failed and refused sign-in steps, per day.
    pub days: Vec<super::Bar>,
    /// What the chart shows, in words.
    pub description: String,
    pub failed_sign_ins: i64,
    /// The accounts and addresses they came for or from, most first: (name or address, count).
    pub by_account: Vec<(String, i64)>,
    pub by_address: Vec<(String, i64)>,
    pub lockouts: i64,
    /// Refused calls of signed-in members (missing keys, bulk work, exports).
    pub refusals: i64,
}
