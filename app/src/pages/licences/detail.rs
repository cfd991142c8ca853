//! One licence: its key (whole for holders of `licences.write`, masked for others), its terms
//! and status, renewal, suspension and reinstatement, the edit form and its history. Every form
//! names the version the page showed; after any answer the licence is read again, so a change
//! refused as stale leaves the current values on screen beside the reason.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::me;
use crate::api::licences::{
    get_licence, licence_form_options, ReinstateLicence, RenewLicence, SuspendLicence,
    UpdateLicence,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{
    field_error, reset_to_current, SelectField, SubmitButton, TextField,
};
use crate::components::layout::PageHeader;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::model::{DocumentFormOptions, Licence, LicenceDetail, LicenceStatus};
use crate::pages::documents::status_pill;
use crate::pages::history::HistoryCard;
use crate::pages::licences::new::TermsFields;
use crate::permissions::Permission;

/// The actions of the page, made once at its top so their answers outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateLicence>,
    renew: ServerAction<RenewLicence>,
    suspend: ServerAction<SuspendLicence>,
    reinstate: ServerAction<ReinstateLicence>,
}

#[component]
pub fn LicencePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let a = Actions {
        update: ServerAction::new(),
        renew: ServerAction::new(),
        suspend: ServerAction::new(),
        reinstate: ServerAction::new(),
    };
    let changes = move || {
        (
            a.update.version().get(),
            a.renew.version().get(),
            a.suspend.version().get(),
            a.reinstate.version().get(),
        )
    };
    let licence = Resource::new(move || (id(), changes()), |(id, _)| get_licence(id));
    // The form choices, only for those who may change licences (no refused call for readers).
    let options = Resource::new(
        || (),
        |_| async {
            match me().await {
                Ok(Some(u)) if u.can(Permission::LicencesWrite) => {
                    licence_form_options().await.ok()
                }
                _ => None,
            }
        },
    );
    view! {
        <Title text="Licence · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await;
                match licence.await {
                    Ok(detail) => view! { <LicenceView detail options a /> }.into_any(),
                    Err(e) => list_error(e, "this licence"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LicenceView(
    detail: LicenceDetail,
    options: Option<DocumentFormOptions>,
    a: Actions,
) -> impl IntoView {
    let l = detail.licence;
    let steps = detail.can_write.then(|| steps(&l, a));
    let edit = detail
        .can_write
        .then_some(options)
        .flatten()
        .map(|options| edit_form(a, l.clone(), options));
    let suspension = (l.status == LicenceStatus::Suspended).then(|| {
        view! { <dt>"Suspended because"</dt><dd class="notes">{l.suspended_reason.clone()}</dd> }
    });
    let key_hint = l
        .key_masked
        .then(|| view! { <span class="muted">" (shown whole only to those who may manage licences)"</span> });
    let history_id = l.id.as_str().to_owned();
    view! {
        <PageHeader title=format!("{} · {}", l.reference, l.product) lead=l.customer.clone() />
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="sr-only">"Summary"</h2>
            <dl class="details">
                <dt>"Status"</dt><dd>{status_pill(l.status.key(), l.status.label())}</dd>
                <dt>"Licence key"</dt><dd><code class="licence-key">{l.licence_key.clone()}</code>{key_hint}</dd>
                {suspension}
                <dt>"Product"</dt><dd>{l.product.clone()}</dd>
                <dt>"Customer"</dt><dd><a href=format!("/customers/{}", l.customer_id)>{l.customer.clone()}</a></dd>
                <dt>"Seats"</dt><dd>{l.seats}</dd>
                <dt>"Valid"</dt><dd>{format!("{} to {}", l.valid_from, l.valid_until)}</dd>
                <dt>"Assigned to"</dt><dd>{l.assigned_to.clone().unwrap_or_default()}</dd>
                <dt>"Team"</dt><dd>{l.team.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Notes"</dt><dd class="notes">{if l.notes.is_empty() { "—".to_owned() } else { l.notes.clone() }}</dd>
            </dl>
            {steps}
            <p><a href="/licences">"← All licences"</a></p>
        </section>
        {edit}
        <HistoryCard target=history_id sensitive=true />
    }
}

/// Renew, and suspend or reinstate.
fn steps(l: &Licence, a: Actions) -> impl IntoView {
    let (id, version) = (l.id.as_str().to_owned(), l.version.to_string());
    let months: Vec<(String, String)> = [1, 3, 6, 12, 24, 36]
        .into_iter()
        .map(|m| {
            (
                m.to_string(),
                if m == 1 {
                    "1 month".to_owned()
                } else {
                    format!("{m} months")
                },
            )
        })
        .collect();
    let suspend_or_reinstate = if l.status == LicenceStatus::Suspended {
        let fields = vec![("id", id.clone()), ("version", version.clone())];
        view! { <RowAction action=a.reinstate fields label="Reinstate" /> }.into_any()
    } else {
        let (id, version) = (id.clone(), version.clone());
        view! {
            <details class="row-form">
                <summary>"Suspend"</summary>
                <ActionForm action=a.suspend node_ref=reset_to_current(a.suspend.value()) attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="version" value=version />
                    <TextField label="Reason" name="reason" error=field_error(a.suspend.value(), "reason") scope="suspend" maxlength=500 />
                    <SubmitButton label="Suspend licence" pending_label="Suspending…" pending=a.suspend.pending() />
                </ActionForm>
            </details>
        }
        .into_any()
    };
    let error = Signal::derive(move || {
        a.renew
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| a.suspend.value().get().and_then(Result::err))
            .or_else(|| a.reinstate.value().get().and_then(Result::err))
    });
    view! {
        <div class="step-actions">
            <ActionForm action=a.renew node_ref=reset_to_current(a.renew.value()) attr:class="renew-form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <SelectField label="Renew for" name="months" choices=months selected=Some("12".to_owned()) error=field_error(a.renew.value(), "months") />
                <SubmitButton label="Renew" pending_label="Renewing…" pending=a.renew.pending() />
            </ActionForm>
            {suspend_or_reinstate}
        </div>
        <FormAlert error />
    }
}

fn edit_form(a: Actions, l: Licence, options: DocumentFormOptions) -> impl IntoView {
    let errors = Signal::derive(move || a.update.value().get().and_then(Result::err));
    let (id, version) = (l.id.as_str().to_owned(), l.version.to_string());
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit terms"</h2>
            <ActionForm action=a.update node_ref=reset_to_current(a.update.value()) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <TermsFields members=options.members teams=options.teams current=Some(l) errors />
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Save licence" pending_label="Saving…" pending=a.update.pending() />
                </div>
            </ActionForm>
        </section>
    }
}
