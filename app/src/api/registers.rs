//! `registers/*` endpoints: the registers page — the deployment's data region, retention per
//! record type and the incidents register.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::RegistersView;

/// `POST /api/registers/overview` — the deployment's data region, how long each record type's
/// finished records are kept, the workspace's newest 100 incidents with their timelines, and
/// whether the caller may change them.
/// Permission: `audit.read`.
#[server(endpoint = "registers/overview", client = crate::csrf_page::ApiClient)]
pub async fn registers() -> Result<RegistersView, AppError> {
    use crate::permissions::keys;
    use crate::server::registers::{incidents, retention};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(RegistersView {
        data_region: ctx.data_region.clone(),
        retention: retention::policies(&ctx.db, &grant).await?,
        incidents: incidents::list(&ctx.db, &grant).await?,
        editable: auth::optional::<keys::SettingsWrite>(&ctx).await?.is_some(),
    })
}

/// `POST /api/registers/report_incident` — reports an incident: a title, a severity (low,
/// medium, high, critical), when it was detected (UTC; empty: now; never in the future) and
/// an optional first note; each bad field is named (422) and nothing is saved. Returns its
/// number. Recorded in the trail. Permission: `settings.write`.
#[server(endpoint = "registers/report_incident", client = crate::csrf_page::ApiClient)]
pub async fn report_incident(
    title: String,
    severity: String,
    detected_at: String,
    note: String,
) -> Result<i64, AppError> {
    use crate::permissions::keys;
    use crate::server::registers::incidents::{self, IncidentForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let form = IncidentForm {
        title,
        severity,
        detected_at,
        note,
    };
    Ok(incidents::report(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/registers/advance_incident` — contains or resolves an incident (`step`:
/// `contain` or `resolve`) as of now; `version` is the one the caller saw (409 when stale or
/// when the incident is already past that step; 404 for one of another workspace). Recorded in
/// the trail. Permission: `settings.write`.
#[server(endpoint = "registers/advance_incident", client = crate::csrf_page::ApiClient)]
pub async fn advance_incident(id: String, version: String, step: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::registers::incidents::{self, Step};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    let version = version
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::validation("version", "Reload the page and try again."))?;
    let step = Step::parse(step.trim())?;
    Ok(incidents::advance(&ctx.db, &ctx.clock, &grant, &id, version, step).await?)
}

/// `POST /api/registers/note_incident` — adds a note (up to 5,000 characters, line breaks
/// kept) to an incident's timeline; 404 for one of another workspace. Recorded in the trail.
/// Permission: `settings.write`.
#[server(endpoint = "registers/note_incident", client = crate::csrf_page::ApiClient)]
pub async fn note_incident(id: String, note: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::registers::incidents;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(incidents::add_note(&ctx.db, &ctx.clock, &grant, &id, &note).await?)
}

/// `POST /api/registers/set_retention` — how many days the finished records of `kind` (a
/// record type from the register's list: closed tickets, declined quotes, cancelled orders
/// without payments) are kept before the daily purge removes them: 30 to 3650, or empty to keep
/// them until deleted; a bad value is named (422) and nothing saved. Recorded in the trail with
/// before and after. Permission: `settings.write`.
#[server(endpoint = "registers/set_retention", client = crate::csrf_page::ApiClient)]
pub async fn set_retention(kind: String, days: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::registers::retention;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(retention::set(&ctx.db, &ctx.clock, &grant, &kind, &days).await?)
}
