//! The overview (`/`): the caller's workspaces, and the dashboard of the active one — open
//! quotes and orders, revenue per week as a chart, tickets by status, the caller's open tickets
//! and the refunds waiting for a decision. Each part shows only for the keys that reach its
//! records; the server computed every figure within the caller's scope.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::dashboard::get_dashboard;
use crate::api::workspaces::list_workspaces;
use crate::components::chart::BarChart;
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::model::{Dashboard, OpenFigure};
use crate::pages::documents::status_pill;

#[component]
pub fn Overview() -> impl IntoView {
    let workspaces = Resource::new(|| (), |_| list_workspaces());
    let board = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Overview · Gatehouse" />
        <PageHeader
            title="Overview"
            lead="A CRM where every workspace stays sealed, every permission is explicit and every change is on the record."
        />
        <div class="card-grid">
            <a class="card stat-card" href="/workspaces">
                <span class="stat-label">"Your workspaces"</span>
                <Suspense fallback=|| view! { <span class="stat-value muted">"…"</span> }>
                    {move || Suspend::new(async move {
                        // Signed out (or failing): a dash, never a number that could mislead.
                        let count = workspaces
                            .await
                            .map_or_else(|_| "–".to_owned(), |list| list.len().to_string());
                        view! { <span class="stat-value">{count}</span> }
                    })}
                </Suspense>
                <span class="stat-foot">"See your workspaces →"</span>
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { board.await.ok().map(|b| view! { <Figures board=b /> }) })}
            </Suspense>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(b) => view! { <Parts board=b /> }.into_any(),
                    Err(_) => view! { <Pitch /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What signed-out visitors read.
#[component]
fn Pitch() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Built for access governance"</h2>
            <ul class="checklist">
                <li>"Workspaces that never see each other's records"</li>
                <li>"Roles built from permission keys, with data scopes"</li>
                <li>"Strong sign-in: argon2id, authenticator codes, tracked sessions"</li>
                <li>"An audit trail of who did what, when and from where"</li>
            </ul>
        </section>
    }
}

fn stat(label: &'static str, href: &'static str, figure: OpenFigure) -> impl IntoView {
    view! {
        <a class="card stat-card" href=href>
            <span class="stat-label">{label}</span>
            <span class="stat-value">{figure.count}</span>
            <span class="stat-foot">{figure.value}</span>
        </a>
    }
}

/// The stat cards beside "Your workspaces".
#[component]
fn Figures(board: Dashboard) -> impl IntoView {
    let quotes = board
        .open_quotes
        .map(|f| stat("Open quotes", "/quotes?status=sent", f));
    let orders = board.open_orders.map(|f| stat("Open orders", "/orders", f));
    let approvals = board.pending_approvals.map(|n| {
        view! {
            <a class="card stat-card" href="/approvals">
                <span class="stat-label">"Waiting for approval"</span>
                <span class="stat-value">{n}</span>
                <span class="stat-foot">"Refund requests →"</span>
            </a>
        }
    });
    view! { {quotes}{orders}{approvals} }
}

/// The chart and the ticket tables.
#[component]
fn Parts(board: Dashboard) -> impl IntoView {
    let currency = board.currency.clone();
    let revenue = board.revenue.map(|bars| {
        view! {
            <BarChart
                id="revenue"
                title="Revenue per week"
                description=format!("Payments received less refunds, in {currency}, for each of the last 12 weeks (Monday to Sunday), in the orders you can see.")
                period="Week of"
                column="Revenue"
                bars
            />
        }
    });
    let by_status = board.tickets_by_status.map(|counts| {
        let rows = counts
            .into_iter()
            .map(|(status, n)| view! {
                <tr><td><a href=format!("/tickets?status={}", status.key())>{status_pill(status.key(), status.label())}</a></td><td class="numeric">{n}</td></tr>
            })
            .collect::<Vec<_>>();
        view! {
            <section class="card" aria-labelledby="tickets-status-heading">
                <h2 id="tickets-status-heading">"Tickets by status"</h2>
                <DataTable columns=&["Status", "Tickets"] rows empty="No tickets." />
            </section>
        }
    });
    let mine = board.my_tickets.map(|tickets| {
        let rows = tickets
            .into_iter()
            .map(|t| view! {
                <tr>
                    <td><a href=format!("/tickets/{}", t.id)>{t.reference}</a></td>
                    <td class="wrap">{t.subject}</td>
                    <td>{status_pill(t.priority.key(), t.priority.label())}</td>
                </tr>
            })
            .collect::<Vec<_>>();
        view! {
            <section class="card" aria-labelledby="my-tickets-heading">
                <h2 id="my-tickets-heading">"My open tickets"</h2>
                <DataTable columns=&["Ticket", "Subject", "Priority"] rows empty="Nothing waiting for you." />
                <p><a href="/tickets?view=mine">"All my tickets →"</a></p>
            </section>
        }
    });
    view! {
        {revenue}
        <div class="card-grid">{by_status}{mine}</div>
    }
}
