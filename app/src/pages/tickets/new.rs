//! Opening a ticket: the customer, subject, priority, queue and what the customer asked. The
//! subject, priority and queue fields ([`TicketFields`]) are shared with the edit form.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::tickets::{ticket_form_options, CreateTicket};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{SelectField, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::raw_text::TextArea;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{DocumentFormOptions, Ticket, TicketPriority};
use crate::pages::documents::{message, pairs};

/// Subject, priority, assignee (empty: unassigned) and team; `current` fills them for editing.
#[component]
pub fn TicketFields(
    members: Vec<crate::model::MemberOption>,
    teams: Vec<crate::model::TeamOption>,
    current: Option<Ticket>,
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
    let priorities = TicketPriority::ALL
        .into_iter()
        .map(|p| (p.key().to_owned(), p.label().to_owned()))
        .collect();
    let subject = current
        .as_ref()
        .map(|t| t.subject.clone())
        .unwrap_or_default();
    let priority = current
        .as_ref()
        .map_or(TicketPriority::Normal, |t| t.priority)
        .key()
        .to_owned();
    let assigned = current
        .as_ref()
        .and_then(|t| t.assigned_user_id.as_ref().map(|u| u.as_str().to_owned()));
    let team = current.and_then(|t| t.team_id.map(|t| t.as_str().to_owned()));
    view! {
        <TextField label="Subject" name="subject" value=subject error=message(errors, "subject") maxlength=200 />
        <div class="field-grid">
            <SelectField label="Priority" name="priority" choices=priorities selected=Some(priority) error=message(errors, "priority") />
            <SelectField label="Assigned to" name="assigned_user_id" choices=members selected=assigned empty="Unassigned" error=message(errors, "assigned_user_id") />
            <SelectField label="Team" name="team_id" choices=teams selected=team empty="No team" error=message(errors, "team_id") />
        </div>
    }
}

#[component]
fn OpenForm(
    options: DocumentFormOptions,
    customer: Option<String>,
    action: ServerAction<CreateTicket>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let customers = pairs(options.customers);
    view! {
        <section class="card">
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField />
                <SelectField label="Customer" name="customer_id" choices=customers selected=customer empty="Choose a customer" error=message(errors, "customer_id") />
                <TicketFields members=options.members teams=options.teams current=None errors />
                <div class="field">
                    <label for="field-message">"What the customer asked"</label>
                    <TextArea id="field-message" name="message" rows=6 maxlength=10000 value=String::new() />
                    <p class="field-error" aria-live="polite">{move || message(errors, "message").get()}</p>
                </div>
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Open ticket" pending_label="Opening…" pending=action.pending() />
                    <a href="/tickets">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let query = use_query_map();
    let customer = query.with_untracked(|q| q.get("customer"));
    let options = Resource::new(|| (), |_| ticket_form_options());
    let action = ServerAction::<CreateTicket>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(detail)) = value.get() {
            window()
                .location()
                .set_href(&format!("/tickets/{}", detail.ticket.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="New ticket · Gatehouse" />
        <PageHeader title="New ticket" lead="Leave it unassigned to put it in its team's queue." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let customer = customer.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(options) => view! { <OpenForm options customer action errors /> }.into_any(),
                        Err(e) => list_error(e, "the ticket form"),
                    }
                })
            }}
        </Suspense>
    }
}
