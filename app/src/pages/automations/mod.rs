//! Automations (`integrations.manage`): the workspace's automations with their last run and a
//! form to make one ([`form`]); each automation has its own page ([`automation`]) to change
//! or delete it and read its run log.

mod automation;
mod form;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::automations::{list_automations, SaveAutomation};
use crate::components::alert::list_error;
use crate::components::form::last_saved;
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::model::{utc_datetime, Action, AutomationSummary, AutomationsView};

#[component]
pub fn AutomationsRoutePage() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("id") {
        Some(id) => view! { <automation::AutomationPage id /> }.into_any(),
        None => view! { <AutomationsPage /> }.into_any(),
    }
}

#[component]
fn AutomationsPage() -> impl IntoView {
    let save = ServerAction::<SaveAutomation>::new();
    let saved = last_saved(save);
    let page = Resource::new(move || saved.get(), |_| list_automations());
    view! {
        <Title text="Automations · Gatehouse" />
        <PageHeader
            title="Automations"
            lead="When a record is created or changed, or on a schedule, and your conditions hold, run steps in order: assign it or share it out within a team, set a status, tag, open a ticket, send a mail, or tell a webhook endpoint."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => automations_view(view, save),
                    Err(e) => list_error(e, "the automations"),
                }
            })}
        </Suspense>
    }
}

fn automations_view(v: AutomationsView, save: ServerAction<SaveAutomation>) -> AnyView {
    let rows = v
        .automations
        .iter()
        .map(|a| automation_row(a, &v))
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="automations-heading">
            <h2 id="automations-heading">"Automations"</h2>
            <DataTable
                columns=&["Automation", "When", "Steps", "Acts as", "Last run"]
                rows
                empty="No automation has been made."
            />
        </section>
        <section class="card" aria-labelledby="new-automation-heading">
            <h2 id="new-automation-heading">"Make an automation"</h2>
            {form::automation_form(&v, None, save)}
        </section>
    }
    .into_any()
}

/// What `id` is called among `choices`, or the id itself.
fn name_of(choices: &[crate::model::NamedChoice], id: &str) -> String {
    choices
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_owned(), |c| c.name.clone())
}

/// A step in words: "Assign in turn within Support".
pub(crate) fn step_words(action: &Action, v: &AutomationsView) -> String {
    match action {
        Action::Assign { user_id } => format!("Assign to {}", name_of(&v.members, user_id)),
        Action::RoundRobin { team_id } => {
            format!("Assign in turn within {}", name_of(&v.teams, team_id))
        }
        Action::CallWebhook { endpoint_id } => {
            format!("Send to {}", name_of(&v.endpoints, endpoint_id))
        }
        Action::SetStatus { status } => {
            format!("Set status to {}", name_of(&v.statuses, status))
        }
        Action::AddTag { tag } => format!("Tag “{tag}”"),
        Action::CreateTicket { subject } => format!("Open a ticket “{subject}”"),
        Action::SendMail { to, subject, .. } => {
            let whom = match to.as_str() {
                crate::model::MAIL_TO_CUSTOMER => "the customer".to_owned(),
                crate::model::MAIL_TO_ASSIGNEE => "the assignee".to_owned(),
                member => name_of(&v.members, member),
            };
            format!("Mail “{subject}” to {whom}")
        }
    }
}

fn automation_row(a: &AutomationSummary, v: &AutomationsView) -> impl IntoView {
    let href = format!("/settings/automations/{}", a.id.as_str());
    let steps = a
        .steps
        .iter()
        .map(|s| step_words(&s.action, v))
        .collect::<Vec<_>>()
        .join("; ");
    let last = match (a.last_run_at_ms, &a.last_run_status) {
        (Some(at), Some(status)) => format!("{status} · {}", utc_datetime(at)),
        _ => "Not yet".to_owned(),
    };
    let state = (!a.enabled).then(|| view! { <span class="badge badge-muted">"Paused"</span> });
    view! {
        <tr data-automation=a.name.clone()>
            <td class="wrap"><a href=href class="strong">{a.name.clone()}</a>" "{state}</td>
            <td>{name_of(&v.triggers, &a.trigger)}</td>
            <td class="wrap">{steps}</td>
            <td>{a.role.clone()}</td>
            <td class="muted" data-last-run=a.last_run_status.clone().unwrap_or_default()>{last}</td>
        </tr>
    }
}
