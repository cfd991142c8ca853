//! Alerts (`audit.read`): what the administrators were warned of, newest first, each counted
//! within its hour and mailed once; opening the page marks them seen. Holders of
//! `settings.write` also set the thresholds here.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::audit::{alerts, SetAlertThresholds};
use crate::components::alert::list_error;
use crate::components::form::{field_error, last_saved, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{utc_datetime, AlertItem, AlertThresholds};

#[component]
pub fn AlertsPage() -> impl IntoView {
    let save = ServerAction::<SetAlertThresholds>::new();
    let saved = last_saved(save);
    let list = Resource::new(move || saved.get(), |_| alerts());
    view! {
        <Title text="Alerts · Gatehouse" />
        <PageHeader title="Alerts" lead="Mailed to the administrators." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => {
                        let rows = page.items.into_iter().map(row).collect::<Vec<_>>();
                        view! {
                            <section class="card">
                                <DataTable columns=&["Last", "What", "Times", "Mailed"] rows empty="No entry matches." />
                            </section>
                            {page.thresholds.map(|t| thresholds_card(t, save))}
                        }
                        .into_any()
                    }
                    Err(e) => list_error(e, "the alerts"),
                }
            })}
        </Suspense>
    }
}

fn row(a: AlertItem) -> AnyView {
    view! {
        <tr data-alert=a.kind>
            <td class="muted" title=format!("First {}", utc_datetime(a.first_at_ms))>{utc_datetime(a.last_at_ms)}</td>
            <td class="wrap"><strong>{a.label}</strong><div>{a.summary}</div></td>
            <td class="numeric">{a.count}</td>
            <td>{if a.mailed { "Yes" } else { "No" }}</td>
        </tr>
    }
    .into_any()
}

fn thresholds_card(t: AlertThresholds, save: ServerAction<SetAlertThresholds>) -> AnyView {
    let value = save.value();
    let field = move |label: &'static str, name: &'static str, hint: &'static str, n: i64| {
        view! {
            <TextField label=label name=name hint=hint value=n.to_string() inputmode="numeric" error=field_error(value, name) />
        }
    };
    view! {
        <section class="card" aria-labelledby="thresholds-heading">
            <h2 id="thresholds-heading">"Thresholds"</h2>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <CsrfField />
                {field("Failed steps on one account", "account_burst", "Within 15 minutes.", t.account_burst)}
                {field("Failed steps from one address", "address_burst", "Within 15 minutes, any account.", t.address_burst)}
                {field("Refusals of a sensitive key", "refusal_burst", "To one person within a minute.", t.refusal_burst)}
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <p class="alert alert-success" role="status">"Thresholds saved."</p>
                </Show>
                <div class="form-actions">
                    <SubmitButton label="Save thresholds" pending_label="Saving…" pending=save.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
