//! The registers (`audit.read`): where the deployment keeps its data, and the incidents
//! register — each incident with its severity, when it was detected, contained and resolved,
//! and its timeline. Holders of `settings.write` report incidents, move them on and add notes.

use crate::components::raw_text::{TextArea, Title};
use leptos::prelude::*;

use crate::api::registers::{
    registers, AdvanceIncident, NoteIncident, ReportIncident, SetRetention,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{
    cleared_on_success, field_error, last_saved, SelectField, SubmitButton, TextField,
};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{
    utc_datetime, IncidentItem, RegistersView, RetentionPolicy, INCIDENT_SEVERITIES,
};

#[derive(Clone, Copy)]
struct Actions {
    report: ServerAction<ReportIncident>,
    advance: ServerAction<AdvanceIncident>,
    note: ServerAction<NoteIncident>,
    retention: ServerAction<SetRetention>,
}

#[component]
pub fn RegistersPage() -> impl IntoView {
    let actions = Actions {
        report: ServerAction::new(),
        advance: ServerAction::new(),
        note: ServerAction::new(),
        retention: ServerAction::new(),
    };
    let saved = (
        last_saved(actions.report),
        last_saved(actions.advance),
        last_saved(actions.note),
        last_saved(actions.retention),
    );
    let page = Resource::new(
        move || (saved.0.get(), saved.1.get(), saved.2.get(), saved.3.get()),
        |_| registers(),
    );
    view! {
        <Title text="Registers · Gatehouse" />
        <PageHeader title="Registers" lead="Where the data is kept, for how long, and what went wrong." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => registers_view(view, actions),
                    Err(e) => list_error(e, "the registers"),
                }
            })}
        </Suspense>
    }
}

fn registers_view(v: RegistersView, actions: Actions) -> AnyView {
    let region = v.data_region.unwrap_or_else(|| {
        "Not stated: the operator sets it with GATEHOUSE_DATA_REGION.".to_owned()
    });
    let choices: Vec<(String, String)> = v
        .incidents
        .iter()
        .map(|i| (i.id.clone(), format!("#{} {}", i.number, i.title)))
        .collect();
    let editable = v.editable;
    let rows = v
        .incidents
        .into_iter()
        .map(|i| row(i, editable, actions.advance))
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="region-heading">
            <h2 id="region-heading">"Data region"</h2>
            <p data-register="region">{region}</p>
        </section>
        {retention_card(v.retention, editable, actions.retention)}
        {editable.then(|| report_card(actions.report))}
        <section class="card" aria-labelledby="incidents-heading">
            <h2 id="incidents-heading">"Incidents"</h2>
            <FormAlert error=Signal::derive(move || actions.advance.value().get().and_then(Result::err)) />
            <DataTable columns=&["#", "What", "Severity", "Status", "When", ""] rows empty="No incident has been reported." />
        </section>
        {(editable && !choices.is_empty()).then(|| note_card(choices, actions.note))}
    }
    .into_any()
}

fn when(what: &'static str, ms: Option<i64>) -> Option<AnyView> {
    ms.map(|ms| view! { <div>{format!("{what} {}", utc_datetime(ms))}</div> }.into_any())
}

fn row(i: IncidentItem, editable: bool, advance: ServerAction<AdvanceIncident>) -> AnyView {
    let severity = INCIDENT_SEVERITIES
        .iter()
        .find(|(key, _)| *key == i.severity)
        .map_or("", |(_, words)| *words);
    let notes = i
        .notes
        .into_iter()
        .map(|n| {
            let by = n.author.unwrap_or_else(|| "A former member".to_owned());
            view! {
                <li><span class="muted">{format!("{} · {by}", utc_datetime(n.at_ms))}</span><div class="note-body">{n.body}</div></li>
            }
        })
        .collect::<Vec<_>>();
    let timeline = (!notes.is_empty()).then(|| {
        let count = notes.len();
        view! {
            <details>
                <summary>{format!("Timeline ({count})")}</summary>
                <ol class="timeline">{notes}</ol>
            </details>
        }
    });
    let step = |label: &'static str, step: &'static str| {
        let (id, version) = (i.id.clone(), i.version.to_string());
        view! {
            <ActionForm action=advance attr:class="inline-form">
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="step" value=step />
                <button type="submit" class="btn btn-small">{label}</button>
            </ActionForm>
        }
    };
    let buttons = editable.then(|| match i.status.as_str() {
        "open" => {
            Some(view! { {step("Contained", "contain")} {step("Resolved", "resolve")} }.into_any())
        }
        "contained" => Some(step("Resolved", "resolve").into_any()),
        _ => None,
    });
    let status = i.status.clone();
    let status_words = match i.status.as_str() {
        "open" => "Open",
        "contained" => "Contained",
        _ => "Resolved",
    };
    view! {
        <tr data-incident=i.number data-status=status>
            <td class="numeric">{i.number}</td>
            <td class="wrap">
                <strong>{i.title}</strong>
                <div class="muted">{i.reported_by.map(|by| format!("Reported by {by}"))}</div>
                {timeline}
            </td>
            <td><span class=format!("severity severity-{}", i.severity)>{severity}</span></td>
            <td>{status_words}</td>
            <td class="muted times">
                <div>{format!("Detected {}", utc_datetime(i.detected_at_ms))}</div>
                {when("Contained", i.contained_at_ms)}
                {when("Resolved", i.resolved_at_ms)}
            </td>
            <td class="actions-cell">{buttons}</td>
        </tr>
    }
    .into_any()
}

