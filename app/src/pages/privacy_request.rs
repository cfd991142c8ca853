//! One privacy request: what was asked, by whom, its timeline, and for holders of
//! `privacy.process` the next steps — find the customer it is about, give it to someone, move
//! it on (the requester is mailed), download the archive, fulfil it, add notes.

use crate::components::raw_text::{TextArea, Title};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::privacy::{
    privacy_request, AdvancePrivacyRequest, AssignPrivacyRequest, FulfilPrivacyRequest,
    LinkPrivacyRequest, NotePrivacyRequest,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, last_saved, SelectField, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction};
use crate::csrf_page::CsrfField;
use crate::model::{
    privacy_kind_label, privacy_status_label, utc_date, PrivacyMatch, PrivacyRequestDetail,
    PrivacyRequestSummary, PrivacyStep,
};

#[derive(Clone, Copy)]
struct Actions {
    advance: ServerAction<AdvancePrivacyRequest>,
    assign: ServerAction<AssignPrivacyRequest>,
    link: ServerAction<LinkPrivacyRequest>,
    note: ServerAction<NotePrivacyRequest>,
    fulfil: ServerAction<FulfilPrivacyRequest>,
}

#[component]
pub fn PrivacyRequestPage(id: String) -> impl IntoView {
    let a = Actions {
        advance: ServerAction::new(),
        assign: ServerAction::new(),
        link: ServerAction::new(),
        note: ServerAction::new(),
        fulfil: ServerAction::new(),
    };
    let saved = (
        last_saved(a.advance),
        last_saved(a.assign),
        last_saved(a.link),
        last_saved(a.note),
        last_saved(a.fulfil),
    );
    let page = Resource::new(
        move || {
            (
                saved.0.get(),
                saved.1.get(),
                saved.2.get(),
                saved.3.get(),
                saved.4.get(),
            )
        },
        move |_| privacy_request(id.clone()),
    );
    view! {
        <Title text="Privacy request · Gatehouse" />
        <p><A href="/privacy-requests">"← Privacy requests"</A></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(detail) => detail_view(detail, a),
                    Err(e) => list_error(e, "this privacy request"),
                }
            })}
        </Suspense>
    }
}

fn detail_view(d: PrivacyRequestDetail, a: Actions) -> AnyView {
    let s = d.summary.clone();
    let finished = matches!(s.status.as_str(), "completed" | "rejected");
    let handling = d.editable && !finished;
    let lead = format!(
        "From {} <{}> · received {} · due {}",
        s.requester_name,
        s.requester_email,
        utc_date(s.received_at_ms),
        s.due_on
    );
    let steps = d.steps.iter().cloned().map(step_row).collect::<Vec<_>>();
    let details = (!d.details.is_empty()).then(|| d.details.clone());
    view! {
        <PageHeader title=format!("{}: {}", s.reference, privacy_kind_label(&s.kind)) lead />
        <p class="muted">{status_badge(&s)}" Assigned to "{s.assignee.clone().unwrap_or_else(|| "nobody".to_owned())}"."</p>
        <section class="card" aria-labelledby="asked-heading">
            <h2 id="asked-heading">"What was asked"</h2>
            <p class="pre-wrap">{details.unwrap_or_else(|| "No details given.".to_owned())}</p>
            {d.outcome.clone().map(|o| view! { <p class="pre-wrap" data-privacy-outcome=""><strong>"Outcome: "</strong>{o}</p> })}
        </section>
        {customer_card(&d, a.link)}
        {handling.then(|| steps_card(&d, a))}
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Timeline"</h2>
            <DataTable columns=&["When", "Who", "Step", "Text", "Requester mailed"] rows=steps empty="Nothing yet." />
        </section>
        {d.editable.then(|| note_card(s.id.clone(), a.note))}
    }
    .into_any()
}

fn customer_card(d: &PrivacyRequestDetail, link: ServerAction<LinkPrivacyRequest>) -> AnyView {
    let choosing = d.editable && d.summary.status == "received";
    let id = d.summary.id.clone();
    let state = d.customer_state.clone();
    let chosen = match d.customer.clone() {
        Some(c) => {
            let href = format!("/customers/{}", c.id);
            view! {
                <p data-privacy-customer="">
                    "About "<A href=href>{c.name}</A>
                    {state.map(|s| view! { " · "<span class="badge badge-muted">{s}</span> })}
                </p>
            }
            .into_any()
        }
        None => view! { <p data-privacy-customer="">"Not found yet."</p> }.into_any(),
    };
    let rows = d
        .matches
        .iter()
        .cloned()
        .map(|m| match_row(m, &id, choosing, link))
        .collect::<Vec<_>>();
    let error = Signal::derive(move || link.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="customer-heading">
            <h2 id="customer-heading">"The customer it is about"</h2>
            {chosen}
            <FormAlert error />
            {choosing.then(|| view! {
                <DataTable columns=&["Customer", "Matched by", ""] rows empty="No customer has the requester's address or name." />
            })}
        </section>
    }
    .into_any()
}

