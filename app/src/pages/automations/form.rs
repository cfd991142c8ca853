//! The automation form: name, trigger, conditions and steps as rows added and removed in place,
//! the role it acts under, and whether it runs. Conditions and steps travel as JSON in hidden
//! fields, kept in step with the rows; the server checks them whole.

use leptos::prelude::*;

use crate::api::automations::SaveAutomation;
use crate::components::form::{
    field_error, reset_to_current, SelectField, SubmitButton, TextField,
};
use crate::components::raw_text::LiveTextArea;
use crate::csrf_page::CsrfField;
use crate::model::{
    Action, AutomationSummary, AutomationsView, Condition, ConditionOp, NamedChoice, Step,
    MAIL_TO_ASSIGNEE, MAIL_TO_CUSTOMER,
};

/// What a step row offers as its kind.
const STEP_KINDS: [(&str, &str); 7] = [
    ("round_robin", "Assign in turn within a team"),
    ("assign", "Assign to a member"),
    ("set_status", "Set the ticket's status"),
    ("add_tag", "Tag the customer"),
    ("create_ticket", "Open a ticket for the customer"),
    ("send_mail", "Send a mail"),
    ("call_webhook", "Send to a webhook endpoint"),
];

/// Rows with a key that stays with each row as others are removed.
type Rows<T> = RwSignal<Vec<(u32, T)>>;

fn keyed<T>(items: Vec<T>) -> Vec<(u32, T)> {
    (0u32..).zip(items).collect()
}

fn next_key<T>(rows: &[(u32, T)]) -> u32 {
    rows.iter().map(|(k, _)| k + 1).max().unwrap_or_default()
}

fn update<T: Clone + Send + Sync + 'static>(rows: Rows<T>, key: u32, change: impl FnOnce(&mut T)) {
    rows.update(|rows| {
        if let Some((_, row)) = rows.iter_mut().find(|(k, _)| *k == key) {
            change(row);
        }
    });
}

fn json<T: serde::Serialize>(rows: &[(u32, T)]) -> String {
    let items: Vec<&T> = rows.iter().map(|(_, item)| item).collect();
    serde_json::to_string(&items).unwrap_or_default()
}

/// The form, for a new automation (`existing` none) or to change one.
pub fn automation_form(
    v: &AutomationsView,
    existing: Option<&AutomationSummary>,
    save: ServerAction<SaveAutomation>,
) -> AnyView {
    let value = save.value();
    let node = reset_to_current(value);
    let scope = if existing.is_some() { "edit" } else { "new" };
    let first_trigger = v.triggers.first().map(|t| t.id.clone()).unwrap_or_default();
    let trigger = RwSignal::new(existing.map_or(first_trigger, |e| e.trigger.clone()));
    let conditions: Rows<Condition> = RwSignal::new(keyed(
        existing.map(|e| e.conditions.clone()).unwrap_or_default(),
    ));
    let default_step = Step {
        action: Action::RoundRobin {
            team_id: v.teams.first().map(|t| t.id.clone()).unwrap_or_default(),
        },
        continue_on_failure: false,
    };
    let steps: Rows<Step> = RwSignal::new(keyed(
        existing.map_or_else(|| vec![default_step.clone()], |e| e.steps.clone()),
    ));
    let fields = v.fields.clone();
    let trigger_choices: Vec<(String, String)> = v
        .triggers
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let roles: Vec<(String, String)> = v
        .roles
        .iter()
        .map(|r| (r.id.as_str().to_owned(), r.name.clone()))
        .collect();
    let targets = Targets {
        members: v.members.clone(),
        teams: v.teams.clone(),
        endpoints: v.endpoints.clone(),
        statuses: v.statuses.clone(),
    };
    let on_trigger = move |ev: leptos::ev::Event| {
        trigger.set(event_target_value(&ev));
        conditions.set(Vec::new());
    };
    let hidden = existing.map(|e| (e.id.as_str().to_owned(), e.version.to_string()));
    let name = existing.map(|e| e.name.clone()).unwrap_or_default();
    let role = existing.map(|e| e.role_id.clone());
    let enabled = existing.is_none_or(|e| e.enabled);
    let submit = if existing.is_some() {
        "Save changes"
    } else {
        "Make automation"
    };
    let trigger_options = trigger_choices
        .into_iter()
        .map(|(id, name)| {
            let chosen = trigger.get_untracked() == id;
            view! { <option value=id selected=chosen>{name}</option> }
        })
        .collect_view();
    view! {
        <ActionForm action=save node_ref=node attr:class="form" attr:novalidate=true>
            <CsrfField />
            {hidden.map(|(id, version)| view! {
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
            })}
            <div class="field-grid">
                <TextField label="Name" name="name" maxlength=80 value=name error=field_error(value, "name") />
                <div class="field">
                    <label for=format!("field-{scope}-trigger")>"When"</label>
                    <select id=format!("field-{scope}-trigger") name="trigger" on:change=on_trigger>{trigger_options}</select>
                    <Show when=move || trigger.with(|t| t.contains(".every_"))>
                        <p class="field-hint">"It runs once when saved, for the period it is in, then at the start of each next one, for every record its conditions hold of."</p>
                    </Show>
                    <p class="field-error" aria-live="polite">{move || field_error(value, "trigger").get()}</p>
                </div>
            </div>
            <fieldset class="rules">
                <legend>"Only if (all must hold)"</legend>
                <input type="hidden" name="conditions" prop:value=move || json(&conditions.get()) />
                <For each=move || conditions.get() key=|(k, c)| (*k, serde_json::to_string(c).unwrap_or_default()) let((key, c))>
                    {condition_row(key, c, conditions, trigger, fields.clone())}
                </For>
                <button type="button" class="btn btn-small" on:click=move |_| {
                    let field = String::new();
                    conditions.update(|rows| {
                        let key = next_key(rows);
                        rows.push((key, Condition { field, op: ConditionOp::Is, value: String::new() }));
                    });
                }>"Add a condition"</button>
                <p class="field-error" aria-live="polite">{move || field_error(value, "conditions").get()}</p>
            </fieldset>
            <fieldset class="rules">
                <legend>"Then, in order"</legend>
                <input type="hidden" name="steps" prop:value=move || json(&steps.get()) />
                <For each=move || steps.get() key=|(k, s)| (*k, serde_json::to_string(s).unwrap_or_default()) let((key, s))>
                    {step_row(key, s, steps, targets.clone())}
                </For>
                <button type="button" class="btn btn-small" on:click=move |_| {
                    let step = default_step.clone();
                    steps.update(|rows| {
                        let key = next_key(rows);
                        rows.push((key, step));
                    });
                }>"Add a step"</button>
                <p class="field-error" aria-live="polite">{move || field_error(value, "steps").get()}</p>
            </fieldset>
            <div class="field-grid">
                <SelectField label="Acts as role" name="role_id" scope=scope choices=roles selected=role error=field_error(value, "role_id") />
                <span class="check">
                    <input type="checkbox" id=format!("{scope}-enabled") name="enabled" value="on" checked=enabled />
                    <label for=format!("{scope}-enabled")>"Runs (switch off to pause it)"</label>
                </span>
            </div>
            <p class="field-hint">"It acts under the role you choose, never beyond what you hold yourself; its changes can set off other automations three deep at most."</p>
            <div class="form-actions">
                <SubmitButton label=submit pending_label="Saving…" pending=save.pending() />
            </div>
        </ActionForm>
    }
    .into_any()
}