fn report_card(report: ServerAction<ReportIncident>) -> AnyView {
    let value = report.value();
    let severities = INCIDENT_SEVERITIES
        .iter()
        .map(|(key, words)| ((*key).to_owned(), (*words).to_owned()))
        .collect();
    view! {
        <section class="card" aria-labelledby="report-heading">
            <h2 id="report-heading">"Report an incident"</h2>
            <ActionForm action=report node_ref=cleared_on_success(value) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <TextField label="What happened" name="title" maxlength=200 error=field_error(value, "title") />
                <div class="field-grid">
                    <SelectField label="Severity" name="severity" choices=severities selected=Some("medium".to_owned()) error=field_error(value, "severity") />
                    <TextField label="Detected at (UTC)" name="detected_at" input_type="datetime-local" hint="Empty: now." error=field_error(value, "detected_at") />
                </div>
                <div class="field">
                    <label for="field-report-note">"What is known so far"</label>
                    <TextArea id="field-report-note" name="note" rows=3 maxlength=5000 value=String::new() />
                    <p class="field-error" aria-live="polite">{move || field_error(value, "note").get()}</p>
                </div>
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <p class="alert alert-success" role="status">
                        {move || value.get().and_then(Result::ok).map(|n| format!("Incident #{n} reported."))}
                    </p>
                </Show>
                <div class="form-actions">
                    <SubmitButton label="Report incident" pending_label="Reporting…" pending=report.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn note_card(choices: Vec<(String, String)>, note: ServerAction<NoteIncident>) -> AnyView {
    let value = note.value();
    view! {
        <section class="card" aria-labelledby="note-heading">
            <h2 id="note-heading">"Add to a timeline"</h2>
            <ActionForm action=note node_ref=cleared_on_success(value) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <SelectField label="Incident" name="id" choices=choices error=field_error(value, "id") />
                <div class="field">
                    <label for="field-incident-note">"Note"</label>
                    <TextArea id="field-incident-note" name="note" rows=3 maxlength=5000 value=String::new() />
                    <p class="field-error" aria-live="polite">{move || field_error(value, "note").get()}</p>
                </div>
                <FormAlert error=Signal::derive(move || value.get().and_then(Result::err)) />
                <div class="form-actions">
                    <SubmitButton label="Add note" pending_label="Adding…" pending=note.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn retention_card(
    policies: Vec<RetentionPolicy>,
    editable: bool,
    set: ServerAction<SetRetention>,
) -> AnyView {
    let value = set.value();
    let rows = policies
        .into_iter()
        .map(|p| {
            let kept = p.days.map_or_else(
                || "Until deleted".to_owned(),
                |d| format!("{d} days"),
            );
            let kind = p.kind.clone();
            let form = editable.then(|| {
                let days = p.days.map(|d| d.to_string()).unwrap_or_default();
                let label = format!("Days to keep {}", p.words.to_lowercase());
                view! {
                    <ActionForm action=set attr:class="inline-form" attr:novalidate=true>
                        <CsrfField />
                        <input type="hidden" name="kind" value=kind />
                        <input type="number" name="days" min="30" max="3650" value=days aria-label=label class="input-days" />
                        <button type="submit" class="btn btn-small">"Save"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr data-retention=p.kind>
                    <td>{p.words}</td>
                    <td>{kept}</td>
                    <td class="actions-cell">{form}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="retention-heading">
            <h2 id="retention-heading">"Retention"</h2>
            <p class="muted">"Finished records older than this are removed each night, with their lines, messages and files; customers with no activity are erased instead, their orders and payments kept. The audit log names each one. Empty: kept until deleted."</p>
            <p class="field-error" aria-live="polite">{move || field_error(value, "days").get()}</p>
            <DataTable columns=&["Records", "Kept", ""] rows empty="No record type has a retention policy." />
        </section>
    }
    .into_any()
}
