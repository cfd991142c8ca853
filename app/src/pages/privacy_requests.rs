//! The privacy register (`privacy.read`): every confirmed request, open ones first by due day
//! with the overdue flagged; the address of the workspace's public form; and for holders of
//! `settings.write` the days to answer. A request's own page is [`super::privacy_request`].

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::privacy::{privacy_requests, CancelWorkspaceClosure, SetPrivacyDueDays};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, last_saved, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{privacy_kind_label, utc_date, PrivacyRegister, PrivacyRequestSummary};

use super::privacy_request::{status_badge, PrivacyRequestPage};

/// `/privacy-requests` and `/privacy-requests/:id`, one route.
#[component]
pub fn PrivacyRoutePage() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("id") {
        Some(id) => view! { <PrivacyRequestPage id /> }.into_any(),
        None => view! { <PrivacyRequestsPage /> }.into_any(),
    }
}

#[component]
fn PrivacyRequestsPage() -> impl IntoView {
    let set_days = ServerAction::<SetPrivacyDueDays>::new();
    let cancel = ServerAction::<CancelWorkspaceClosure>::new();
    let saved = (last_saved(set_days), last_saved(cancel));
    let page = Resource::new(
        move || (saved.0.get(), saved.1.get()),
        |_| privacy_requests(),
    );
    view! {
        <Title text="Privacy requests · Gatehouse" />
        <PageHeader
            title="Privacy requests"
            lead="Requests people made through the workspace's privacy form to see, correct, delete, restrict or take away their data."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(register) => register_view(register, set_days, cancel),
                    Err(e) => list_error(e, "the privacy requests"),
                }
            })}
        </Suspense>
    }
}

fn register_view(
    r: PrivacyRegister,
    set_days: ServerAction<SetPrivacyDueDays>,
    cancel: ServerAction<CancelWorkspaceClosure>,
) -> AnyView {
    let counts = format!("{} open · {} overdue", r.open, r.overdue);
    let closing = r
        .closing_on
        .clone()
        .map(|on| closing_card(on, r.owner, cancel));
    let rows = r.requests.into_iter().map(request_row).collect::<Vec<_>>();
    let form_url = r.form_url.clone();
    view! {
        {closing}
        <section class="card" aria-labelledby="form-heading">
            <h2 id="form-heading">"Your public form"</h2>
            <p>"Link to it from your privacy notice: "<a href=form_url.clone() data-privacy-form-url="">{form_url.clone()}</a></p>
            <p class="muted">{format!("Requests are due {} days after the requester confirms them.", r.due_days)}</p>
            {r.settable.then(|| days_form(r.due_days, set_days))}
        </section>
        <section class="card" aria-labelledby="requests-heading">
            <h2 id="requests-heading">"Requests"<span class="muted">" · "{counts}</span></h2>
            <DataTable
                columns=&["Ref.", "Request", "Requester", "Received", "Due", "Assignee", "Status"]
                rows
                empty="No privacy request has been confirmed yet."
            />
        </section>
    }
    .into_any()
}

fn request_row(s: PrivacyRequestSummary) -> impl IntoView {
    let href = format!("/privacy-requests/{}", s.id);
    let due_class = if s.overdue { "text-danger" } else { "" };
    let badge = status_badge(&s);
    let (reference, marker) = (s.reference.clone(), s.reference.clone());
    view! {
        <tr data-privacy-request=marker>
            <td><A href=href>{reference}</A></td>
            <td>{privacy_kind_label(&s.kind).to_owned()}</td>
            <td class="wrap">{s.requester_name.clone()}<br /><span class="muted">{s.requester_email.clone()}</span></td>
            <td>{utc_date(s.received_at_ms)}</td>
            <td class=due_class>{s.due_on.clone()}</td>
            <td>{s.assignee.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td>{badge}</td>
        </tr>
    }
}

fn days_form(days: i64, set_days: ServerAction<SetPrivacyDueDays>) -> AnyView {
    let value = set_days.value();
    view! {
        <ActionForm action=set_days attr:class="form" attr:novalidate=true>
            <CsrfField />
            <TextField
                label="Days to answer"
                name="due_days"
                input_type="number"
                value=days.to_string()
                hint="1 to 90; new requests only."
                error=field_error(value, "due_days")
            />
            <FormAlert error=Signal::derive(move || value.get().and_then(Result::err)) />
            <div class="form-actions">
                <SubmitButton label="Save days" pending_label="Saving…" pending=set_days.pending() />
            </div>
        </ActionForm>
    }
    .into_any()
}

/// The Owner's archive of the whole workspace (served by the server's own route).
const WORKSPACE_EXPORT: &str = "/workspace/export.zip";

/// The workspace is to be deleted: when, and for its Owners the archive to take and a way to
/// cancel (the server allows both to an Owner only).
fn closing_card(on: String, owner: bool, cancel: ServerAction<CancelWorkspaceClosure>) -> AnyView {
    let value = cancel.value();
    view! {
        <section class="card" role="alert" data-closing-on=on.clone()>
            <h2>"This workspace is closing"</h2>
            <p>{format!("At the request of its privacy form, the workspace and everything in it will be deleted after {on}. Export what you need before then.")}</p>
            {owner.then(|| view! {
                <p>
                    <a class="btn btn-primary" href=WORKSPACE_EXPORT download>"Download the workspace's archive"</a>
                </p>
                <p class="muted">"One zip file: every list as CSV, the audit trail with its hashes (verifiable offline), every stored file, and a manifest with each file's SHA-256. Taking it is recorded in the audit log."</p>
                <ActionForm action=cancel attr:class="form">
                    <CsrfField />
                    <FormAlert error=Signal::derive(move || value.get().and_then(Result::err)) />
                    <div class="form-actions">
                        <SubmitButton label="Cancel the closure" pending_label="Cancelling…" pending=cancel.pending() />
                    </div>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}