fn condition_row(
    key: u32,
    c: Condition,
    rows: Rows<Condition>,
    trigger: RwSignal<String>,
    fields: Vec<NamedChoice>,
) -> impl IntoView {
    let noun = trigger
        .get_untracked()
        .split('.')
        .next()
        .unwrap_or_default()
        .to_owned();
    let prefix = format!("{noun}.");
    let field_options = fields
        .into_iter()
        .filter_map(|f| f.id.strip_prefix(&prefix).map(|id| (id.to_owned(), f.name)))
        .map(|(id, name)| {
            let chosen = c.field == id;
            view! { <option value=id selected=chosen>{name}</option> }
        })
        .collect_view();
    let ops = ConditionOp::ALL
        .into_iter()
        .map(|op| view! { <option value=op.key() selected=c.op == op>{op.label()}</option> })
        .collect_view();
    let shows_value = c.op.takes_value();
    view! {
        <div class="rule-row" data-condition=key>
            <select aria-label="Field" on:change=move |ev| {
                let field = event_target_value(&ev);
                update(rows, key, |c| c.field = field);
            }>
                <option value="" selected=c.field.is_empty()>"Choose a field"</option>
                {field_options}
            </select>
            <select aria-label="Comparison" on:change=move |ev| {
                if let Some(op) = ConditionOp::from_key(&event_target_value(&ev)) {
                    update(rows, key, |c| c.op = op);
                }
            }>{ops}</select>
            {shows_value.then(|| view! {
                <input type="text" aria-label="Value" maxlength=200 value=c.value.clone() on:change=move |ev| {
                    let text = event_target_value(&ev);
                    update(rows, key, |c| c.value = text);
                } />
            })}
            <button type="button" class="btn btn-link" on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))>"Remove"</button>
        </div>
    }
}

/// What a step may name.
#[derive(Clone)]
struct Targets {
    members: Vec<NamedChoice>,
    teams: Vec<NamedChoice>,
    endpoints: Vec<NamedChoice>,
    statuses: Vec<NamedChoice>,
}

