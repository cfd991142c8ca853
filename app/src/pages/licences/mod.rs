//! Licences: the list (search, status filter and keyset pages in the address), a form to issue
//! one ([`new`]) and one licence's page with its key, terms and steps ([`detail`]).

pub mod detail;
pub mod new;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::licences::list_licences;
use crate::components::alert::list_error;
use crate::components::export::export_button;
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, DateFilters, PeopleFilters, Sorting,
};
use crate::components::table::{DataTable, Pager};
use crate::model::{ExportList, LicencePage, LicenceStatus, ListFilters, LICENCE_SORTS};
use crate::pages::documents::status_pill;
use crate::permissions::Permission;

#[component]
pub fn LicencesPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let after = move || query.with(|q| q.get("after"));
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || (search(), status(), filters.get(), after()),
        |(search, status, filters, after)| {
            list_licences(search, Some(status), Some(filters), after)
        },
    );
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Licences · Gatehouse" />
        <PageHeader title="Licences" lead="Who may use which product, for how many seats, until when." />
        <section class="card">
            <div class="toolbar">
                <form method="get" action="/licences" class="search-form" role="search">
                    <label for="licence-search" class="sr-only">"Search licences"</label>
                    <input id="licence-search" type="search" name="q" placeholder="Product, SKU or customer" value=search maxlength=100 />
                    <label for="licence-status" class="sr-only">"Status"</label>
                    <select id="licence-status" name="status">
                        <option value="">"Any status"</option>
                        {LicenceStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.key() selected=move || status() == s.key()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            page.await.ok().map(|p| view! { <PeopleFilters filters choices=p.choices prefix="licence" /> })
                        })}
                    </Suspense>
                    <DateFilters filters prefix="licence" />
                    <button type="submit" class="btn">"Filter"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let export = query.with(|q| export_button(ExportList::LICENCES, user.as_ref(), q));
                        let new = user.as_ref().is_some_and(|u| u.can(Permission::LicencesWrite))
                            .then(|| view! { <a class="btn btn-primary" href="/licences/new">"Issue licence"</a> });
                        view! { <div class="toolbar-actions">{export}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading licences…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <LicenceTable page search=search() status=status() filters=filters.get() /> }.into_any(),
                        Err(e) => list_error(e, "licences"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LicenceTable(
    page: LicencePage,
    search: String,
    status: String,
    filters: ListFilters,
) -> impl IntoView {
    let empty = if search.is_empty() && status.is_empty() && !filters.narrows() {
        "No licences yet."
    } else {
        "No licences match."
    };
    let base = list_address(
        "/licences",
        &[("q", &search), ("status", &status)],
        &filters,
    );
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &LICENCE_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|l| {
            view! {
                <tr>
                    <td><a href=format!("/licences/{}", l.id)>{l.reference}</a></td>
                    <td class="wrap">{l.product}</td>
                    <td class="wrap">{l.customer}</td>
                    <td class="numeric">{l.seats}</td>
                    <td>{status_pill(l.status.key(), l.status.label())}</td>
                    <td>{l.valid_until}</td>
                    <td class="wrap">{l.assigned_to.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["Licence", "Product", "Customer", "Seats", "Status", "Valid until", "Assigned to"] rows empty sorting />
        <Pager next label="Next page →" name="Licence pages" />
    }
}
