//! Types that travel between server and browser. Response shapes only: request inputs are
//! validated on the server into their own types (see `server::workspaces::WorkspaceName`).

use serde::{Deserialize, Serialize};

#[macro_use]
mod ids;
mod alerts;
mod api_keys;
mod audit;
mod automations;
mod backups;
mod customer_parts;
mod dashboard;
mod documents;
mod exports;
mod files;
mod imports;
mod incidents;
mod library;
mod licences;
mod listing;
mod payments;
mod privacy;
mod products;
mod reports;
mod reviews;
mod security;
mod sensitive_reads;
mod tickets;
mod webhooks;

pub use alerts::*;
pub use api_keys::*;
pub use audit::*;
pub use automations::*;
pub use backups::*;
pub use customer_parts::*;
pub use dashboard::*;
pub use documents::*;
pub use exports::*;
pub use files::*;
pub use ids::*;
pub use imports::*;
pub use incidents::*;
pub use library::*;
pub use licences::*;
pub use listing::*;
pub use payments::*;
pub use privacy::*;
pub use products::*;
pub use reports::*;
pub use reviews::*;
pub use security::*;
pub use sensitive_reads::*;
pub use tickets::*;
pub use webhooks::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: WorkspaceId,
    pub name: String,
    pub slug: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at_ms: i64,
}

impl WorkspaceSummary {
    /// The creation day in UTC (`2026-11-23`). Rendered identically on server and browser,
    /// so hydration never sees a locale- or time-zone-dependent difference.
    pub fn created_on(&self) -> String {
        utc_date(self.created_at_ms)
    }
}

/// The answer to "could a workspace be called this?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCheck {
    /// The name as it would be stored (trimmed, whitespace collapsed).
    pub name: String,
    /// The address the workspace would get; differs from the plain slug when that is taken.
    pub slug: String,
    pub slug_was_taken: bool,
}

/// One of the signed-in person's sessions, as their sessions page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Names the session for revoking: a hash of its id, useless as a cookie.
    pub handle: String,
    /// Browser and system, read from the user agent: "Chrome 156 on Linux".
    pub device: String,
    pub ip: Option<String>,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    /// The session this request came with.
    pub current: bool,
}

/// `2026-11-23 16:31 UTC`: the same text on server and browser, whatever their time zones.
pub fn utc_datetime(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

pub fn utc_date(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_render_in_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        // 2026-11-23T23:59:59.999Z stays on the 23rd whatever the machine's zone.
        assert_eq!(utc_date(1_795_478_399_999), "2026-11-23");
        assert_eq!(utc_date(1_795_478_400_000), "2026-11-24");
        assert_eq!(utc_datetime(1_795_478_399_999), "2026-11-23 23:59 UTC");
    }
}

/// The signed-in person and the workspace their session is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub workspace: WorkspaceSummary,
    /// Every workspace they are an active member of, for the switcher.
    pub workspaces: Vec<WorkspaceSummary>,
    /// What they may do in the active workspace; the UI hides the rest (the server checks
    /// again on every call).
    pub permissions: Vec<crate::permissions::Permission>,
    /// Their roles let them act on many records at once (the UI offers bulk actions).
    pub bulk_allowed: bool,
    /// The active workspace's company logo, if it has one (a file any member may fetch).
    pub logo: Option<FileId>,
    /// Their roles let them take data out (the UI offers exports to holders of the key).
    pub export_allowed: bool,
    /// When the password stops working under the policy of the person's workspaces.
    pub password_expires_at_ms: Option<i64>,
    /// Past `password_expires_at_ms`: the server refuses everything but a password change.
    pub password_expired: bool,
    /// Within the notice period before expiry: every page shows a reminder.
    pub password_expires_soon: bool,
    /// A workspace requires a second factor of this person and they have none: the server
    /// refuses everything but setting one up (and signing out).
    pub mfa_enrolment_required: bool,
}

impl CurrentUser {
    pub fn can(&self, permission: crate::permissions::Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// A member of the active workspace, as the team page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    /// The roles held now (expired assignments left out), by name.
    pub roles: Vec<MemberRole>,
    pub active: bool,
    pub joined_at_ms: i64,
    /// When they last signed in to the workspace or switched to it; `None`: never since they
    /// joined.
    pub last_sign_in_ms: Option<i64>,
    /// Set while repeated failed sign-ins keep the account locked.
    pub locked_until_ms: Option<i64>,
    /// The caller themself: the page offers no actions against oneself.
    pub is_you: bool,
}

/// An invitation not yet accepted or revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: InvitationId,
    pub email: String,
    pub role: String,
    pub invited_by: Option<String>,
    pub expires_at_ms: i64,
    pub expired: bool,
}

/// A role that can be handed out in the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: RoleId,
    pub name: String,
}

