//! Types that travel between server and browser. Response shapes only: request inputs are
//! validated on the server into their own types (see `server::workspaces::WorkspaceName`).

use serde::{Deserialize, Serialize};

/// Ids are newtypes so a user id can never be passed where a workspace id is expected. Only
/// the server mints them (from the database or a fresh UUIDv7); the browser only echoes them.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            #[cfg(feature = "ssr")]
            pub(crate) fn fresh() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A workspace: the tenant boundary.
    WorkspaceId
);
#[cfg(feature = "ssr")]
impl WorkspaceId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }
}

id_type!(
    /// A person's account, shared by all the workspaces they belong to.
    UserId
);

#[cfg(feature = "ssr")]
impl UserId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// A user id sent by the browser, checked for shape only: every look-up with it is bound
    /// to the caller's workspace, where an unknown id is simply not found.
    pub(crate) fn from_client(raw: String) -> Result<Self, crate::error::AppError> {
        if raw.len() == 36 && raw.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            Ok(Self(raw))
        } else {
            Err(crate::error::AppError::NotFound)
        }
    }
}
id_type!(
    /// A role inside one workspace.
    RoleId
);

id_type!(
    /// An invitation to join a workspace.
    InvitationId
);

#[cfg(feature = "ssr")]
impl RoleId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// A role id sent by the browser, checked for shape only (see [`UserId::from_client`]).
    pub(crate) fn from_client(raw: String) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw).map(|u| Self(u.0))
    }
}

#[cfg(feature = "ssr")]
impl InvitationId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }
}

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

/// A workspace's security settings, as the settings page shows and edits them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    pub password_min_length: u16,
    pub password_require_lowercase: bool,
    pub password_require_uppercase: bool,
    pub password_require_digit: bool,
    pub password_require_symbol: bool,
    /// zxcvbn score a password must reach, 0–4.
    pub password_min_strength: u8,
    /// How many previous passwords may not be reused (0–24).
    pub password_history: u8,
    /// Days a password stays valid; `None`: no expiry.
    pub password_expiry_days: Option<u16>,
    pub session_idle_minutes: u16,
    pub session_absolute_hours: u16,
    /// Most sessions one person may have at once; `None`: no limit.
    pub max_sessions_per_user: Option<u16>,
    /// Consecutive failed sign-ins that lock an account (1–50).
    pub lockout_threshold: u16,
    /// How long a locked account stays locked unless an admin unlocks it (1–1440 minutes).
    pub lockout_minutes: u16,
    /// Who must sign in with a second factor.
    pub mfa_policy: MfaPolicy,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self {
            password_min_length: 12,
            password_require_lowercase: false,
            password_require_uppercase: false,
            password_require_digit: false,
            password_require_symbol: false,
            password_min_strength: 3,
            password_history: 5,
            password_expiry_days: None,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_sessions_per_user: None,
            lockout_threshold: 5,
            lockout_minutes: 15,
            mfa_policy: MfaPolicy::Optional,
        }
    }
}

/// A workspace's rule on second factors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaPolicy {
    /// Each person decides.
    #[default]
    Optional,
    /// Every member.
    Everyone,
    /// Members whose roles hold an administrative permission
    /// (`Permission::is_administrative`).
    Admins,
}

impl MfaPolicy {
    pub const ALL: [MfaPolicy; 3] = [Self::Optional, Self::Everyone, Self::Admins];

    /// The stored and submitted form.
    pub fn key(self) -> &'static str {
        match self {
            Self::Optional => "optional",
            Self::Everyone => "everyone",
            Self::Admins => "admins",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Optional => "Optional — each person decides",
            Self::Everyone => "Required for everyone",
            Self::Admins => "Required for administrators",
        }
    }
}

/// A person's second factors, as their account page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactors {
    /// An authenticator app is in force.
    pub app: bool,
    /// Codes by email are in force.
    pub email: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: i64,
    /// A workspace of theirs requires a second factor.
    pub required: bool,
    /// Turning a factor on needs the password typed again (`server::reauth`).
    pub password_needed: bool,
}

impl SecondFactors {
    pub fn any(&self) -> bool {
        self.app || self.email
    }
}

/// Setting up an authenticator app: what the page shows until a code confirms it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSetup {
    /// The key to type into the app, in groups of four for reading.
    pub key: String,
    pub otpauth_url: String,
    /// The `otpauth://` URL as a QR code, an SVG document made on the server.
    pub qr_svg: String,
}

/// What sign-in needs next after a right password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInStep {
    /// Signed in.
    Done,
    /// A second factor is needed; the page offers these methods.
    SecondFactor(SecondFactorMethods),
    /// Signed in, but a workspace requires a second factor they have not set up: that comes
    /// first.
    SetUpSecondFactor,
}

impl SignInStep {
    /// Where the browser goes next.
    pub fn next_page(&self) -> &'static str {
        match self {
            Self::Done => "/",
            Self::SecondFactor(_) => "/signin/verify",
            Self::SetUpSecondFactor => "/account#two-step",
        }
    }
}

/// The ways someone half-way through sign-in can give their second factor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorMethods {
    pub app: bool,
    pub email: bool,
    pub recovery_code: bool,
}

/// Whether a network entry lets addresses in or keeps them out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpRuleKind {
    Allow,
    Deny,
}

impl IpRuleKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "allow" => Some(Self::Allow),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }
}

/// One entry of a workspace's network rules, as the settings page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpRule {
    pub id: String,
    pub kind: IpRuleKind,
    pub cidr: String,
    /// The person it applies to (name and address), or `None` for everyone.
    pub person: Option<String>,
    pub note: String,
    pub created_at_ms: i64,
}

/// The settings page's network card: the rules, the members they can name, and the caller's
/// own address (so an admin sees what a rule would do to them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAccess {
    pub rules: Vec<IpRule>,
    pub members: Vec<MemberOption>,
    pub your_address: Option<String>,
}

/// A member to pick in a form: their id and "Name <address>".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOption {
    pub user_id: UserId,
    pub label: String,
}

/// A role's login hours: weekdays (bit 0 = Monday … bit 6 = Sunday) and a daily window
/// `[start, end)` as `HH:MM` in the workspace's time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginHours {
    pub days: u8,
    pub start: String,
    pub end: String,
}

/// Weekday names in the order of `LoginHours::days`' bits.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl LoginHours {
    pub fn has_day(&self, index: usize) -> bool {
        self.days & (1 << index) != 0
    }

    /// "Mon, Tue, Wed 08:00–18:00".
    pub fn describe(&self) -> String {
        let days: Vec<&str> = WEEKDAYS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.has_day(*i))
            .map(|(_, d)| *d)
            .collect();
        format!("{} {}–{}", days.join(", "), self.start, self.end)
    }
}

/// One role's row on the login-hours card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHours {
    pub role_id: RoleId,
    pub name: String,
    /// Owners can always sign in, so a workspace cannot lock itself out.
    pub is_owner: bool,
    /// `None`: any time.
    pub hours: Option<LoginHours>,
}

/// The login-hours card: the workspace's time zone and each role's hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginHoursView {
    pub time_zone: String,
    pub roles: Vec<RoleHours>,
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
}

/// A customer as the caller may see it. Sensitive fields are `None` when the caller's roles
/// lack `customers.sensitive` — removed on the server, not hidden by the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
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
    pub updated_at_ms: i64,
}

/// One page of a customer list, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
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

/// One entry of the audit log, for the audit page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at_ms: i64,
    /// The actor's display name; `None` once their account is gone.
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A page of the audit log, newest first; `next` continues after the last entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<String>,
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
