//! Security events (`audit.read`): failed and refused sign-ins of the last two weeks as a
//! chart, the accounts and addresses they came for or from, lockouts and refused calls — read
//! from the same trail as the audit log, which lists each one.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::audit::security_overview;
use crate::components::alert::list_error;
use crate::components::chart::BarChart;
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::model::SecurityOverview;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| security_overview());
    view! {
        <Title text="Security events · Gatehouse" />
        <PageHeader title="Security events" lead="The last 14 days." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => events(o).into_any(),
                    Err(e) => list_error(e, "the security events"),
                }
            })}
        </Suspense>
    }
}

fn events(o: SecurityOverview) -> impl IntoView {
    let description = o.description;
    view! {
        <p data-security="totals">
            {format!("{} lockouts, {} refused calls.", o.lockouts, o.refusals)}
            " "
            <a href="/audit?outcome=refused">"See them in the audit log"</a>
        </p>
        <BarChart id="failed-sign-ins" title="Failed sign-ins" description period="Day" column="Attempts" bars=o.days />
        <div class="card-grid">
            {counts("by-account", "By account", &["Account", "Attempts"], o.by_account)}
            {counts("by-address", "By address", &["Address", "Attempts"], o.by_address)}
        </div>
    }
}

fn counts(
    id: &'static str,
    title: &'static str,
    columns: &'static [&'static str],
    rows: Vec<(String, i64)>,
) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled = heading.clone();
    let rows = rows
        .into_iter()
        .map(
            |(name, n)| view! { <tr><td class="wrap">{name}</td><td class="numeric">{n}</td></tr> },
        )
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby=labelled data-counts=id>
            <h2 id=heading>{title}</h2>
            <DataTable columns rows empty="None." />
        </section>
    }
}
