//! A list exported in the background: its progress while the file is written (with a cancel),
//! then the file to download, or why there is none.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::exports::{cancel_export, get_export};
use crate::components::alert::FormAlert;
use crate::components::layout::PageHeader;
use crate::components::polling::refresh_while;
use crate::components::raw_text::Title;
use crate::model::{ExportStatus, ExportView};

/// `/exports/:list/:id`.
#[component]
pub fn ExportPage() -> impl IntoView {
    let params = use_params_map();
    let param = move |name: &str| params.with(|p| p.get(name).unwrap_or_default());
    let tick = RwSignal::new(0u32);
    let cancel =
        Action::new(move |(list, id): &(String, String)| cancel_export(list.clone(), id.clone()));
    let export = Resource::new(
        move || {
            (
                param("list"),
                param("id"),
                tick.get(),
                cancel.version().get(),
            )
        },
        |(list, id, _, _)| get_export(list, id),
    );
    refresh_while(tick, move || {
        export
            .get_untracked()
            .is_some_and(|r| r.is_ok_and(|v| v.status == ExportStatus::Running))
    });
    let back = move || format!("/{}", param("list"));
    view! {
        <Title text="Export · Gatehouse" />
        <PageHeader title="Export" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match export.await {
                    Ok(v) => view! { <ExportCard export=v cancel back=back() /> }.into_any(),
                    Err(e) => view! {
                        <section class="card">
                            <FormAlert error=Signal::derive(move || Some(e.clone())) />
                            <p><a href=back()>"Back to the list"</a></p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ExportCard(
    export: ExportView,
    cancel: Action<(String, String), Result<(), crate::error::AppError>>,
    back: String,
) -> impl IntoView {
    let v = export;
    let running = v.status == ExportStatus::Running;
    let class = match (v.status, v.size_bytes) {
        (ExportStatus::Running, _) => "export-status",
        (ExportStatus::Done, Some(_)) => "export-status alert alert-success",
        _ => "export-status alert alert-warning",
    };
    let cancel_error = Signal::derive(move || cancel.value().get().and_then(Result::err));
    let key = (v.list.clone(), v.id.as_str().to_owned());
    let stop = running.then(|| {
        let pending = cancel.pending();
        view! {
            <button
                type="button"
                class="btn btn-danger"
                disabled=move || pending.get()
                on:click=move |_| {
                    cancel.dispatch(key.clone());
                }
            >
                "Cancel export"
            </button>
        }
    });
    let download = (v.status == ExportStatus::Done && v.size_bytes.is_some()).then(|| {
        view! {
            <a class="btn btn-primary" href=v.file_href() rel="external" download="">
                "Download the file"
            </a>
        }
    });
    view! {
        <section class="card" aria-labelledby="export-heading">
            <h2 id="export-heading">{format!("The {} list as CSV", v.list)}</h2>
            {running.then(|| view! {
                <progress class="import-progress" max="100" value=v.percent() aria-label="Export progress">
                    {format!("{} %", v.percent())}
                </progress>
            })}
            <p class=class role="status" aria-live="polite">{v.summary()}</p>
            {stop}
            <FormAlert error=cancel_error />
            <p class="form-actions">
                {download}
                <a href=back>"Back to the list"</a>
            </p>
        </section>
    }
}
