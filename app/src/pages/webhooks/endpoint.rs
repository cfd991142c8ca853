//! One webhook endpoint: change what it hears or switch it off, send a test event, rotate its
//! secret, delete it, and read its delivery log — each delivery with every attempt — with
//! "deliver again".

use crate::components::raw_text::Title;
use leptos::prelude::*;

use super::{event_boxes, state};
use crate::api::webhooks::{
    list_webhooks, webhook_log, DeleteWebhook, RedeliverWebhook, RotateWebhookSecret,
    SendTestWebhook, UpdateWebhook,
};
use crate::components::alert::list_error;
use crate::components::form::{
    field_error, last_saved, reload_to_on_success, reset_to_current, SubmitButton, TextField,
};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::csrf_page::CsrfField;
use crate::model::{utc_datetime, WebhookDelivery, WebhookEventOption, WebhookLog};

#[component]
pub fn EndpointPage(id: String) -> impl IntoView {
    let update = ServerAction::<UpdateWebhook>::new();
    let test = ServerAction::<SendTestWebhook>::new();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let rotate = ServerAction::<RotateWebhookSecret>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    reload_to_on_success(delete.value(), "/settings/webhooks");
    let refresh = RwSignal::new(0u32);
    let saved = last_saved(update);
    let page = Resource::new(
        move || {
            (
                id.clone(),
                saved.get(),
                test.version().get(),
                redeliver.version().get(),
                rotate.version().get(),
                refresh.get(),
            )
        },
        |(id, ..)| async move {
            Ok::<_, crate::error::AppError>((webhook_log(id).await?, list_webhooks().await?.events))
        },
    );
    let actions = Actions {
        update,
        test,
        redeliver,
        rotate,
        delete,
    };
    view! {
        <Title text="Webhook endpoint · Gatehouse" />
        <PageHeader title="Webhook endpoint" lead="What this endpoint hears, and every delivery to it." />
        <p><a href="/settings/webhooks">"← All endpoints"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok((log, events)) => endpoint_view(log, events, actions, refresh),
                    Err(e) => list_error(e, "the endpoint"),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateWebhook>,
    test: ServerAction<SendTestWebhook>,
    redeliver: ServerAction<RedeliverWebhook>,
    rotate: ServerAction<RotateWebhookSecret>,
    delete: ServerAction<DeleteWebhook>,
}

fn endpoint_view(
    log: WebhookLog,
    events: Vec<WebhookEventOption>,
    a: Actions,
    refresh: RwSignal<u32>,
) -> AnyView {
    let e = log.endpoint;
    let id = e.id.as_str().to_owned();
    let (form_id, test_id, rotate_id) = (id.clone(), id.clone(), id.clone());
    let value = a.update.value();
    let form = reset_to_current(value);
    let overlap = e.previous_secret_until_ms.map(|until| {
        format!(
            "The previous secret also signs until {}.",
            utc_datetime(until)
        )
    });
    let rows = log
        .deliveries
        .into_iter()
        .map(|d| delivery_row(d, a.redeliver))
        .collect::<Vec<_>>();
    let test_error = move || {
        a.test
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    view! {
        <section class="card" aria-labelledby="endpoint-heading">
            <h2 id="endpoint-heading"><code>{e.url.clone()}</code></h2>
            <p data-endpoint-state>{state(&e)}</p>
            {overlap.map(|text| view! { <p class="muted">{text}</p> })}
            <ActionForm action=a.update node_ref=form attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=form_id />
                <input type="hidden" name="version" value=e.version.to_string() />
                <TextField label="Description" name="description" maxlength=120 value=e.description.clone() error=field_error(value, "description") />
                {event_boxes(events, &e.events, "edit")}
                <p class="field-error" aria-live="polite">{move || field_error(value, "events").get()}</p>
                <span class="check">
                    <input type="checkbox" id="field-enabled" name="enabled" checked=e.enabled />
                    <label for="field-enabled">"Enabled"</label>
                </span>
                <p class="field-error" aria-live="polite">
                    {move || value.get().and_then(Result::err).filter(|e| e.field_message("description").is_none() && e.field_message("events").is_none()).map(|e| e.to_string())}
                </p>
                <div class="form-actions">
                    <SubmitButton label="Save" pending_label="Saving…" pending=a.update.pending() />
                </div>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">"Deliveries"</h2>
            <div class="form-actions">
                <RowAction action=a.test fields=vec![("id", test_id)] label="Send test event" />
                <button type="button" class="btn btn-small" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <p class="field-error" aria-live="polite">{test_error}</p>
            <DataTable
                columns=&["Event", "Status", "Attempts", "Queued", ACTIONS]
                rows
                empty="Nothing has been delivered to this endpoint yet."
            />
        </section>
        {rotate_card(rotate_id, a.rotate)}
        <section class="card" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete"</h2>
            <p>"Deleting the endpoint stops every delivery to it and removes its log."</p>
            <RowAction action=a.delete fields=vec![("id", id)] label="Delete endpoint" danger=true />
        </section>
    }
    .into_any()
}

fn delivery_row(d: WebhookDelivery, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    let attempts = d
        .attempts
        .iter()
        .map(|t| {
            let outcome = match (t.status_code, &t.error) {
                (Some(code), None) => format!("{code}"),
                (Some(code), Some(_)) => format!("{code}, {}", first_line(&t.response)),
                (None, Some(error)) => error.clone(),
                (None, None) => "—".into(),
            };
            view! {
                <li>{format!("#{} {} · {} ms · {outcome}", t.number, utc_datetime(t.at_ms), t.latency_ms)}</li>
            }
        })
        .collect_view();
    let status = match d.next_attempt_at_ms {
        Some(next) if !d.attempts.is_empty() => format!("pending, next try {}", utc_datetime(next)),
        _ => d.status.clone(),
    };
    let badge = if d.status == "success" {
        "badge badge-first"
    } else {
        "badge badge-first badge-muted"
    };
    view! {
        <tr data-delivery=d.event_type.clone()>
            <td class="wrap">{d.event_type.clone()}<br /><code class="muted">{d.message_id.clone()}</code></td>
            <td><span class=badge data-delivery-status=d.status.clone()>{status}</span></td>
            <td class="wrap"><ul class="plain">{attempts}</ul></td>
            <td class="muted">{utc_datetime(d.created_at_ms)}</td>
            <td>
                {(d.status != "pending").then(|| view! {
                    <RowAction action=redeliver fields=vec![("id", d.id.as_str().to_owned())] label="Deliver again" />
                })}
            </td>
        </tr>
    }
}

/// A response's first line, cut short for the log's cell.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").chars().take(80).collect()
}

fn rotate_card(id: String, rotate: ServerAction<RotateWebhookSecret>) -> AnyView {
    let value = rotate.value();
    let secret = move || value.get().and_then(Result::ok).map(|made| made.secret);
    view! {
        <section class="card" aria-labelledby="rotate-heading">
            <h2 id="rotate-heading">"Signing secret"</h2>
            <p>"A new secret takes over at once; the old one keeps signing beside it for a day, so the receiver can switch."</p>
            <ActionForm action=rotate attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <div class="field-grid">
                    <TextField label="Your password" name="password" input_type="password" autocomplete="current-password" scope="rotate" error=field_error(value, "password") />
                    <TextField label="Code from your second factor" name="code" inputmode="numeric" autocomplete="one-time-code" scope="rotate" error=field_error(value, "code") hint="If you have one." />
                </div>
                <div class="form-actions">
                    <SubmitButton label="Rotate secret" pending_label="Rotating…" pending=rotate.pending() />
                </div>
            </ActionForm>
            <Show when=move || secret().is_some()>
                <div class="alert alert-success" role="status">
                    <p>"Give this new secret to the receiver: it is not shown again."</p>
                    <p><code data-secret>{secret}</code></p>
                </div>
            </Show>
        </section>
    }
    .into_any()
}
