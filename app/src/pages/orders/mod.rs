//! Orders: the list (search, status filter and keyset pages in the address), a new-order form
//! ([`new`]) and one order's page with its lines, steps and edit form ([`detail`]).

pub mod detail;
pub mod new;
pub mod payments;
pub mod proofs;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::orders::list_orders;
use crate::components::alert::list_error;
use crate::components::export::export_button;
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, DateFilters, PeopleFilters, Sorting,
};
use crate::components::table::{DataTable, Pager};
use crate::model::{ExportList, ListFilters, OrderPage, OrderStatus, ORDER_SORTS};
use crate::pages::documents::status_pill;
use crate::permissions::Permission;

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let after = move || query.with(|q| q.get("after"));
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || (search(), status(), filters.get(), after()),
        |(search, status, filters, after)| list_orders(search, Some(status), Some(filters), after),
    );
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Orders · Gatehouse" />
        <PageHeader title="Orders" lead="What customers bought, from confirmation to fulfilment." />
        <section class="card">
            <div class="toolbar">
                <form method="get" action="/orders" class="search-form" role="search">
                    <label for="order-search" class="sr-only">"Search orders"</label>
                    <input id="order-search" type="search" name="q" placeholder="Customer or notes" value=search maxlength=100 />
                    <label for="order-status" class="sr-only">"Status"</label>
                    <select id="order-status" name="status">
                        <option value="">"Any status"</option>
                        {OrderStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.key() selected=move || status() == s.key()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            page.await.ok().map(|p| view! { <PeopleFilters filters choices=p.choices prefix="order" /> })
                        })}
                    </Suspense>
                    <DateFilters filters prefix="order" />
                    <button type="submit" class="btn">"Filter"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let export = query.with(|q| export_button(ExportList::ORDERS, user.as_ref(), q));
                        let new = user.as_ref().is_some_and(|u| u.can(Permission::OrdersWrite))
                            .then(|| view! { <a class="btn btn-primary" href="/orders/new">"New order"</a> });
                        view! { <div class="toolbar-actions">{export}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading orders…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <OrderTable page search=search() status=status() filters=filters.get() /> }.into_any(),
                        Err(e) => list_error(e, "orders"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrderTable(
    page: OrderPage,
    search: String,
    status: String,
    filters: ListFilters,
) -> impl IntoView {
    let empty = if search.is_empty() && status.is_empty() && !filters.narrows() {
        "No orders yet."
    } else {
        "No orders match."
    };
    let base = list_address("/orders", &[("q", &search), ("status", &status)], &filters);
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &ORDER_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|o| {
            let href = format!("/orders/{}", o.id);
            view! {
                <tr>
                    <td><a href=href>{o.reference}</a></td>
                    <td>{o.header.customer}</td>
                    <td>{status_pill(o.status.key(), o.status.label())}</td>
                    <td class="numeric">{o.header.totals.total}</td>
                    <td>{o.header.assigned_to.unwrap_or_default()}</td>
                    <td>{o.header.team.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["Order", "Customer", "Status", "Total", "Assigned to", "Team"] rows empty sorting />
        <Pager next label="Next page →" name="Order pages" />
    }
}
