//! Reports (`reports.read`): sales by month (a chart with its figures), by product and by
//! assignee, for the days chosen in the address; and how long open tickets have waited. Each
//! part only with the key that reaches its records, every figure within the caller's scope.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::reports::get_reports;
use crate::components::alert::list_error;
use crate::components::chart::BarChart;
use crate::components::layout::PageHeader;
use crate::components::list_controls::{filters_from, PeopleFilters};
use crate::components::table::DataTable;
use crate::model::{ReportRow, Reports, SalesReport, TicketAgeing};

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let from = move || query.with(|q| q.get("from").unwrap_or_default());
    let until = move || query.with(|q| q.get("until").unwrap_or_default());
    let filters = Memo::new(move |_| query.with(filters_from));
    let reports = Resource::new(
        move || (from(), until(), filters.get()),
        |(from, until, f)| get_reports(from, until, Some(f.assignee), Some(f.team)),
    );
    view! {
        <Title text="Reports · Gatehouse" />
        <PageHeader title="Reports" lead="Sales and support at a glance, within what your roles reach." />
        <section class="card">
            <form method="get" action="/reports" class="search-form report-filter">
                <label for="report-from">"From"</label>
                <input id="report-from" type="date" name="from" value=from />
                <label for="report-until">"Until"</label>
                <input id="report-until" type="date" name="until" value=until />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        reports.await.ok().map(|r| view! { <PeopleFilters filters choices=r.choices prefix="report" /> })
                    })}
                </Suspense>
                <button type="submit" class="btn">"Show"</button>
            </form>
        </section>
        <Suspense fallback=|| view! { <p class="muted">"Loading reports…"</p> }>
            {move || Suspend::new(async move {
                match reports.await {
                    Ok(r) => view! { <ReportParts reports=r /> }.into_any(),
                    Err(e) => list_error(e, "the reports"),
                }
            })}
        </Suspense>
    }
}

fn table(
    id: &'static str,
    title: &'static str,
    columns: &'static [&'static str],
    rows: Vec<ReportRow>,
) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled = heading.clone();
    let rows = rows
        .into_iter()
        .map(|r| view! { <tr><td class="wrap">{r.label}</td><td class="numeric">{r.count}</td><td class="numeric">{r.value}</td></tr> })
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby=labelled>
            <h2 id=heading>{title}</h2>
            <DataTable columns rows empty="No sales in these days." />
        </section>
    }
}

fn sales(s: SalesReport) -> impl IntoView {
    let description = format!(
        "Orders confirmed, processed or fulfilled, placed from {} to {}, in {}.",
        s.from, s.until, s.currency
    );
    view! {
        <BarChart id="sales-month" title="Sales by month" description period="Month" column="Sales" bars=s.by_month />
        <div class="card-grid">
            {table("sales-product", "Sales by product", &["Product", "Units", "Sales"], s.by_product)}
            {table("sales-assignee", "Sales by assignee", &["Assigned to", "Orders", "Sales"], s.by_assignee)}
        </div>
    }
}

fn ageing(a: TicketAgeing) -> impl IntoView {
    view! {
        <BarChart
            id="ticket-ageing"
            title="Ticket ageing"
            description="Open and pending tickets by how long ago they were opened."
            period="Waiting"
            column="Tickets"
            bars=a.buckets
        />
    }
}

#[component]
fn ReportParts(reports: Reports) -> impl IntoView {
    let nothing = (reports.sales.is_none() && reports.ageing.is_none()).then(|| {
        view! {
            <p class="empty-state">"Your roles reach no orders or tickets to report on."</p>
        }
    });
    view! {
        {nothing}
        {reports.sales.map(sales)}
        {reports.ageing.map(ageing)}
    }
}
