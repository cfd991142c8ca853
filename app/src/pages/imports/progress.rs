//! A started import: its progress while it runs (with a cancel), then what it did — records
//! created and updated, rows refused with the first reasons and the full report.

use leptos::prelude::*;

use crate::api::imports::{cancel_import, start_import};
use crate::components::alert::FormAlert;
use crate::error::AppError;
use crate::model::{grouped, ImportList, ImportPlan, ImportStatus, ImportView};

/// The run page's two actions.
#[derive(Clone, Copy)]
pub struct Actions {
    pub start: Action<(String, ImportPlan), Result<(), AppError>>,
    pub cancel: Action<String, Result<(), AppError>>,
}

impl Actions {
    pub fn new(list: ImportList) -> Self {
        Self {
            start: Action::new(move |(id, plan): &(String, ImportPlan)| {
                start_import(list.key().to_owned(), id.clone(), plan.clone())
            }),
            cancel: Action::new(move |id: &String| {
                cancel_import(list.key().to_owned(), id.clone())
            }),
        }
    }

    /// Moves on whenever either has run, so the page reloads the import.
    pub fn versions(&self) -> (usize, usize) {
        (self.start.version().get(), self.cancel.version().get())
    }
}

fn outcome(v: &ImportView) -> String {
    let rows = |n: u64| format!("{} row{}", grouped(n), if n == 1 { "" } else { "s" });
    let noun = v.list.noun();
    let made = format!(
        "{} {noun}{} created, {} updated",
        grouped(v.created_rows),
        if v.created_rows == 1 { "" } else { "s" },
        grouped(v.updated_rows)
    );
    match v.status {
        ImportStatus::Done if v.refused_rows == 0 => format!("Imported: {made}."),
        ImportStatus::Done => format!(
            "Imported the valid rows: {made}; {} refused.",
            rows(v.refused_rows)
        ),
        ImportStatus::Refused => format!(
            "Nothing was imported: {} refused, and you chose to import nothing unless every \
             row is valid. Correct them and upload the file again.",
            rows(v.refused_rows)
        ),
        ImportStatus::Cancelled | ImportStatus::Failed => v.message.clone().unwrap_or_default(),
        ImportStatus::Running | ImportStatus::Mapping => String::new(),
    }
}

#[component]
pub fn RunCard(import: ImportView, actions: Actions) -> impl IntoView {
    let v = import;
    let running = v.status == ImportStatus::Running;
    let id = v.id.as_str().to_owned();
    let cancel_error = Signal::derive(move || actions.cancel.value().get().and_then(Result::err));
    let status_line = if running {
        let written = v.created_rows + v.updated_rows;
        if v.checked_rows < v.total_rows {
            format!(
                "Checking rows: {} of {}.",
                grouped(v.checked_rows),
                grouped(v.total_rows)
            )
        } else {
            format!("Writing: {} done.", grouped(written))
        }
    } else {
        outcome(&v)
    };
    // One status line from start to end, so assistive technology follows it; its colour says
    // how it ended: all written, written with rows left out, or nothing written.
    let class = match v.status {
        ImportStatus::Running => "import-status",
        ImportStatus::Done if v.refused_rows == 0 => "import-status alert alert-success",
        ImportStatus::Done => "import-status alert alert-warning",
        _ => "import-status alert alert-error",
    };
    let report = (v.status.finished() && v.refused_rows > 0).then(|| {
        let rows = v
            .problems
            .iter()
            .map(|p| {
                view! {
                    <tr>
                        <td class="num">{p.line}</td>
                        <td>{p.field.clone()}</td>
                        <td>{p.message.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        let more = (v.refused_rows > v.problems.len() as u64)
            .then(|| view! { <p class="muted">"The report lists every refused row."</p> });
        view! {
            <h2>"Refused rows"</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"Row"</th>
                            <th scope="col">"Field"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {more}
            <p><a class="btn" href=v.report_href() rel="external">"Download the report"</a></p>
        }
    });
    let cancel = running.then(|| {
        let pending = actions.cancel.pending();
        view! {
            <button
                type="button"
                class="btn btn-danger"
                disabled=move || pending.get()
                on:click=move |_| {
                    actions.cancel.dispatch(id.clone());
                }
            >
                "Cancel import"
            </button>
        }
    });
    let list = v.list;
    view! {
        <section class="card" aria-labelledby="run-heading">
            <h2 id="run-heading">{v.file_name.clone()}</h2>
            <p class="muted">{format!("{} rows in the file.", grouped(v.total_rows))}</p>
            {running.then(|| view! {
                <progress class="import-progress" max="100" value=v.percent() aria-label="Import progress">
                    {format!("{} %", v.percent())}
                </progress>
            })}
            <p class=class role="status" aria-live="polite">{status_line}</p>
            {cancel}
            <FormAlert error=cancel_error />
            {report}
            {(!running).then(|| view! {
                <p class="form-actions">
                    <a class="btn btn-primary" href=format!("/{}", list.key())>"Back to the list"</a>
                    <a href=list.page_href()>"Import another file"</a>
                </p>
            })}
        </section>
    }
}
