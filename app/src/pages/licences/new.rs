//! Issuing a licence: the product and customer (fixed once issued), and the terms every
//! licence form has ([`TermsFields`], shared with the edit form on the licence's page).

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::licences::{licence_form_options, CreateLicence};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{SelectField, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::raw_text::TextArea;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{DocumentFormOptions, Licence};
use crate::pages::documents::{message, pairs};

/// Seats, dates, assignment and notes; `current` fills them for editing.
#[component]
pub fn TermsFields(
    members: Vec<crate::model::MemberOption>,
    teams: Vec<crate::model::TeamOption>,
    current: Option<Licence>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let members = members
        .into_iter()
        .map(|m| (m.user_id.as_str().to_owned(), m.label))
        .collect();
    let teams = teams
        .into_iter()
        .map(|t| (t.id.as_str().to_owned(), t.name))
        .collect();
    let assigned = current
        .as_ref()
        .map(|l| l.assigned_user_id.as_str().to_owned());
    let team = current
        .as_ref()
        .and_then(|l| l.team_id.as_ref().map(|t| t.as_str().to_owned()));
    let seats = current
        .as_ref()
        .map_or_else(|| "1".to_owned(), |l| l.seats.to_string());
    let from = current
        .as_ref()
        .map(|l| l.valid_from.clone())
        .unwrap_or_default();
    let until = current
        .as_ref()
        .map(|l| l.valid_until.clone())
        .unwrap_or_default();
    let notes = current.map(|l| l.notes).unwrap_or_default();
    view! {
        <div class="field-grid">
            <TextField label="Seats" name="seats" value=seats error=message(errors, "seats") inputmode="numeric" maxlength=7 />
            <TextField label="Valid from" name="valid_from" input_type="date" value=from hint="The first day of use. Empty: today." error=message(errors, "valid_from") />
            <TextField label="Valid until" name="valid_until" input_type="date" value=until hint="The last day of use. Empty: a year from the first." error=message(errors, "valid_until") />
            <SelectField label="Assigned to" name="assigned_user_id" choices=members selected=assigned empty="Me" error=message(errors, "assigned_user_id") />
            <SelectField label="Team" name="team_id" choices=teams selected=team empty="No team" error=message(errors, "team_id") />
        </div>
        <div class="field">
            <label for="field-notes">"Notes"</label>
            <TextArea id="field-notes" name="notes" rows=3 maxlength=4000 value=notes />
            <p class="field-error" aria-live="polite">{move || message(errors, "notes").get()}</p>
        </div>
    }
}

#[component]
fn IssueForm(
    options: DocumentFormOptions,
    customer: Option<String>,
    action: ServerAction<CreateLicence>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <section class="card">
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField />
                <div class="field-grid">
                    <SelectField label="Product" name="product_id" choices=pairs(options.products) empty="Choose a product" error=message(errors, "product_id") />
                    <SelectField label="Customer" name="customer_id" choices=pairs(options.customers) selected=customer empty="Choose a customer" error=message(errors, "customer_id") />
                </div>
                <TermsFields members=options.members teams=options.teams current=None errors />
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Issue licence" pending_label="Issuing…" pending=action.pending() />
                    <a href="/licences">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn NewLicencePage() -> impl IntoView {
    let query = use_query_map();
    let customer = query.with_untracked(|q| q.get("customer"));
    let options = Resource::new(|| (), |_| licence_form_options());
    let action = ServerAction::<CreateLicence>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(detail)) = value.get() {
            window()
                .location()
                .set_href(&format!("/licences/{}", detail.licence.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="Issue a licence · Gatehouse" />
        <PageHeader title="Issue a licence" lead="A key is generated when you issue it." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let customer = customer.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(options) => view! { <IssueForm options customer action errors /> }.into_any(),
                        Err(e) => list_error(e, "the licence form"),
                    }
                })
            }}
        </Suspense>
    }
}
