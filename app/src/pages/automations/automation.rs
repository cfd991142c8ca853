//! One automation: change it, pause it, delete it, and read its run log — each run with the
//! event that started it, its status and every step's outcome.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use super::form;
use crate::api::automations::{
    automation_runs, list_automations, DeleteAutomation, SaveAutomation,
};
use crate::components::alert::list_error;
use crate::components::form::{last_saved, reload_to_on_success, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{utc_datetime, AutomationRun, AutomationsView};

#[component]
pub fn AutomationPage(id: String) -> impl IntoView {
    let save = ServerAction::<SaveAutomation>::new();
    let delete = ServerAction::<DeleteAutomation>::new();
    reload_to_on_success(delete.value(), "/settings/automations");
    let saved = last_saved(save);
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(
        move || (id.clone(), saved.get(), refresh.get()),
        |(id, ..)| async move {
            Ok::<_, crate::error::AppError>((
                automation_runs(id.clone()).await?,
                list_automations().await?,
                id,
            ))
        },
    );
    view! {
        <Title text="Automation · Gatehouse" />
        <PageHeader title="Automation" lead="What it does, and every run: the event that started it and how each step went." />
        <p><a href="/settings/automations">"← All automations"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok((runs, v, id)) => automation_view(&id, runs, v, save, delete, refresh),
                    Err(e) => list_error(e, "the automation"),
                }
            })}
        </Suspense>
    }
}

fn automation_view(
    id: &str,
    runs: Vec<AutomationRun>,
    v: AutomationsView,
    save: ServerAction<SaveAutomation>,
    delete: ServerAction<DeleteAutomation>,
    refresh: RwSignal<u32>,
) -> AnyView {
    let Some(automation) = v.automations.iter().find(|a| a.id.as_str() == id).cloned() else {
        return list_error(crate::error::AppError::NotFound, "the automation");
    };
    let rows = runs.into_iter().map(|r| run_row(r, &v)).collect::<Vec<_>>();
    let delete_value = delete.value();
    view! {
        <section class="card" aria-labelledby="edit-automation-heading">
            <h2 id="edit-automation-heading">{automation.name.clone()}</h2>
            <p class="muted">{format!("Made or last changed by {}; acts as {}.", automation.author, automation.role)}</p>
            {form::automation_form(&v, Some(&automation), save)}
        </section>
        <section class="card" aria-labelledby="runs-heading">
            <h2 id="runs-heading">"Runs"</h2>
            <div class="form-actions">
                <button type="button" class="btn btn-small" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <DataTable
                columns=&["Started", "Event", "Status", "Steps"]
                rows
                empty="It has not run yet."
            />
        </section>
        <section class="card" aria-labelledby="delete-automation-heading">
            <h2 id="delete-automation-heading">"Delete"</h2>
            <ActionForm action=delete attr:class="form">
                <CsrfField />
                <input type="hidden" name="id" value=automation.id.as_str().to_owned() />
                <p class="muted">"Its run log goes with it. Records it changed stay as they are."</p>
                <p class="field-error" aria-live="polite">
                    {move || delete_value.get().and_then(Result::err).map(|e| e.to_string())}
                </p>
                <div class="form-actions">
                    <SubmitButton label="Delete automation" pending_label="Deleting…" pending=delete.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn run_row(r: AutomationRun, v: &AutomationsView) -> impl IntoView {
    let badge = match r.status.as_str() {
        "succeeded" => "badge badge-first",
        "failed" | "cut" => "badge badge-danger",
        _ => "badge badge-muted",
    };
    let event = v
        .triggers
        .iter()
        .find(|t| t.id == r.event_type)
        .map_or_else(|| r.event_type.clone(), |t| t.name.clone());
    let depth = (r.depth > 1).then(|| format!(" · set off by an automation, depth {}", r.depth));
    let steps = r
        .steps
        .into_iter()
        .map(|s| {
            view! {
                <li data-outcome=s.outcome.clone()>
                    <span class="strong">{format!("{}. {}", s.position, s.outcome)}</span>
                    " — "{s.detail}
                </li>
            }
        })
        .collect_view();
    view! {
        <tr data-run=r.status.clone()>
            <td class="muted">{utc_datetime(r.created_at_ms)}</td>
            <td class="wrap">
                {event}<br />
                {match r.record_href {
                    Some(href) => view! { <a href=href><code>{r.record_id}</code></a> }.into_any(),
                    None => view! { <code>{r.record_id}</code> }.into_any(),
                }}
                {depth}
            </td>
            <td><span class=badge>{r.status.clone()}</span></td>
            <td class="wrap">
                <ul class="plain-list">{steps}</ul>
                {(!r.mails.is_empty()).then(|| view! {
                    <ul class="plain-list muted" data-mails="">
                        {r.mails.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                    </ul>
                })}
            </td>
        </tr>
    }
}
