//! The backups register (`audit.read`): each run of `server backup` and of the nightly
//! backup, newest first, with what it held and the checksum that pins it.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::audit::backups;
use crate::components::alert::list_error;
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::model::{utc_datetime, BackupItem};

#[component]
pub fn BackupsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| backups());
    view! {
        <Title text="Backups · Gatehouse" />
        <PageHeader title="Backups" lead="Snapshots of the whole deployment, each with a checksum manifest." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => {
                        let rows = items.into_iter().map(row).collect::<Vec<_>>();
                        view! {
                            <section class="card">
                                <DataTable columns=&["Taken", "How", "Outcome", "Size", "Files", "Checksum"] rows empty="No backup has run yet." />
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => list_error(e, "the backups"),
                }
            })}
        </Suspense>
    }
}

fn row(b: BackupItem) -> AnyView {
    let seconds = (b.finished_ms - b.started_ms) as f64 / 1000.0;
    let checksum = b.checksum.unwrap_or_default();
    let short = checksum.chars().take(12).collect::<String>();
    view! {
        <tr data-backup=if b.done { "done" } else { "failed" }>
            <td class="muted" title=format!("Took {seconds:.1} s")>{utc_datetime(b.started_ms)}</td>
            <td>{if b.nightly { "Nightly" } else { "By command" }}</td>
            <td>{if b.done { "Done" } else { "Failed — see the server log" }}</td>
            <td class="numeric">{size(b.size_bytes)}</td>
            <td class="numeric">{b.files}</td>
            <td><code title=checksum>{short}</code></td>
        </tr>
    }
    .into_any()
}

fn size(bytes: i64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}
