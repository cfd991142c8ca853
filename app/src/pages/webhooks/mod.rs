//! Webhooks (`integrations.manage`): the workspace's endpoints with their state and a form to
//! make one (its signing secret shown once, under the form); each endpoint has its own page
//! ([`endpoint`]) with its delivery log.

mod endpoint;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::webhooks::{list_webhooks, CreateWebhook};
use crate::components::alert::list_error;
use crate::components::form::{field_error, last_saved, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{
    utc_date, utc_datetime, WebhookEndpointSummary, WebhookEventOption, WebhooksView,
};

#[component]
pub fn WebhooksRoutePage() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("id") {
        Some(id) => view! { <endpoint::EndpointPage id /> }.into_any(),
        None => view! { <WebhooksPage /> }.into_any(),
    }
}

#[component]
fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let created = last_saved(create);
    let page = Resource::new(move || created.get(), |_| list_webhooks());
    view! {
        <Title text="Webhooks · Gatehouse" />
        <PageHeader
            title="Webhooks"
            lead="Tell other systems what changed: each endpoint receives the events it subscribes to, signed to the Standard Webhooks specification."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => endpoints_view(view, create),
                    Err(e) => list_error(e, "the webhooks"),
                }
            })}
        </Suspense>
    }
}

fn endpoints_view(v: WebhooksView, create: ServerAction<CreateWebhook>) -> AnyView {
    let rows = v
        .endpoints
        .into_iter()
        .map(endpoint_row)
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="endpoints-heading">
            <h2 id="endpoints-heading">"Endpoints"</h2>
            <DataTable
                columns=&["Endpoint", "Events", "State", "Made"]
                rows
                empty="No endpoint has been made."
            />
        </section>
        {create_card(v.events, create)}
    }
    .into_any()
}

/// An endpoint's state in words: enabled, failing since, or disabled (and why).
pub(crate) fn state(e: &WebhookEndpointSummary) -> String {
    match (e.enabled, e.failing_since_ms, &e.disabled_reason) {
        (true, None, _) => "Enabled".into(),
        (true, Some(since), _) => format!("Failing since {}", utc_datetime(since)),
        (false, _, Some(reason)) => reason.clone(),
        (false, _, None) => "Disabled".into(),
    }
}

fn endpoint_row(e: WebhookEndpointSummary) -> impl IntoView {
    let href = format!("/settings/webhooks/{}", e.id.as_str());
    let badge = if e.enabled && e.failing_since_ms.is_none() {
        "badge badge-first"
    } else {
        "badge badge-first badge-muted"
    };
    let heading = if e.description.is_empty() {
        e.url.clone()
    } else {
        e.description.clone()
    };
    view! {
        <tr data-webhook=e.url.clone()>
            <td class="wrap">
                <a href=href class="strong">{heading}</a>
                <br />
                <code>{e.url.clone()}</code>
            </td>
            <td class="wrap">{e.events.join(", ")}</td>
            <td><span class=badge>{state(&e)}</span></td>
            <td class="muted">{utc_date(e.created_at_ms)}</td>
        </tr>
    }
}

/// The subscription boxes, one group per record kind; `chosen` are ticked.
pub(crate) fn event_boxes(
    events: Vec<WebhookEventOption>,
    chosen: &[String],
    scope: &str,
) -> AnyView {
    let mut groups: Vec<(String, Vec<WebhookEventOption>)> = Vec::new();
    for option in events {
        match groups.last_mut() {
            Some((group, items)) if *group == option.group => items.push(option),
            _ => groups.push((option.group.clone(), vec![option])),
        }
    }
    let lists = groups
        .into_iter()
        .map(|(group, items)| {
            let boxes = items
                .into_iter()
                .map(|o| {
                    let id = format!("{scope}-event-{}", o.key.replace(['.', '*'], "-"));
                    let checked = chosen.contains(&o.key);
                    view! {
                        <span class="check">
                            <input type="checkbox" id=id.clone() name="events[]" value=o.key checked=checked />
                            <label for=id>{o.label}</label>
                        </span>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="checks">
                    <legend>{group}</legend>
                    {boxes}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <p class="field-hint">"Events to deliver. “All” of a kind includes its status changes, lines and replies."</p>
        <div class="check-grid">{lists}</div>
    }
    .into_any()
}

fn create_card(events: Vec<WebhookEventOption>, create: ServerAction<CreateWebhook>) -> AnyView {
    let value = create.value();
    let secret = move || value.get().and_then(Result::ok).map(|made| made.secret);
    view! {
        <section class="card" aria-labelledby="new-webhook-heading">
            <h2 id="new-webhook-heading">"Add an endpoint"</h2>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <CsrfField />
                <div class="field-grid">
                    <TextField label="Address" name="url" input_type="url" maxlength=2000 error=field_error(value, "url") hint="Where to deliver, such as https://example.com/hooks/gatehouse. It cannot be changed later." />
                    <TextField label="Description" name="description" maxlength=120 error=field_error(value, "description") hint="What receives the events, such as “Billing sync”." />
                </div>
                {event_boxes(events, &[], "new")}
                <p class="field-error" aria-live="polite">{move || field_error(value, "events").get()}</p>
                <div class="field-grid">
                    <TextField label="Your password" name="password" input_type="password" autocomplete="current-password" error=field_error(value, "password") />
                    <TextField label="Code from your second factor" name="code" inputmode="numeric" autocomplete="one-time-code" error=field_error(value, "code") hint="If you have one." />
                </div>
                <div class="form-actions">
                    <SubmitButton label="Add endpoint" pending_label="Adding…" pending=create.pending() />
                </div>
            </ActionForm>
            <Show when=move || secret().is_some()>
                <div class="alert alert-success" role="status">
                    <p>"Give this signing secret to the receiver now: it is not shown again."</p>
                    <p><code data-secret>{secret}</code></p>
                </div>
            </Show>
        </section>
    }
    .into_any()
}
