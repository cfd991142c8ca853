//! The document library: the list (search, filters and keyset pages in the address), a form
//! to add a document ([`new`]) and one document's page with its versions ([`detail`]).

pub mod detail;
pub mod new;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::library::list_documents;
use crate::components::alert::list_error;
use crate::components::export::export_button;
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, DateFilters, PeopleFilters, Sorting,
};
use crate::components::table::{DataTable, Pager};
use crate::model::{utc_date, DocumentPage, ExportList, ListFilters, DOCUMENT_SORTS};
use crate::permissions::Permission;

#[component]
pub fn LibraryPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let after = move || query.with(|q| q.get("after"));
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || (search(), filters.get(), after()),
        |(search, filters, after)| list_documents(search, Some(filters), after),
    );
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Documents · Gatehouse" />
        <PageHeader title="Documents" lead="The workspace's library: contracts, policies, price lists — each with every version uploaded." />
        <section class="card">
            <div class="toolbar">
                <form method="get" action="/documents" class="search-form" role="search">
                    <label for="document-search" class="sr-only">"Search documents"</label>
                    <input id="document-search" type="search" name="q" placeholder="Title or tag" value=search maxlength=100 />
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            page.await.ok().map(|p| view! { <PeopleFilters filters choices=p.choices prefix="document" /> })
                        })}
                    </Suspense>
                    <DateFilters filters prefix="document" />
                    <button type="submit" class="btn">"Filter"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let export = query.with(|q| export_button(ExportList::DOCUMENTS, user.as_ref(), q));
                        let new = user.as_ref().is_some_and(|u| u.can(Permission::DocumentsWrite))
                            .then(|| view! { <a class="btn btn-primary" href="/documents/new">"Add document"</a> });
                        view! { <div class="toolbar-actions">{export}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading documents…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <DocumentTable page search=search() filters=filters.get() /> }.into_any(),
                        Err(e) => list_error(e, "documents"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DocumentTable(page: DocumentPage, search: String, filters: ListFilters) -> impl IntoView {
    let empty = if search.is_empty() && !filters.narrows() {
        "No documents yet."
    } else {
        "No documents match."
    };
    let base = list_address("/documents", &[("q", &search)], &filters);
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &DOCUMENT_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <td class="wrap"><a href=format!("/documents/{}", d.id)>{d.title}</a></td>
                    <td class="wrap">{d.tags.join(", ")}</td>
                    <td class="numeric">{d.versions}</td>
                    <td class="wrap">{d.assigned_to.unwrap_or_default()}</td>
                    <td class="wrap">{d.team.unwrap_or_else(|| "—".into())}</td>
                    <td>{utc_date(d.updated_at_ms)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["Title", "Tags", "Versions", "Owner", "Team", "Updated"] rows empty sorting />
        <Pager next label="Next page →" name="Document pages" />
    }
}