fn step_row(key: u32, s: Step, rows: Rows<Step>, targets: Targets) -> impl IntoView {
    let (kind, target) = match &s.action {
        Action::Assign { user_id } => ("assign", user_id.clone()),
        Action::RoundRobin { team_id } => ("round_robin", team_id.clone()),
        Action::CallWebhook { endpoint_id } => ("call_webhook", endpoint_id.clone()),
        Action::SetStatus { status } => ("set_status", status.clone()),
        Action::AddTag { tag } => ("add_tag", tag.clone()),
        Action::CreateTicket { subject } => ("create_ticket", subject.clone()),
        Action::SendMail { to, .. } => ("send_mail", to.clone()),
    };
    let choices = match kind {
        "assign" => targets.members.clone(),
        "send_mail" => {
            let mut to = vec![
                NamedChoice {
                    id: MAIL_TO_CUSTOMER.into(),
                    name: "The customer".into(),
                },
                NamedChoice {
                    id: MAIL_TO_ASSIGNEE.into(),
                    name: "The assignee".into(),
                },
            ];
            to.extend(targets.members.iter().cloned());
            to
        }
        "round_robin" => targets.teams.clone(),
        "set_status" => targets.statuses.clone(),
        "call_webhook" => targets.endpoints.clone(),
        _ => Vec::new(),
    };
    let first = move |kind: &str| -> Action {
        let pick = |list: &[NamedChoice]| list.first().map(|c| c.id.clone()).unwrap_or_default();
        match kind {
            "assign" => Action::Assign {
                user_id: pick(&targets.members),
            },
            "call_webhook" => Action::CallWebhook {
                endpoint_id: pick(&targets.endpoints),
            },
            "set_status" => Action::SetStatus {
                status: pick(&targets.statuses),
            },
            "add_tag" => Action::AddTag { tag: String::new() },
            "create_ticket" => Action::CreateTicket {
                subject: String::new(),
            },
            "send_mail" => Action::SendMail {
                to: MAIL_TO_CUSTOMER.into(),
                subject: String::new(),
                body: String::new(),
            },
            _ => Action::RoundRobin {
                team_id: pick(&targets.teams),
            },
        }
    };
    let kinds = STEP_KINDS
        .into_iter()
        .map(|(k, label)| view! { <option value=k selected=k == kind>{label}</option> })
        .collect_view();
    let options = choices
        .into_iter()
        .map(|c| {
            let chosen = c.id == target;
            view! { <option value=c.id selected=chosen>{c.name}</option> }
        })
        .collect_view();
    let target_label = match kind {
        "assign" => "Member",
        "round_robin" => "Team",
        "set_status" => "Status",
        "add_tag" => "Tag",
        "create_ticket" => "Subject of the ticket",
        "send_mail" => "Mail to",
        _ => "Endpoint",
    };
    let set_target = move |id: String| {
        update(rows, key, |s| match &mut s.action {
            Action::Assign { user_id } => *user_id = id,
            Action::RoundRobin { team_id } => *team_id = id,
            Action::CallWebhook { endpoint_id } => *endpoint_id = id,
            Action::SetStatus { status } => *status = id,
            Action::AddTag { tag } => *tag = id,
            Action::CreateTicket { subject } => *subject = id,
            Action::SendMail { to, .. } => *to = id,
        })
    };
    let mail = match &s.action {
        Action::SendMail { subject, body, .. } => Some(mail_fields(key, rows, subject, body)),
        _ => None,
    };
    // A tag or a subject is typed; anything else is chosen from the workspace's own.
    let target_input = if matches!(kind, "add_tag" | "create_ticket") {
        view! {
            <input type="text" aria-label=target_label value=target maxlength="200"
                on:input=move |ev| set_target(event_target_value(&ev)) />
        }
        .into_any()
    } else {
        view! {
            <select aria-label=target_label on:change=move |ev| set_target(event_target_value(&ev))>
                <option value="" selected=target.is_empty()>"Choose"</option>
                {options}
            </select>
        }
        .into_any()
    };
    view! {
        <div class="rule-row" data-step=kind>
            <select aria-label="Step" on:change=move |ev| {
                let action = first(&event_target_value(&ev));
                update(rows, key, |s| s.action = action);
            }>{kinds}</select>
            {target_input}
            <span class="check">
                <input type="checkbox" id=format!("continue-{key}") checked=s.continue_on_failure on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    update(rows, key, |s| s.continue_on_failure = on);
                } />
                <label for=format!("continue-{key}")>"Go on if it fails"</label>
            </span>
            <button type="button" class="btn btn-link" on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))>"Remove"</button>
            {mail}
        </div>
    }
}

/// A mail step's template: its subject and text, `{{field}}` standing for the record's field.
fn mail_fields(key: u32, rows: Rows<Step>, subject: &str, body: &str) -> impl IntoView {
    let set = move |subject_changed: bool, text: String| {
        update(rows, key, |s| {
            if let Action::SendMail { subject, body, .. } = &mut s.action {
                *(if subject_changed { subject } else { body }) = text;
            }
        })
    };
    view! {
        <div class="rule-mail">
            <input type="text" aria-label="Mail subject" placeholder="Subject, such as: We have your ticket “{{subject}}”"
                maxlength="200" value=subject.to_owned() on:input=move |ev| set(true, event_target_value(&ev)) />
            <LiveTextArea label="Mail text" rows=4 placeholder="Text; {{field}} stands for the record's field"
                value=body.to_owned() on_input=Callback::new(move |text| set(false, text)) />
        </div>
    }
}
