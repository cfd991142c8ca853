//! The automations page's server functions. Every one needs `integrations.manage`.

// One server-function argument per form field keeps the plain form post working; the macro's
// browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

#[allow(
    unused_imports,
    reason = "used by the server half of the #[server] functions"
)]
use crate::error::AppError;
use leptos::prelude::*;

/// `POST /api/automations/list` — the workspace's automations with their last run, and what a
/// form may choose from: triggers, fields, the roles the caller may give one, members, teams
/// and webhook endpoints. Permission: `integrations.manage`.
#[server(endpoint = "automations/list", client = crate::csrf_page::ApiClient)]
pub async fn list_automations() -> Result<crate::model::AutomationsView, AppError> {
    use crate::permissions::keys;
    use crate::server::integrations::automations::view;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    Ok(view::view(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/automations/save` — makes an automation (no `id`) or changes automation `id` on
/// `version`, the one the caller saw (a stale one is 409). `trigger` is an event from the
/// list; `conditions` and `steps` are JSON lists (`[{"field","op","value"}]`,
/// `[{"action":{"kind":"round_robin","team_id":…},"continue_on_failure":false}]`); `role_id`
/// the role it acts under — never Owner, never beyond what the caller may hand out; `enabled`
/// is `on` to run it. A bad field is 422 naming it and changes nothing. Recorded in the trail.
/// Permission: `integrations.manage`.
#[server(endpoint = "automations/save", client = crate::csrf_page::ApiClient)]
pub async fn save_automation(
    id: Option<String>,
    version: Option<i64>,
    name: String,
    trigger: String,
    conditions: String,
    steps: String,
    role_id: String,
    enabled: Option<String>,
) -> Result<crate::model::AutomationId, AppError> {
    use crate::model::AutomationId;
    use crate::permissions::keys;
    use crate::server::integrations::automations::editing::{self, AutomationForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let form = AutomationForm {
        name,
        trigger,
        conditions,
        steps,
        role_id,
        enabled: enabled.is_some_and(|v| v == "on" || v == "true"),
    };
    let checked = editing::check(&ctx.db, &ctx.clock, &grant, &form).await?;
    match id.filter(|i| !i.trim().is_empty()) {
        None => Ok(editing::create(&ctx.db, &ctx.clock, &grant, checked).await?),
        Some(raw) => {
            let id = AutomationId::from_client(&raw)?;
            let version = version.ok_or_else(|| {
                AppError::validation("version", "Reload the page and make your change again.")
            })?;
            editing::update(&ctx.db, &ctx.clock, &grant, &id, version, checked).await?;
            Ok(id)
        }
    }
}

/// `POST /api/automations/delete` — deletes automation `id` with its run log. Another
/// workspace's automation is 404. Recorded in the trail. Permission: `integrations.manage`.
#[server(endpoint = "automations/delete", client = crate::csrf_page::ApiClient)]
pub async fn delete_automation(id: String) -> Result<(), AppError> {
    use crate::model::AutomationId;
    use crate::permissions::keys;
    use crate::server::integrations::automations::editing;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = AutomationId::from_client(&id)?;
    Ok(editing::delete(&ctx.db, &ctx.clock, &grant, &id).await?)
}

/// `POST /api/automations/runs` — automation `id`'s newest 50 runs, each with its status
/// (pending, running, succeeded, failed, or cut where a loop was stopped) and every step's
/// outcome. Permission: `integrations.manage`.
#[server(endpoint = "automations/runs", client = crate::csrf_page::ApiClient)]
pub async fn automation_runs(id: String) -> Result<Vec<crate::model::AutomationRun>, AppError> {
    use crate::model::AutomationId;
    use crate::permissions::keys;
    use crate::server::integrations::automations::view;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::IntegrationsManage>(&ctx).await?;
    let id = AutomationId::from_client(&id)?;
    Ok(view::runs(&ctx.db, &grant, &id).await?)
}
