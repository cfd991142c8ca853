//! Importing a CSV file into a list: upload (a plain multipart form that works without
//! JavaScript), then on the import's own page map the columns with the first rows in view,
//! start, watch the progress, cancel, and read which rows were refused and why.

mod mapping;
mod progress;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::imports::get_import;
use crate::components::alert::FormAlert;
use crate::components::layout::PageHeader;
use crate::components::polling::refresh_while;
use crate::model::{import_limits_text, ImportList, ImportStatus, UploadProblem};
use crate::pages::attachments::UploadForm;

fn title(list: ImportList) -> &'static str {
    match list {
        ImportList::Customers => "Import customers",
        ImportList::Products => "Import products",
    }
}

/// `/customers/import`.
#[component]
pub fn CustomerImportPage() -> impl IntoView {
    view! { <ImportUpload list=ImportList::Customers /> }
}

/// `/products/import`.
#[component]
pub fn ProductImportPage() -> impl IntoView {
    view! { <ImportUpload list=ImportList::Products /> }
}

/// `/customers/import/:id`.
#[component]
pub fn CustomerImportRunPage() -> impl IntoView {
    view! { <ImportRun list=ImportList::Customers /> }
}

/// `/products/import/:id`.
#[component]
pub fn ProductImportRunPage() -> impl IntoView {
    view! { <ImportRun list=ImportList::Products /> }
}

#[component]
fn ImportUpload(list: ImportList) -> impl IntoView {
    let query = use_query_map();
    let limits = import_limits_text();
    let refused = {
        let limits = limits.clone();
        move || {
            query.with(|q| {
                q.get("import_error")
                    .as_deref()
                    .and_then(UploadProblem::from_code)
                    .map(|p| view! { <p class="alert alert-error" role="alert">{p.message(&limits)}</p> })
            })
        }
    };
    let lead = format!(
        "Add many {}s at once from a spreadsheet. You choose which column fills which field and \
         see the first rows before anything is written.",
        list.noun()
    );
    view! {
        <Title text=format!("{} · Gatehouse", title(list)) />
        <PageHeader title=title(list) lead />
        <section class="card">
            {refused}
            <UploadForm
                href=list.upload_href()
                hint=format!("Choose {limits}.")
                accept=".csv,text/csv".to_owned()
                label="CSV file"
            />
            <p><a href=format!("/{}", list.key())>"Back to the list"</a></p>
        </section>
    }
}

#[component]
fn ImportRun(list: ImportList) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let tick = RwSignal::new(0u32);
    let actions = progress::Actions::new(list);
    let import = Resource::new(
        move || (id(), tick.get(), actions.versions()),
        move |(id, _, _)| get_import(list.key().to_owned(), id),
    );
    refresh_while(tick, move || {
        import
            .get_untracked()
            .is_some_and(|r| r.is_ok_and(|v| v.status == ImportStatus::Running))
    });
    view! {
        <Title text=format!("{} · Gatehouse", title(list)) />
        <PageHeader title=title(list) />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match import.await {
                    Ok(v) if v.status == ImportStatus::Mapping => {
                        view! { <mapping::MappingCard import=v start=actions.start /> }.into_any()
                    }
                    Ok(v) => view! { <progress::RunCard import=v actions /> }.into_any(),
                    Err(e) => view! {
                        <section class="card">
                            <FormAlert error=Signal::derive(move || Some(e.clone())) />
                            <p><a href=list.page_href()>"Upload a file"</a></p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}
