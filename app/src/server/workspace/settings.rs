//! A workspace's security settings: its password policy and its session limits. Reading them
//! needs no grant (every sign-in and password change applies them); changing them needs
//! `settings.write`.

use sqlx::Row;

use crate::model::{MfaPolicy, SecuritySettings, UserId, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::identity::password_policy::PasswordPolicy;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The settings form as sent: numbers as text (so a bad one gets a message naming it),
/// checkboxes present or absent, empty optional numbers meaning "off".
#[derive(Debug, Default)]
pub struct SettingsForm {
    pub password_min_length: String,
    pub password_require_lowercase: bool,
    pub password_require_uppercase: bool,
    pub password_require_digit: bool,
    pub password_require_symbol: bool,
    pub password_min_strength: String,
    pub password_history: String,
    pub password_expiry_days: String,
    pub session_idle_minutes: String,
    pub session_absolute_hours: String,
    pub max_sessions_per_user: String,
    pub lockout_threshold: String,
    pub lockout_minutes: String,
    pub mfa_policy: String,
}

fn number(field: &'static str, raw: &str, min: u16, max: u16) -> Result<u16, DomainError> {
    raw.trim()
        .parse::<u16>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            DomainError::invalid(field, format!("Enter a whole number from {min} to {max}."))
        })
}

fn optional(
    field: &'static str,
    raw: &str,
    min: u16,
    max: u16,
) -> Result<Option<u16>, DomainError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        number(field, raw, min, max).map(Some)
    }
}

impl SettingsForm {
    /// Checks every field against the bounds the schema enforces too.
    pub fn parse(&self) -> Result<SecuritySettings, DomainError> {
        let settings = SecuritySettings {
            password_min_length: number("password_min_length", &self.password_min_length, 8, 128)?,
            password_require_lowercase: self.password_require_lowercase,
            password_require_uppercase: self.password_require_uppercase,
            password_require_digit: self.password_require_digit,
            password_require_symbol: self.password_require_symbol,
            password_min_strength: number(
                "password_min_strength",
                &self.password_min_strength,
                0,
                4,
            )? as u8,
            password_history: number("password_history", &self.password_history, 0, 24)? as u8,
            password_expiry_days: optional(
                "password_expiry_days",
                &self.password_expiry_days,
                1,
                3650,
            )?,
            session_idle_minutes: number(
                "session_idle_minutes",
                &self.session_idle_minutes,
                5,
                1440,
            )?,
            session_absolute_hours: number(
                "session_absolute_hours",
                &self.session_absolute_hours,
                1,
                720,
            )?,
            max_sessions_per_user: optional(
                "max_sessions_per_user",
                &self.max_sessions_per_user,
                1,
                100,
            )?,
            lockout_threshold: number("lockout_threshold", &self.lockout_threshold, 1, 50)?,
            lockout_minutes: number("lockout_minutes", &self.lockout_minutes, 1, 1440)?,
            mfa_policy: MfaPolicy::from_key(self.mfa_policy.trim()).ok_or_else(|| {
                DomainError::invalid("mfa_policy", "Choose who must use a second factor.")
            })?,
        };
        if u32::from(settings.session_absolute_hours) * 60
            < u32::from(settings.session_idle_minutes)
        {
            return Err(DomainError::invalid(
                "session_absolute_hours",
                "The absolute lifetime can't be shorter than the idle timeout.",
            ));
        }
        Ok(settings)
    }
}

/// The password policy these settings describe.
pub fn policy(s: &SecuritySettings) -> PasswordPolicy {
    PasswordPolicy {
        min_length: s.password_min_length,
        require_lowercase: s.password_require_lowercase,
        require_uppercase: s.password_require_uppercase,
        require_digit: s.password_require_digit,
        require_symbol: s.password_require_symbol,
        min_strength: s.password_min_strength,
        history: s.password_history,
        expiry_days: s.password_expiry_days,
    }
}

fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn small(row: &sqlx::any::AnyRow, column: &str) -> Result<u16, sqlx::Error> {
    let n: i64 = row.try_get(column)?;
    u16::try_from(n).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn small_opt(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<u16>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(column)?
        .map(|n| u16::try_from(n).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .transpose()
}

/// The workspace's settings; the defaults until someone saves them.
pub async fn load(db: &Db, workspace: &WorkspaceId) -> Result<SecuritySettings, DomainError> {
    let row = sqlx::query("SELECT * FROM workspace_settings WHERE workspace_id = $1")
        .bind(workspace.as_str())
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => from_row(&row),
        None => Ok(SecuritySettings::default()),
    }
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<SecuritySettings, DomainError> {
    Ok(SecuritySettings {
        password_min_length: small(row, "password_min_length")?,
        password_require_lowercase: flag(row, "password_require_lowercase")?,
        password_require_uppercase: flag(row, "password_require_uppercase")?,
        password_require_digit: flag(row, "password_require_digit")?,
        password_require_symbol: flag(row, "password_require_symbol")?,
        password_min_strength: small(row, "password_min_strength")? as u8,
        password_history: small(row, "password_history")? as u8,
        password_expiry_days: small_opt(row, "password_expiry_days")?,
        session_idle_minutes: small(row, "session_idle_minutes")?,
        session_absolute_hours: small(row, "session_absolute_hours")?,
        max_sessions_per_user: small_opt(row, "max_sessions_per_user")?,
        lockout_threshold: small(row, "lockout_threshold")?,
        lockout_minutes: small(row, "lockout_minutes")?,
        mfa_policy: {
            let key: String = row.try_get("mfa_policy")?;
            MfaPolicy::from_key(&key).ok_or_else(|| {
                DomainError::Internal(format!("unknown mfa_policy {key:?} in workspace_settings"))
            })?
        },
    })
}

/// Saves the grant's workspace's settings. Needs `settings.write`.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    form: &SettingsForm,
) -> Result<SecuritySettings, DomainError> {
    let s = form.parse()?;
    // Either rule covers whoever edits it (`settings.write` is administrative): requiring a
    // second factor without having one would lock the editor out of this very page.
    if s.mfa_policy != MfaPolicy::Optional
        && crate::server::identity::second_factors::methods(db, grant.user())
            .await?
            .is_none()
    {
        return Err(DomainError::invalid(
            "mfa_policy",
            "Set up two-step sign-in for yourself first, on your account page: this rule applies to you too.",
        ));
    }
    let b = |v: bool| i64::from(v);
    sqlx::query(
        "INSERT INTO workspace_settings (workspace_id, password_min_length, \
         password_require_lowercase, password_require_uppercase, password_require_digit, \
         password_require_symbol, password_min_strength, password_history, password_expiry_days, \
         session_idle_minutes, session_absolute_hours, max_sessions_per_user, lockout_threshold, \
         lockout_minutes, mfa_policy, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (workspace_id) DO UPDATE SET \
         password_min_length = excluded.password_min_length, \
         password_require_lowercase = excluded.password_require_lowercase, \
         password_require_uppercase = excluded.password_require_uppercase, \
         password_require_digit = excluded.password_require_digit, \
         password_require_symbol = excluded.password_require_symbol, \
         password_min_strength = excluded.password_min_strength, \
         password_history = excluded.password_history, \
         password_expiry_days = excluded.password_expiry_days, \
         session_idle_minutes = excluded.session_idle_minutes, \
         session_absolute_hours = excluded.session_absolute_hours, \
         max_sessions_per_user = excluded.max_sessions_per_user, \
         lockout_threshold = excluded.lockout_threshold, \
         lockout_minutes = excluded.lockout_minutes, \
         mfa_policy = excluded.mfa_policy, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(grant.workspace().as_str())
    .bind(i64::from(s.password_min_length))
    .bind(b(s.password_require_lowercase))
    .bind(b(s.password_require_uppercase))
    .bind(b(s.password_require_digit))
    .bind(b(s.password_require_symbol))
    .bind(i64::from(s.password_min_strength))
    .bind(i64::from(s.password_history))
    .bind(s.password_expiry_days.map(i64::from))
    .bind(i64::from(s.session_idle_minutes))
    .bind(i64::from(s.session_absolute_hours))
    .bind(s.max_sessions_per_user.map(i64::from))
    .bind(i64::from(s.lockout_threshold))
    .bind(i64::from(s.lockout_minutes))
    .bind(s.mfa_policy.key())
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .execute(db.pool())
    .await?;
    Ok(s)
}

/// The settings of every workspace `user` is an active member of, in one statement however
/// many there are (a workspace that never saved its settings has the defaults).
async fn member_settings(
    db: &Db,
    user: &UserId,
) -> Result<Vec<(WorkspaceId, SecuritySettings)>, DomainError> {
    let rows = sqlx::query(
        "SELECT m.workspace_id AS member_of, s.* FROM memberships m \
         LEFT JOIN workspace_settings s ON s.workspace_id = m.workspace_id \
         WHERE m.user_id = $1 AND m.deactivated_at IS NULL",
    )
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let workspace = WorkspaceId::from_db(row.try_get("member_of")?);
            let saved = row.try_get::<Option<String>, _>("workspace_id")?.is_some();
            let settings = if saved {
                from_row(row)?
            } else {
                SecuritySettings::default()
            };
            Ok((workspace, settings))
        })
        .collect()
}

