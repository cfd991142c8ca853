//! `privacy/*` endpoints: the public form (no sign-in) and the register of privacy requests.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{PrivacyConfirmed, PrivacyRegister, PrivacyRequestDetail, PublicPrivacyForm};

/// `POST /api/privacy/form` — the workspace whose form lives at `/privacy/{slug}`: its name
/// and the days it gives itself to answer. 404 for an unknown slug. Permission: none (public).
#[server(endpoint = "privacy/form", client = crate::csrf_page::ApiClient)]
pub async fn privacy_form(slug: String) -> Result<PublicPrivacyForm, AppError> {
    use crate::server::{privacy::public, web::context::server_context};
    let ctx = server_context()?;
    let workspace = public::workspace(&ctx.db, &slug).await?;
    Ok(public::form(&ctx.db, &workspace).await?)
}

/// `POST /api/privacy/submit` — files a request through a workspace's public form (`kind`,
/// `name`, `email`, `details`; details required for a correction); each bad field is named
/// (422) and nothing is saved. The request counts only once confirmed from the link mailed to
/// `email`; the answer is the same whether or not a mail goes. Rate limited per address and
/// per email. Permission: none (public).
#[server(endpoint = "privacy/submit", client = crate::csrf_page::ApiClient)]
pub async fn submit_privacy_request(
    slug: String,
    kind: String,
    name: String,
    email: String,
    #[server(default)] details: String,
) -> Result<(), AppError> {
    use crate::server::privacy::{public, requester_mail};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let workspace = public::workspace(&ctx.db, &slug).await?;
    let form = public::Submission {
        kind,
        name,
        email,
        details,
    };
    let origin = auth::origin();
    let Some(to_confirm) = public::submit(&ctx.db, &ctx.clock, &workspace, &form, &origin).await?
    else {
        return Ok(());
    };
    let link = format!(
        "{}/privacy/{}?confirm={}",
        ctx.public_url,
        workspace.slug(),
        to_confirm.token
    );
    let message = requester_mail::confirmation(workspace.name(), to_confirm.kind, &link);
    // Sent after the answer: how long it takes must not tell whether a mail went.
    tokio::spawn(async move {
        requester_mail::send(&ctx.mailer, &to_confirm.requester, message).await;
    });
    Ok(())
}

/// `POST /api/privacy/confirm` — confirms a request from its mailed link: it gets its
/// reference and due day, appears in the register, and the requester is mailed that it was
/// received. An unknown, used or expired link is one 422 on `token`. Permission: the link's
/// token (public).
#[server(endpoint = "privacy/confirm", client = crate::csrf_page::ApiClient)]
pub async fn confirm_privacy_request(
    slug: String,
    token: String,
) -> Result<PrivacyConfirmed, AppError> {
    use crate::server::privacy::{public, requester_mail, requests::Status};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let workspace = public::workspace(&ctx.db, &slug).await?;
    let confirmed =
        public::confirm(&ctx.db, &ctx.clock, &workspace, &token, &auth::origin()).await?;
    let message = requester_mail::step(
        workspace.name(),
        &confirmed.shown.reference,
        confirmed.kind,
        Status::Received,
        "",
        &confirmed.shown.due_on,
    );
    if requester_mail::send(&ctx.mailer, &confirmed.requester, message).await {
        public::mailed(&ctx.db, &workspace, &confirmed.step_id).await?;
    }
    Ok(confirmed.shown)
}

/// `POST /api/privacy/list` — the register: open requests by due day (overdue ones flagged),
/// then the newest finished ones, 200 at most; the public form's address; the days to answer.
/// Permission: `privacy.read`.
#[server(endpoint = "privacy/list", client = crate::csrf_page::ApiClient)]
pub async fn privacy_requests() -> Result<PrivacyRegister, AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::{closure, public, register, settings};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyRead>(&ctx).await?;
    let requests = register::list(&ctx.db, &ctx.clock, &grant).await?;
    let due_days = settings::of(&ctx.db, &grant).await?;
    let slug = public::slug_of(&ctx.db, &grant).await?;
    Ok(PrivacyRegister {
        open: requests
            .iter()
            .filter(|r| !matches!(r.status.as_str(), "completed" | "rejected"))
            .count() as i64,
        overdue: requests.iter().filter(|r| r.overdue).count() as i64,
        requests,
        form_url: format!("{}/privacy/{slug}", ctx.public_url),
        due_days,
        editable: auth::optional::<keys::PrivacyProcess>(&ctx)
            .await?
            .is_some(),
        settable: auth::optional::<keys::SettingsWrite>(&ctx).await?.is_some(),
        closing_on: closure::pending(&ctx.db, &grant).await?,
        owner: grant.held_by_owner(&ctx.db).await?,
    })
}

/// `POST /api/privacy/show` — one request with its timeline, the customers it may be about
/// (by the requester's address or name), the members who may handle it and the statuses it
/// may move to. 404 for one of another workspace or not yet confirmed. Permission:
/// `privacy.read`.
#[server(endpoint = "privacy/show", client = crate::csrf_page::ApiClient)]
pub async fn privacy_request(id: String) -> Result<PrivacyRequestDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::register;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyRead>(&ctx).await?;
    let mut detail = register::detail(&ctx.db, &ctx.clock, &grant, &id).await?;
    detail.editable = auth::optional::<keys::PrivacyProcess>(&ctx)
        .await?
        .is_some();
    Ok(detail)
}

