//! What the sign-in defences show and edit: security settings, second factors, the sign-in
//! steps, network rules and login hours.

use serde::{Deserialize, Serialize};

use super::ids::{RoleId, UserId};

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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSetup {
    /// The key to type into the app, in groups of four for reading.
    pub key: String,
    pub otpauth_url: String,
    /// The `otpauth://` URL as a QR code, an SVG document made on the server.
    pub qr_svg: String,
}

crate::redacted_debug!(AppSetup {});

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
    pub id: super::IpRuleId,
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