/// The policy a new password of `user` must meet: the strictest of the workspaces they are an
/// active member of, since one password guards all of them.
pub async fn policy_for_user(db: &Db, user: &UserId) -> Result<PasswordPolicy, DomainError> {
    Ok(strictest_policy(&member_settings(db, user).await?))
}

/// The lockout rule for `user` as (failures, minutes): the strictest among their workspaces
/// (fewest failures, longest lock); the defaults for an account with no active membership.
pub async fn lockout_for_user(db: &Db, user: &UserId) -> Result<(u16, u16), DomainError> {
    let default = SecuritySettings::default();
    Ok(member_settings(db, user)
        .await?
        .iter()
        .map(|(_, s)| (s.lockout_threshold, s.lockout_minutes))
        .reduce(|(n, m), (n2, m2)| (n.min(n2), m.max(m2)))
        .unwrap_or((default.lockout_threshold, default.lockout_minutes)))
}

/// The rules one account must meet across its workspaces, computed together because every
/// signed-in request needs both: the strictest password policy, and whether any workspace
/// requires a second factor of this person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrictestRules {
    pub password: PasswordPolicy,
    pub mfa_required: bool,
}

pub async fn strictest_for_user(
    db: &Db,
    clock: &Clock,
    user: &UserId,
) -> Result<StrictestRules, DomainError> {
    let settings = member_settings(db, user).await?;
    Ok(StrictestRules {
        password: strictest_policy(&settings),
        mfa_required: mfa_required_in(db, clock, user, &settings).await?,
    })
}

fn strictest_policy(settings: &[(WorkspaceId, SecuritySettings)]) -> PasswordPolicy {
    settings
        .iter()
        .map(|(_, s)| policy(s))
        .reduce(|a, b| a.stricter(&b))
        .unwrap_or_default()
}

/// Whether any workspace `user` is an active member of requires a second factor of them: one
/// requiring it of everyone, or of administrators while their roles there hold an
/// administrative permission. Two statements however many workspaces the person is in.
pub async fn mfa_required_for_user(
    db: &Db,
    clock: &Clock,
    user: &UserId,
) -> Result<bool, DomainError> {
    let settings = member_settings(db, user).await?;
    mfa_required_in(db, clock, user, &settings).await
}

async fn mfa_required_in(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    settings: &[(WorkspaceId, SecuritySettings)],
) -> Result<bool, DomainError> {
    let policies = || settings.iter().map(|(_, s)| s.mfa_policy);
    if policies().any(|p| p == MfaPolicy::Everyone) {
        return Ok(true);
    }
    if !policies().any(|p| p == MfaPolicy::Admins) {
        return Ok(false);
    }
    crate::server::access::role_loading::administers_where(db, clock, user, MfaPolicy::Admins.key())
        .await
}
