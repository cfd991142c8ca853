//! Alerts (`audit.read`): what the administrators were warned of, newest first, each counted
//! within its hour and mailed once.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::audit::alerts;
use crate::components::alert::list_error;
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::model::{utc_datetime, AlertItem};

#[component]
pub fn AlertsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| alerts());
    view! {
        <Title text="Alerts · Gatehouse" />
        <PageHeader title="Alerts" lead="Mailed to the administrators." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => {
                        let rows = items.into_iter().map(row).collect::<Vec<_>>();
                        view! {
                            <section class="card">
                                <DataTable columns=&["Last", "What", "Times", "Mailed"] rows empty="No entry matches." />
                            </section>
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