fn match_row(
    m: PrivacyMatch,
    request: &str,
    choosing: bool,
    link: ServerAction<LinkPrivacyRequest>,
) -> impl IntoView {
    let fields = vec![("id", request.to_owned()), ("customer_id", m.id.clone())];
    let label = format!("This is {}", m.name);
    view! {
        <tr>
            <td>{m.name.clone()}</td>
            <td>{m.why}</td>
            <td>{choosing.then(|| view! { <RowAction action=link fields label="Choose" aria_label=label /> })}</td>
        </tr>
    }
}

fn steps_card(d: &PrivacyRequestDetail, a: Actions) -> AnyView {
    let id = d.summary.id.clone();
    let next: Vec<(String, String)> = d
        .next
        .iter()
        .map(|s| (s.clone(), privacy_status_label(s).to_owned()))
        .collect();
    let handlers: Vec<(String, String)> = d
        .handlers
        .iter()
        .map(|h| (h.user_id.clone(), h.name.clone()))
        .collect();
    let archive = matches!(d.summary.kind.as_str(), "access" | "portability")
        && matches!(d.summary.status.as_str(), "verified" | "in_progress");
    let archive_href = format!("/privacy-requests/{id}/archive.zip");
    let assignee = d.assignee_id.clone();
    let fulfil = d.fulfil.clone();
    let (id_advance, id_fulfil) = (id.clone(), id.clone());
    let advance_value = a.advance.value();
    let fulfil_value = a.fulfil.value();
    view! {
        <section class="card" aria-labelledby="handle-heading">
            <h2 id="handle-heading">"Handle the request"</h2>
            <ActionForm action=a.assign attr:class="form form-inline">
                <CsrfField />
                <input type="hidden" name="id" value=id.clone() />
                <SelectField label="Assignee" name="assignee_id" choices=handlers selected=assignee empty="Nobody" error=field_error(a.assign.value(), "assignee_id") />
                <div class="form-actions">
                    <SubmitButton label="Assign" pending_label="Assigning…" pending=a.assign.pending() />
                </div>
            </ActionForm>
            {archive.then(|| view! {
                <p><a class="btn" href=archive_href download="">"Download the archive"</a>
                <span class="muted">" JSON with everything held about the customer, and their files."</span></p>
            })}
            {(!next.is_empty()).then(|| view! {
                <ActionForm action=a.advance attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="id" value=id_advance />
                    <SelectField label="Move to" name="status" choices=next error=field_error(advance_value, "status") />
                    <div class="field">
                        <label for="field-advance-note">"Message to the requester (required to reject)"</label>
                        <TextArea id="field-advance-note" name="note" rows=3 maxlength=4000 value=String::new() />
                        <p class="field-error" aria-live="polite">{move || field_error(advance_value, "note").get()}</p>
                    </div>
                    <FormAlert error=Signal::derive(move || advance_value.get().and_then(Result::err)) />
                    <div class="form-actions">
                        <SubmitButton label="Update and tell the requester" pending_label="Updating…" pending=a.advance.pending() />
                    </div>
                </ActionForm>
            })}
            {fulfil.map(|words| view! {
                <ActionForm action=a.fulfil attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="id" value=id_fulfil />
                    <p data-privacy-fulfil="">{words}</p>
                    <div class="field">
                        <label for="field-fulfil-note">"Add to the requester's message (optional)"</label>
                        <TextArea id="field-fulfil-note" name="note" rows=2 maxlength=4000 value=String::new() />
                    </div>
                    <FormAlert error=Signal::derive(move || fulfil_value.get().and_then(Result::err)) />
                    <div class="form-actions">
                        <SubmitButton label="Fulfil and complete" pending_label="Working…" pending=a.fulfil.pending() />
                    </div>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

fn note_card(id: String, note: ServerAction<NotePrivacyRequest>) -> AnyView {
    let value = note.value();
    view! {
        <section class="card" aria-labelledby="note-heading">
            <h2 id="note-heading">"Internal note"</h2>
            <ActionForm action=note attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for="field-note-body">"Note (never mailed)"</label>
                    <TextArea id="field-note-body" name="body" rows=2 maxlength=4000 value=String::new() />
                    <p class="field-error" aria-live="polite">{move || field_error(value, "body").get()}</p>
                </div>
                <div class="form-actions">
                    <SubmitButton label="Add note" pending_label="Adding…" pending=note.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn step_row(s: PrivacyStep) -> impl IntoView {
    let step = s
        .status
        .as_deref()
        .map_or("Note", privacy_status_label)
        .to_owned();
    view! {
        <tr>
            <td>{utc_date(s.at_ms)}</td>
            <td>{s.author.unwrap_or_else(|| "Requester or server".to_owned())}</td>
            <td>{step}</td>
            <td class="wrap pre-wrap">{s.body}</td>
            <td>{if s.mailed { "Yes" } else { "—" }}</td>
        </tr>
    }
}

/// The status with its badge; "Overdue" beside it when past the due day.
pub(super) fn status_badge(s: &PrivacyRequestSummary) -> AnyView {
    let class = match s.status.as_str() {
        "completed" => "badge badge-first",
        "rejected" => "badge badge-first badge-muted",
        _ => "badge badge-first",
    };
    let words = privacy_status_label(&s.status).to_owned();
    view! {
        <span class=class data-privacy-status=s.status.clone()>{words}</span>
        {s.overdue.then(|| view! { " "<span class="badge badge-danger">"Overdue"</span> })}
    }
    .into_any()
}
