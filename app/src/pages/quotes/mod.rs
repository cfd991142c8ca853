//! Quotes: the list (search, status filter and keyset pages in the address), a new-quote form
//! ([`new`]) and one quote's page with its lines, steps and edit form ([`detail`]).

pub mod detail;
pub mod new;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::quotes::list_quotes;
use crate::components::alert::list_error;
use crate::components::export::export_button;
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, DateFilters, PeopleFilters, Sorting,
};
use crate::components::table::{DataTable, Pager};
use crate::model::{ExportList, ListFilters, QuotePage, QuoteStatus, QUOTE_SORTS};
use crate::pages::documents::status_pill;
use crate::permissions::Permission;

#[component]
pub fn QuotesPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let after = move || query.with(|q| q.get("after"));
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || (search(), status(), filters.get(), after()),
        |(search, status, filters, after)| list_quotes(search, Some(status), Some(filters), after),
    );
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Quotes · Gatehouse" />
        <PageHeader title="Quotes" lead="Offers to customers: priced from the catalogue, sent, and accepted into orders." />
        <section class="card">
            <div class="toolbar">
                <form method="get" action="/quotes" class="search-form" role="search">
                    <label for="quote-search" class="sr-only">"Search quotes"</label>
                    <input id="quote-search" type="search" name="q" placeholder="Title or customer" value=search maxlength=100 />
                    <label for="quote-status" class="sr-only">"Status"</label>
                    <select id="quote-status" name="status">
                        <option value="">"Any status"</option>
                        {QuoteStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.key() selected=move || status() == s.key()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            page.await.ok().map(|p| view! { <PeopleFilters filters choices=p.choices prefix="quote" /> })
                        })}
                    </Suspense>
                    <DateFilters filters prefix="quote" />
                    <button type="submit" class="btn">"Filter"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let export = query.with(|q| export_button(ExportList::QUOTES, user.as_ref(), q));
                        let new = user.as_ref().is_some_and(|u| u.can(Permission::QuotesWrite))
                            .then(|| view! { <a class="btn btn-primary" href="/quotes/new">"New quote"</a> });
                        view! { <div class="toolbar-actions">{export}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading quotes…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <QuoteTable page search=search() status=status() filters=filters.get() /> }.into_any(),
                        Err(e) => list_error(e, "quotes"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn QuoteTable(
    page: QuotePage,
    search: String,
    status: String,
    filters: ListFilters,
) -> impl IntoView {
    let empty = if search.is_empty() && status.is_empty() && !filters.narrows() {
        "No quotes yet."
    } else {
        "No quotes match."
    };
    let base = list_address("/quotes", &[("q", &search), ("status", &status)], &filters);
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &QUOTE_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|q| {
            let href = format!("/quotes/{}", q.id);
            view! {
                <tr>
                    <td><a href=href>{q.reference}</a></td>
                    <td>{q.title}</td>
                    <td>{q.header.customer}</td>
                    <td>{status_pill(q.status.key(), q.status.label())}</td>
                    <td class="numeric">{q.header.totals.total}</td>
                    <td>{q.valid_until}</td>
                    <td>{q.header.assigned_to.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["Quote", "Title", "Customer", "Status", "Total", "Valid until", "Assigned to"] rows empty sorting />
        <Pager next label="Next page →" name="Quote pages" />
    }
}
