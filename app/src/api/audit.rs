//! `audit/*` endpoints: reading the workspace's audit log.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::AuditPage;

/// `POST /api/audit/list` — the audit log newest first, a page after entry `before` (empty:
/// the newest page, with the chain's last verification and the people to filter by), narrowed
/// by `filter` (actor, action or family, target, days), each checked with its field named.
/// Permission: `audit.read`.
#[server(endpoint = "audit/list", client = crate::csrf_page::ApiClient)]
pub async fn list_audit(
    before: String,
    filter: Option<crate::model::AuditFilter>,
) -> Result<AuditPage, AppError> {
    use crate::permissions::keys;
    use crate::server::audit::{retention, selection::Selection, verifications};
    use crate::server::{access::audit, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    let selection = Selection::parse(&ctx.db, &grant, &filter.unwrap_or_default()).await?;
    let before = Some(before.as_str()).filter(|b| !b.is_empty());
    let mut page = audit::list(&ctx.db, &grant, &selection, before).await?;
    if before.is_none() {
        page.verification = verifications::last(&ctx.db, &grant).await?;
        let kept = retention::of_workspace(&ctx.db, &grant).await?;
        page.retention = Some(crate::model::AuditRetention {
            days: kept.days,
            summary: kept.summary(),
            editable: auth::optional::<keys::SettingsWrite>(&ctx).await?.is_some(),
        });
    }
    Ok(page)
}

/// `POST /api/audit/security` — the workspace's security events of the last 14 days (UTC):
/// failed and refused sign-ins per day, by account and by address, lockouts and refused
/// calls. Permission: `audit.read`.
#[server(endpoint = "audit/security", client = crate::csrf_page::ApiClient)]
pub async fn security_overview() -> Result<crate::model::SecurityOverview, AppError> {
    use crate::permissions::keys;
    use crate::server::audit::security;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(security::overview(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/audit/set_retention` — how many days the workspace keeps its trail (30 to 3650;
/// else 422 on `days`); older entries are purged daily, up to a place a signed checkpoint
/// still covers. Recorded in the trail. Permission: `settings.write`.
#[server(endpoint = "audit/set_retention", client = crate::csrf_page::ApiClient)]
pub async fn set_audit_retention(days: String) -> Result<i64, AppError> {
    use crate::permissions::keys;
    use crate::server::audit::retention;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(retention::set(&ctx.db, &ctx.clock, &grant, &days).await?)
}

/// `POST /api/audit/history` — one record's own history (`target`: its id), newest first.
/// Permission: `audit.read`; entries of another workspace are never found.
#[server(endpoint = "audit/history", client = crate::csrf_page::ApiClient)]
pub async fn record_history(target: String) -> Result<Vec<crate::model::RecordChange>, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::audit, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(audit::history(&ctx.db, &grant, target.trim()).await?)
}

/// `POST /api/audit/sensitive_reads` — who was shown sensitive fields (tax ids, payment
/// references, licence keys), one row per person, record, field and UTC day, newest first, a
/// page after row `before` (empty: the newest page, with the people to filter by), narrowed by
/// `filter` (a person's id; a record's id or its page's). Names records, never values.
/// Permission: `audit.read`.
#[server(endpoint = "audit/sensitive_reads", client = crate::csrf_page::ApiClient)]
pub async fn sensitive_reads(
    before: String,
    filter: Option<crate::model::SensitiveReadFilter>,
) -> Result<crate::model::SensitiveReadPage, AppError> {
    use crate::permissions::keys;
    use crate::server::{audit::sensitive_reads, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    let before = Some(before.trim()).filter(|b| !b.is_empty());
    Ok(sensitive_reads::list(&ctx.db, &grant, &filter.unwrap_or_default(), before).await?)
}

/// `POST /api/audit/alerts` — the workspace's newest alerts (bursts of failed sign-ins on an
/// account or from an address, an administrator signing in from a new address or device,
/// repeated refusals of a sensitive key, roles made to grant sensitive keys), each counted
/// within its hour and mailed once to the holders of `settings.write`; opening them marks
/// them seen for the caller. The thresholds come too for holders of `settings.write`.
/// Permission: `audit.read`.
#[server(endpoint = "audit/alerts", client = crate::csrf_page::ApiClient)]
pub async fn alerts() -> Result<crate::model::AlertsView, AppError> {
    use crate::permissions::keys;
    use crate::server::audit::{alert_thresholds, alerts};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    let items = alerts::list(&ctx.db, &grant).await?;
    alerts::mark_seen(&ctx.db, &grant, ctx.clock.now_ms()).await?;
    let thresholds = match auth::optional::<keys::SettingsWrite>(&ctx).await? {
        Some(settings) => Some(alert_thresholds::load(&ctx.db, &settings).await?),
        None => None,
    };
    Ok(crate::model::AlertsView { items, thresholds })
}

/// `POST /api/audit/unread_alerts` — the navigation's notifications menu: how many of the
/// workspace's alerts were raised or repeated since the caller last marked them seen, and the
/// newest five of them. Permission: `audit.read`.
#[server(endpoint = "audit/unread_alerts", client = crate::csrf_page::ApiClient)]
pub async fn unread_alerts() -> Result<crate::model::UnreadAlerts, AppError> {
    use crate::permissions::keys;
    use crate::server::{audit::alerts, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(alerts::unread(&ctx.db, &grant).await?)
}

/// `POST /api/audit/mark_alerts_read` — the notifications menu's "Mark all as read": the
/// caller has seen every alert raised so far (for themselves only; others keep their count).
/// Permission: `audit.read`.
#[server(endpoint = "audit/mark_alerts_read", client = crate::csrf_page::ApiClient)]
pub async fn mark_alerts_read() -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{audit::alerts, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(alerts::mark_seen(&ctx.db, &grant, ctx.clock.now_ms()).await?)
}

/// `POST /api/audit/set_alert_thresholds` — failed sign-in steps on one account and from one
/// address within 15 minutes, and refusals of one sensitive key to one person within a minute,
/// that raise an alert (each 2 to 1000; else 422 naming the field, nothing saved). Recorded in
/// the trail. Permission: `settings.write`.
#[server(endpoint = "audit/set_alert_thresholds", client = crate::csrf_page::ApiClient)]
pub async fn set_alert_thresholds(
    account_burst: String,
    address_burst: String,
    refusal_burst: String,
) -> Result<crate::model::AlertThresholds, AppError> {
    use crate::permissions::keys;
    use crate::server::audit::alert_thresholds::{self, ThresholdsForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let form = ThresholdsForm {
        account_burst,
        address_burst,
        refusal_burst,
    };
    Ok(alert_thresholds::set(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/audit/backups` — the backups register: the deployment's newest 60 backup runs
/// (`server backup` and the nightly backup) with outcome, size, stored files and the
/// manifest's checksum; why a run failed stays in the server's log. Permission: `audit.read`.
#[server(endpoint = "audit/backups", client = crate::csrf_page::ApiClient)]
pub async fn backups() -> Result<Vec<crate::model::BackupItem>, AppError> {
    use crate::permissions::keys;
    use crate::server::{backups::register, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(register::list(&ctx.db, &grant).await?)
}
