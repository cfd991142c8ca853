//! `settings/*` endpoints: the active workspace's security settings.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SecuritySettings;

/// `POST /api/settings/security` — the password policy, session limits, lockout rule and
/// second-factor rule.
/// Permission: `settings.write`.
#[server(endpoint = "settings/security", client = crate::csrf::ApiClient)]
pub async fn get_security_settings() -> Result<SecuritySettings, AppError> {
    use crate::permissions::Permission;
    use crate::server::{auth, context::server_context, settings};
    let ctx = server_context()?;
    let (_, grant) = auth::require(&ctx, Permission::SettingsWrite).await?;
    Ok(settings::load(&ctx.db, grant.workspace()).await?)
}

/// `POST /api/settings/update_security` — saves the password policy and session limits; each
/// bad value is refused with a message naming its field and nothing is saved.
/// Permission: `settings.write`.
#[server(endpoint = "settings/update_security", client = crate::csrf::ApiClient)]
pub async fn update_security_settings(
    password_min_length: String,
    password_require_lowercase: Option<String>,
    password_require_uppercase: Option<String>,
    password_require_digit: Option<String>,
    password_require_symbol: Option<String>,
    password_min_strength: String,
    password_history: String,
    password_expiry_days: String,
    session_idle_minutes: String,
    session_absolute_hours: String,
    max_sessions_per_user: String,
    lockout_threshold: String,
    lockout_minutes: String,
    mfa_policy: String,
) -> Result<(), AppError> {
    use crate::permissions::Permission;
    use crate::server::{auth, context::server_context, settings};
    let ctx = server_context()?;
    let (_, grant) = auth::require(&ctx, Permission::SettingsWrite).await?;
    // A checkbox is sent only when ticked.
    let form = settings::SettingsForm {
        password_min_length,
        password_require_lowercase: password_require_lowercase.is_some(),
        password_require_uppercase: password_require_uppercase.is_some(),
        password_require_digit: password_require_digit.is_some(),
        password_require_symbol: password_require_symbol.is_some(),
        password_min_strength,
        password_history,
        password_expiry_days,
        session_idle_minutes,
        session_absolute_hours,
        max_sessions_per_user,
        lockout_threshold,
        lockout_minutes,
        mfa_policy,
    };
    settings::update(&ctx.db, &ctx.clock, &grant, &form).await?;
    Ok(())
}
