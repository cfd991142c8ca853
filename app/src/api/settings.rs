//! `settings/*` endpoints: the active workspace's security settings.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{LoginHoursView, NetworkAccess, SecuritySettings};

/// `POST /api/settings/security` — the password policy, session limits, lockout rule and
/// second-factor rule.
/// Permission: `settings.write`.
#[server(endpoint = "settings/security", client = crate::csrf_page::ApiClient)]
pub async fn get_security_settings() -> Result<SecuritySettings, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::settings};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(settings::load(&ctx.db, grant.workspace()).await?)
}

/// `POST /api/settings/update_security` — saves the password policy and session limits; each
/// bad value is refused with a message naming its field and nothing is saved.
/// Permission: `settings.write`.
#[server(endpoint = "settings/update_security", client = crate::csrf_page::ApiClient)]
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
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::settings};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
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

/// `POST /api/settings/network` — the workspace's network rules, the members they can name and
/// the caller's own address. Permission: `settings.write`.
#[server(endpoint = "settings/network", client = crate::csrf_page::ApiClient)]
pub async fn get_network_access() -> Result<NetworkAccess, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::ip_rules};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(NetworkAccess {
        rules: ip_rules::list(&ctx.db, &grant).await?,
        members: ip_rules::member_options(&ctx.db, &grant).await?,
        your_address: auth::client_addr().map(|ip| ip.to_canonical().to_string()),
    })
}

/// `POST /api/settings/add_ip_rule` — adds an allow or deny entry (an address or CIDR range,
/// IPv4 or IPv6) for everyone or one member. An entry that would block the caller's own
/// address needs `block_me_too`. Permission: `settings.write`.
#[server(endpoint = "settings/add_ip_rule", client = crate::csrf_page::ApiClient)]
pub async fn add_ip_rule(
    kind: String,
    cidr: String,
    user_id: String,
    note: String,
    block_me_too: Option<String>,
) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::ip_rules};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let form = ip_rules::NewRule {
        kind,
        cidr,
        user_id,
        note,
        block_me_too: block_me_too.is_some(),
    };
    ip_rules::add(&ctx.db, &ctx.clock, &grant, &form, auth::client_addr()).await?;
    Ok(())
}

/// `POST /api/settings/remove_ip_rule` — removes an entry; one of another workspace answers
/// 404. Removing the allow entry that lets the caller in is refused (409).
/// Permission: `settings.write`.
#[server(endpoint = "settings/remove_ip_rule", client = crate::csrf_page::ApiClient)]
pub async fn remove_ip_rule(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::ip_rules};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let id = crate::model::IpRuleId::from_client(&id)?;
    let ip = auth::client_addr();
    ip_rules::remove(&ctx.db, &grant, &id, ip).await?;
    Ok(())
}

/// `POST /api/settings/login_hours` — the workspace's time zone and each role's login hours.
/// Permission: `settings.write`.
#[server(endpoint = "settings/login_hours", client = crate::csrf_page::ApiClient)]
pub async fn get_login_hours() -> Result<LoginHoursView, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::login_hours};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(login_hours::view(&ctx.db, &grant).await?)
}

/// `POST /api/settings/set_time_zone` — the zone login hours are read in (an IANA name).
/// Permission: `settings.write`.
#[server(endpoint = "settings/set_time_zone", client = crate::csrf_page::ApiClient)]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::login_hours};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(login_hours::set_time_zone(&ctx.db, &ctx.clock, &grant, &time_zone).await?)
}

/// `POST /api/settings/set_login_hours` — the weekdays (`mon` … `sun` ticked) and daily window
/// (`HH:MM`, end exclusive, `24:00` allowed) a role's holders may use the workspace in; not for
/// the Owner role. Permission: `settings.write`.
#[server(endpoint = "settings/set_login_hours", client = crate::csrf_page::ApiClient)]
pub async fn set_login_hours(
    role_id: String,
    start: String,
    end: String,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::login_hours};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let form = login_hours::HoursForm {
        role_id,
        days: [mon, tue, wed, thu, fri, sat, sun].map(|d| d.is_some()),
        start,
        end,
    };
    Ok(login_hours::set(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/settings/clear_login_hours` — lets a role's holders in at any time again.
/// Permission: `settings.write`.
#[server(endpoint = "settings/clear_login_hours", client = crate::csrf_page::ApiClient)]
pub async fn clear_login_hours(role_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::login_hours};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(login_hours::clear(
        &ctx.db,
        &grant,
        &crate::model::RoleId::from_client(role_id)?,
    )
    .await?)
}

/// `POST /api/settings/sales_terms` — the currency and tax rate new quotes and orders take.
/// Permission: `settings.write`.
#[server(endpoint = "settings/sales_terms", client = crate::csrf_page::ApiClient)]
pub async fn get_sales_terms() -> Result<crate::model::SalesTerms, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::sales_terms};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(sales_terms::get(&ctx.db, &grant).await?)
}

/// `POST /api/settings/set_sales_terms` — sets them (an ISO 4217 `currency`, a `tax_rate` in
/// percent, the refund amount above which a second person must approve, and how many days such
/// a request stands); documents already made keep their currency and tax; audited.
/// Permission: `settings.write`.
#[server(endpoint = "settings/set_sales_terms", client = crate::csrf_page::ApiClient)]
pub async fn set_sales_terms(
    currency: String,
    tax_rate: String,
    refund_approval_over: String,
    approval_expiry_days: String,
) -> Result<crate::model::SalesTerms, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::sales_terms};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let form = sales_terms::TermsForm {
        currency,
        tax_rate,
        refund_approval_over,
        approval_expiry_days,
    };
    Ok(sales_terms::set(&ctx.db, &ctx.clock, &grant, &form).await?)
}