/// `POST /api/privacy/advance` — moves a request on (`status`: verified, in_progress,
/// completed for requests handled by hand, rejected) with a `note` the requester reads
/// (required to reject); the requester is mailed. 409 from a status it cannot follow; 422 to
/// verify without the customer found. Recorded as `privacy.status`. Permission:
/// `privacy.process`.
#[server(endpoint = "privacy/advance", client = crate::csrf_page::ApiClient)]
pub async fn advance_privacy_request(
    id: String,
    status: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::handling;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyProcess>(&ctx).await?;
    let mail = handling::advance(&ctx.db, &ctx.clock, &grant, &id, &status, &note).await?;
    Ok(handling::tell(&ctx.db, &ctx.mailer, &grant, mail).await?)
}

/// `POST /api/privacy/assign` — gives a request to a member who may handle requests
/// (`assignee_id`; empty: nobody). Recorded as `privacy.assign`. Permission:
/// `privacy.process`.
#[server(endpoint = "privacy/assign", client = crate::csrf_page::ApiClient)]
pub async fn assign_privacy_request(
    id: String,
    #[server(default)] assignee_id: String,
) -> Result<(), AppError> {
    use crate::model::UserId;
    use crate::permissions::keys;
    use crate::server::privacy::handling;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyProcess>(&ctx).await?;
    let assignee = match assignee_id.trim() {
        "" => None,
        raw => Some(UserId::from_client(raw.to_owned()).map_err(|_| {
            AppError::validation(
                "assignee_id",
                "Choose a member who may handle privacy requests.",
            )
        })?),
    };
    Ok(handling::assign(&ctx.db, &ctx.clock, &grant, &id, assignee.as_ref()).await?)
}

/// `POST /api/privacy/link` — records which customer of this workspace the request is about
/// (`customer_id`; empty: none), before it is verified. Recorded as `privacy.link`.
/// Permission: `privacy.process`.
#[server(endpoint = "privacy/link", client = crate::csrf_page::ApiClient)]
pub async fn link_privacy_request(
    id: String,
    #[server(default)] customer_id: String,
) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::handling;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyProcess>(&ctx).await?;
    let customer = Some(customer_id.trim()).filter(|c| !c.is_empty());
    Ok(handling::link(&ctx.db, &ctx.clock, &grant, &id, customer).await?)
}

/// `POST /api/privacy/note` — adds an internal note to a request's timeline (never mailed).
/// Recorded as `privacy.note`. Permission: `privacy.process`.
#[server(endpoint = "privacy/note", client = crate::csrf_page::ApiClient)]
pub async fn note_privacy_request(id: String, body: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::handling;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyProcess>(&ctx).await?;
    Ok(handling::note(&ctx.db, &ctx.clock, &grant, &id, &body).await?)
}

/// `POST /api/privacy/fulfil` — carries out a request in progress and completes it: a copy
/// once its archive was downloaded, an erasure of the customer, a restriction, or (by an
/// Owner) the workspace's deletion scheduled after 30 days; the requester is mailed. Recorded as `privacy.erase` / `privacy.restrict` and
/// `privacy.status`. Permission: `privacy.process`.
#[server(endpoint = "privacy/fulfil", client = crate::csrf_page::ApiClient)]
pub async fn fulfil_privacy_request(
    id: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::{fulfilment, handling, public, requester_archive};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyProcess>(&ctx).await?;
    let mut mail = fulfilment::fulfil(&ctx.db, &ctx.clock, &grant, &id, &note).await?;
    if let Some(token) = mail.archive_token.take() {
        let slug = public::slug_of(&ctx.db, &grant).await?;
        mail.message.1.push_str(&format!(
            "\nDownload your data here; the link works for {} days:\n\n{}/privacy/{slug}/archive?token={token}\n",
            requester_archive::LINK_DAYS,
            ctx.public_url
        ));
    }
    Ok(handling::tell(&ctx.db, &ctx.mailer, &grant, mail).await?)
}

/// `POST /api/privacy/cancel_closure` — cancels the workspace's scheduled deletion while its
/// grace period lasts (409 when none is waiting). Recorded as `workspace.closure_cancelled`.
/// Permission: `privacy.process`, held by an Owner (409 for anyone else).
#[server(endpoint = "privacy/cancel_closure", client = crate::csrf_page::ApiClient)]
pub async fn cancel_workspace_closure() -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::closure;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PrivacyProcess>(&ctx).await?;
    Ok(closure::cancel(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/privacy/set_due_days` — the days the workspace gives itself to answer new
/// requests (1–90). Recorded as `settings.privacy`. Permission: `settings.write`.
#[server(endpoint = "privacy/set_due_days", client = crate::csrf_page::ApiClient)]
pub async fn set_privacy_due_days(due_days: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::privacy::settings;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(settings::set(&ctx.db, &ctx.clock, &grant, &due_days).await?)
}
