//! `/privacy/:slug`: a workspace's public privacy form, open without signing in. With
//! `?confirm=…` (the mailed link) it confirms the request instead — with a button, so that
//! mail scanners opening links confirm nothing.

use crate::components::raw_text::{TextArea, Title};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::privacy::{privacy_form, ConfirmPrivacyRequest, SubmitPrivacyRequest};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::model::{PublicPrivacyForm, PRIVACY_KINDS};

#[component]
pub fn PrivacyFormPage() -> impl IntoView {
    let slug = move || use_params_map().with(|p| p.get("slug").unwrap_or_default());
    let token = move || use_query_map().with(|q| q.get("confirm"));
    let page = Resource::new(slug, privacy_form);
    view! {
        <Title text="Privacy request · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(form) => match token() {
                        Some(token) => confirm_view(form, slug(), token),
                        None => form_view(form, slug()),
                    },
                    Err(e) => list_error(e, "this privacy form"),
                }
            })}
        </Suspense>
    }
}

fn form_view(form: PublicPrivacyForm, slug: String) -> AnyView {
    let action = ServerAction::<SubmitPrivacyRequest>::new();
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let kinds = || {
        PRIVACY_KINDS
        .iter()
        .map(|(key, label, meaning)| {
            let id = format!("privacy-kind-{key}");
            view! {
                <span class="check">
                    <input type="radio" id=id.clone() name="kind" value=*key checked=*key == "access" />
                    <label for=id>{*label}<span class="muted">" — "{*meaning}</span></label>
                </span>
            }
        })
        .collect_view()
    };
    let lead = format!(
        "Ask {} about the personal data it holds about you. We mail you a link to confirm it \
         is you; the answer comes within {} days of your confirmation.",
        form.workspace_name, form.due_days
    );
    view! {
        <PageHeader title=format!("Privacy request to {}", form.workspace_name) lead />
        <section class="card">
            <Show
                when=move || matches!(value.get(), Some(Ok(())))
                fallback=move || {
                    let slug = slug.clone();
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <CsrfField />
                            <input type="hidden" name="slug" value=slug />
                            <fieldset class="checks">
                                <legend>"What are you asking for?"</legend>
                                {kinds()}
                            </fieldset>
                            <p class="field-error" aria-live="polite">{move || field_error(value, "kind").get()}</p>
                            <div class="field-grid">
                                <TextField label="Your name" name="name" maxlength=200 autocomplete="name" error=field_error(value, "name") />
                                <TextField label="Your email" name="email" input_type="email" maxlength=254 autocomplete="email" error=field_error(value, "email") />
                            </div>
                            <div class="field" class:field-invalid=move || field_error(value, "details").with(Option::is_some)>
                                <label for="field-details">"Details (required for a correction)"</label>
                                <TextArea id="field-details" name="details" rows=4 maxlength=4000 value=String::new() />
                                <p class="field-error" aria-live="polite">{move || field_error(value, "details").get()}</p>
                            </div>
                            <FormAlert error />
                            <div class="form-actions">
                                <SubmitButton label="Send request" pending_label="Sending…" pending=action.pending() />
                            </div>
                        </ActionForm>
                    }
                }
            >
                <div class="alert alert-success" role="status" data-privacy-sent="">
                    "Check your mail: we sent a link to confirm your request. It works for 24 hours; until you follow it, nothing is done."
                </div>
            </Show>
        </section>
    }
    .into_any()
}

fn confirm_view(form: PublicPrivacyForm, slug: String, token: String) -> AnyView {
    let action = ServerAction::<ConfirmPrivacyRequest>::new();
    let value = action.value();
    let refused = field_error(value, "token");
    let error = Signal::derive(move || {
        value
            .get()
            .and_then(Result::err)
            .filter(|_| refused.with(Option::is_none))
    });
    view! {
        <PageHeader title=format!("Confirm your privacy request to {}", form.workspace_name) />
        <section class="card">
            {move || {
                let (slug, token) = (slug.clone(), token.clone());
                match value.get() {
                Some(Ok(done)) => view! {
                    <div class="alert alert-success" role="status" data-privacy-confirmed=done.reference.clone()>
                        {format!(
                            "Your request {} is confirmed. {} will answer by {}; we mailed you a copy of this.",
                            done.reference, form.workspace_name, done.due_on
                        )}
                    </div>
                }
                .into_any(),
                _ => view! {
                    <ActionForm action attr:class="form">
                        <CsrfField />
                        <input type="hidden" name="slug" value=slug.clone() />
                        <input type="hidden" name="token" value=token.clone() />
                        <p>"One click and your request counts: it reaches the workspace and its deadline starts."</p>
                        <p class="field-error" role="alert">{move || refused.get()}</p>
                        <FormAlert error />
                        <div class="form-actions">
                            <SubmitButton label="Confirm my request" pending_label="Confirming…" pending=action.pending() />
                        </div>
                    </ActionForm>
                }
                .into_any(),
            }}}
        </section>
    }
    .into_any()
}