/// What the invitation link shows before the invitee acts on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub workspace_name: String,
    pub email: String,
    pub role: String,
    pub invited_by: Option<String>,
    /// The address already has an account: the invitee confirms with its password instead of
    /// choosing a name and password.
    pub has_account: bool,
}

id_type!(
    /// A customer record.
    CustomerId
);

#[cfg(feature = "ssr")]
impl CustomerId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// A customer id sent by the client, checked for shape only: every look-up with it is
    /// bound to the caller's workspace and scope, where an unknown id is simply not found
    /// (so garbage answers 404, like an id of another workspace).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

id_type!(
    /// A team of members, backing the `team` data scope.
    TeamId
);

#[cfg(feature = "ssr")]
impl TeamId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// A team id sent by the client, checked for shape only (see [`CustomerId::from_client`]).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

id_type!(
    /// A department of a workspace, backing the `department` data scope.
    DepartmentId
);

#[cfg(feature = "ssr")]
impl DepartmentId {
    /// A department id sent by the client, checked for shape only (see
    /// [`CustomerId::from_client`]).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

id_type!(
    /// An allow or deny entry of a workspace's network rules.
    IpRuleId
);

#[cfg(feature = "ssr")]
impl IpRuleId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// An entry id sent by the client, checked for shape only (see
    /// [`CustomerId::from_client`]).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

/// Whom a customer is: a company (with contact persons) or a person.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    #[default]
    Company,
    Person,
}

impl CustomerKind {
    pub const ALL: [CustomerKind; 2] = [Self::Company, Self::Person];

    pub fn key(self) -> &'static str {
        match self {
            Self::Company => "company",
            Self::Person => "person",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Company => "Company",
            Self::Person => "Person",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A customer as the caller may see it. Sensitive fields are `None` when the caller's roles
/// lack `customers.sensitive` — removed on the server, not hidden by the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub kind: CustomerKind,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub tax_id: Option<String>,
    pub notes: String,
    pub assigned_user_id: Option<UserId>,
    /// The assignee's display name.
    pub assigned_to: Option<String>,
    pub team_id: Option<TeamId>,
    pub team: Option<String>,
    /// Labels for finding and grouping customers, in the order of their lower-cased text.
    pub tags: Vec<String>,
    pub updated_at_ms: i64,
    /// Changes with every save; an update names the version it was based on.
    pub version: i64,
}

/// One page of a customer list, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
    /// The people and teams the list can be narrowed to.
    pub choices: FilterChoices,
}

/// Who and which team a customer can be assigned to, for the customer form; and what the
/// caller may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFormOptions {
    pub members: Vec<MemberOption>,
    pub teams: Vec<TeamOption>,
    pub sees_sensitive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOption {
    pub id: TeamId,
    pub name: String,
}

/// Where a person's access in a workspace comes from, for the explain page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub name: String,
    /// The roles assigned to them now, with their expiry.
    pub roles: Vec<MemberRole>,
    /// Each key held, with the roles it comes from ("Auditor", "Auditor via Reviewer",
    /// "Temp (until 2026-12-01)").
    pub permissions: Vec<(String, Vec<String>)>,
    /// Each resource's scope and the role that gives the widest one.
    pub scopes: Vec<(String, String)>,
}

/// The answer of the "why" check: allowed or not, and the chain of reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub allowed: bool,
    pub reasons: Vec<String>,
}

/// A role as the roles page and the role editor see it: its own contents (a parent's keys are
/// the parent's), who holds it, and whether the caller may change it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    /// `owner`, `manager`, `staff` or `guest` for the base roles; `None` for custom ones.
    pub base_role: Option<String>,
    /// The role's own keys in catalogue order; the Owner role lists every key.
    pub permissions: Vec<crate::permissions::Permission>,
    pub scopes: Vec<(crate::permissions::Resource, crate::permissions::Scope)>,
    pub allow_export: bool,
    pub allow_bulk: bool,
    pub max_records: Option<u32>,
    pub parent_role_id: Option<RoleId>,
    /// People holding it now (unexpired assignments, active memberships).
    pub holders: usize,
    /// The caller holds it: they may not edit or delete it.
    pub held_by_you: bool,
}

impl RoleView {
    pub fn is_owner(&self) -> bool {
        self.base_role.as_deref() == Some("owner")
    }
}

/// One role a member holds, with its expiry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRole {
    pub role_id: RoleId,
    pub name: String,
    /// The last day it counts, in the workspace's time zone; `None`: until removed.
    pub until: Option<String>,
}

/// A team or a department with its members, for the teams page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub members: Vec<MemberOption>,
}

/// The workspace's teams and departments, and the active members that can join them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Groups {
    pub teams: Vec<GroupView>,
    pub departments: Vec<GroupView>,
    pub members: Vec<MemberOption>,
}
