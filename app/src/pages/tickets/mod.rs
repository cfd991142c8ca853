//! Tickets: the list with the views support works from (all, assigned to me, unassigned),
//! status and priority filters and search, all in the address; a form to open one ([`new`]);
//! one ticket's page with its thread, steps and edit form ([`detail`]).

pub mod detail;
pub mod new;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::tickets::list_tickets;
use crate::components::alert::list_error;
use crate::components::export::export_button;
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, with_param, DateFilters, PeopleFilters, Sorting,
};
use crate::components::table::{DataTable, Pager};
use crate::model::{
    ExportList, ListFilters, TicketPage, TicketPriority, TicketStatus, TICKET_SORTS,
};
use crate::pages::documents::status_pill;
use crate::permissions::Permission;

const VIEWS: [(&str, &str); 3] = [
    ("", "All"),
    ("mine", "Assigned to me"),
    ("unassigned", "Unassigned"),
];

/// The list's address with `view` and the other filters as they are (not the sort or page).
fn address(view: &str, q: &str, status: &str, priority: &str, filters: &ListFilters) -> String {
    let own = [
        ("view", view),
        ("q", q),
        ("status", status),
        ("priority", priority),
    ];
    list_address("/tickets", &own, filters)
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &'static str| move || query.with(|q| q.get(name).unwrap_or_default());
    let (view, search, status, priority) = (get("view"), get("q"), get("status"), get("priority"));
    let after = move || query.with(|q| q.get("after"));
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || {
            (
                view(),
                search(),
                status(),
                priority(),
                filters.get(),
                after(),
            )
        },
        |(view, search, status, priority, filters, after)| {
            list_tickets(
                search,
                Some(view),
                Some(status),
                Some(priority),
                Some(filters),
                after,
            )
        },
    );
    let current = Resource::new(|| (), |_| me());
    let tabs = move || {
        VIEWS
            .into_iter()
            .map(|(key, label)| {
                let href = filters.with(|f| {
                    with_param(&address(key, &search(), &status(), &priority(), f), "sort", &f.sort)
                });
                let here = view() == key;
                view! { <a href=href class="tab" class:tab-current=here aria-current=here.then_some("page")>{label}</a> }
            })
            .collect_view()
    };
    view! {
        <Title text="Tickets · Gatehouse" />
        <PageHeader title="Tickets" lead="Customers' questions and problems, and who is on them." />
        <section class="card">
            <nav class="tabs" aria-label="Ticket views">{tabs}</nav>
            <div class="toolbar">
                <form method="get" action="/tickets" class="search-form" role="search">
                    <input type="hidden" name="view" value=view />
                    <label for="ticket-search" class="sr-only">"Search tickets"</label>
                    <input id="ticket-search" type="search" name="q" placeholder="Subject or customer" value=search maxlength=100 />
                    <label for="ticket-status" class="sr-only">"Status"</label>
                    <select id="ticket-status" name="status">
                        <option value="">"Any status"</option>
                        {TicketStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.key() selected=move || status() == s.key()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <label for="ticket-priority" class="sr-only">"Priority"</label>
                    <select id="ticket-priority" name="priority">
                        <option value="">"Any priority"</option>
                        {TicketPriority::ALL.into_iter().map(|p| view! {
                            <option value=p.key() selected=move || priority() == p.key()>{p.label()}</option>
                        }).collect_view()}
                    </select>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            page.await.ok().map(|p| view! { <PeopleFilters filters choices=p.choices prefix="ticket" /> })
                        })}
                    </Suspense>
                    <DateFilters filters prefix="ticket" />
                    <button type="submit" class="btn">"Filter"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let export = query.with(|q| export_button(ExportList::TICKETS, user.as_ref(), q));
                        let new = user.as_ref().is_some_and(|u| u.can(Permission::TicketsWrite))
                            .then(|| view! { <a class="btn btn-primary" href="/tickets/new">"New ticket"</a> });
                        view! { <div class="toolbar-actions">{export}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading tickets…"</p> }>
                {move || Suspend::new(async move {
                    let filters = filters.get();
                    let base = address(&view(), &search(), &status(), &priority(), &filters);
                    let filtered = !(view().is_empty() && search().is_empty() && status().is_empty() && priority().is_empty() && !filters.narrows());
                    match page.await {
                        Ok(page) => view! { <TicketTable page base filters filtered /> }.into_any(),
                        Err(e) => list_error(e, "tickets"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn TicketTable(
    page: TicketPage,
    base: String,
    filters: ListFilters,
    filtered: bool,
) -> impl IntoView {
    let empty = if filtered {
        "No tickets match."
    } else {
        "No tickets yet."
    };
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &TICKET_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|t| {
            view! {
                <tr>
                    <td><a href=format!("/tickets/{}", t.id)>{t.reference}</a></td>
                    <td class="wrap">{t.subject}</td>
                    <td class="wrap">{t.customer}</td>
                    <td>{status_pill(t.status.key(), t.status.label())}</td>
                    <td>{status_pill(t.priority.key(), t.priority.label())}</td>
                    <td class="wrap">{t.assigned_to.unwrap_or_else(|| "Unassigned".into())}</td>
                    <td class="wrap">{t.team.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["Ticket", "Subject", "Customer", "Status", "Priority", "Assigned to", "Team"] rows empty sorting />
        <Pager next label="Next page →" name="Ticket pages" />
    }
}
