//! The files on a record, as a card on its page: each downloads from `/files/{id}`, the only
//! door to its bytes. Those who may write the record upload and remove; the upload form is a
//! plain multipart form post, so it works with JavaScript off, and the server sends the page
//! back with the outcome in its address.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::files::{record_files, RemoveFile};
use crate::components::alert::FormAlert;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::model::{size_text, utc_datetime, FileHolder, FileSummary, Purpose, UploadProblem};

/// The files of one record.
#[component]
pub fn AttachmentsCard(holder: FileHolder, record: String) -> impl IntoView {
    let remove = ServerAction::<RemoveFile>::new();
    let card_id = FileHolder::card_id(&record);
    let heading_id = format!("{card_id}-heading");
    let record = StoredValue::new(record);
    let files = Resource::new(
        move || (record.get_value(), remove.version().get()),
        move |(record, _)| record_files(holder, record),
    );
    let can_write = Resource::new(
        || (),
        move |_| async move {
            me().await
                .ok()
                .flatten()
                .is_some_and(|u| u.can(holder.write_permission()))
        },
    );
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    let remove_button = remove_button(remove, holder, record);
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" id=card_id aria-labelledby=labelled_by>
            <h2 id=heading_id>"Files"</h2>
            <UploadOutcome purpose=holder.purpose() record=record.get_value() />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let writable = can_write.await;
                    match files.await {
                        Ok(list) => {
                            let rows = file_rows(&list, writable.then_some(&remove_button));
                            let upload = writable.then(|| {
                                let record = record.get_value();
                                let href = holder.upload_href(&record);
                                let purpose = holder.purpose();
                                view! {
                                    <UploadForm href hint=purpose.limits_text() accept=purpose.accept()
                                        label="Add a file" id=FileHolder::card_id(&record) />
                                }
                            });
                            view! { {rows} {upload} }.into_any()
                        }
                        Err(e) => view! { <FormAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    }
                })}
            </Suspense>
            <FormAlert error=remove_error />
        </section>
    }
}

/// The "Remove" button of each file of `record`.
pub fn remove_button(
    remove: ServerAction<RemoveFile>,
    holder: FileHolder,
    record: StoredValue<String>,
) -> impl Fn(&FileSummary) -> AnyView + Copy {
    move |file: &FileSummary| {
        let fields = vec![
            ("holder", holder.key().to_owned()),
            ("record", record.get_value()),
            ("file", file.id.as_str().to_owned()),
        ];
        let aria_label = format!("Remove {}", file.name);
        view! { <RowAction action=remove fields label="Remove" aria_label danger=true /> }
            .into_any()
    }
}

/// The files of one record as a table, each with its remove button when there is one.
pub fn file_rows(
    list: &[FileSummary],
    remove: Option<&dyn Fn(&FileSummary) -> AnyView>,
) -> AnyView {
    file_table(list, remove, None)
}

/// A column before each file's own: its heading, and the cell of the file at each position.
pub struct Leading<'a> {
    pub heading: &'static str,
    pub cell: &'a dyn Fn(usize) -> AnyView,
}

/// [`file_rows`] with a `leading` column (a document's versions number their files).
pub fn file_table(
    list: &[FileSummary],
    remove: Option<&dyn Fn(&FileSummary) -> AnyView>,
    leading: Option<Leading<'_>>,
) -> AnyView {
    if list.is_empty() {
        return view! { <p class="muted">"No files yet."</p> }.into_any();
    }
    let heading = leading
        .as_ref()
        .map(|l| view! { <th scope="col">{l.heading}</th> });
    let rows = list
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let first = leading
                .as_ref()
                .map(|l| view! { <td class="nowrap">{(l.cell)(i)}</td> });
            let action = remove.map(|r| r(f));
            view! {
                <tr>
                    {first}
                    // `rel=external`: the browser fetches it; the router never treats it as a page.
                    <td><a href=f.href() rel="external">{f.name.clone()}</a></td>
                    <td>{f.file_type.label()}</td>
                    <td class="num">{size_text(f.size)}</td>
                    <td>{f.uploaded_by_name.clone()}</td>
                    <td class="muted">{utc_datetime(f.created_at_ms)}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table files">
            <thead>
                <tr>
                    {heading}
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col" class="num">"Size"</th>
                    <th scope="col">"Added by"</th>
                    <th scope="col">"Added"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// What the last plain-form upload did, from the address the server sent the page back to:
/// fixed codes, worded here, never text from the request. With several cards on a page, the
/// address names the `record` whose card it was (`on=`).
#[component]
pub fn UploadOutcome(purpose: Purpose, #[prop(optional)] record: Option<String>) -> impl IntoView {
    let query = use_query_map();
    move || {
        query.with(|q| {
            if record.is_some() && q.get("on") != record {
                return None;
            }
            if let Some(problem) = q.get("file_error").as_deref().and_then(UploadProblem::from_code) {
                Some(view! { <p class="alert alert-error" role="alert">{problem.message(&purpose.limits_text())}</p> }.into_any())
            } else {
                (q.get("file").as_deref() == Some("added"))
                    .then(|| view! { <p class="alert alert-success" role="status">"File added."</p> }.into_any())
            }
        })
    }
}

/// A plain multipart form: it works without JavaScript, and carries the CSRF token as its
/// first field, which the server reads before the file.
#[component]
pub fn UploadForm(
    href: String,
    /// What the file may be, under the label.
    hint: String,
    /// The input's `accept`.
    accept: String,
    label: &'static str,
    /// What the field's ids start with, unique on the page.
    #[prop(default = "upload".to_owned())]
    id: String,
) -> impl IntoView {
    let (file_id, hint_id) = (format!("{id}-file"), format!("{id}-hint"));
    view! {
        <form class="form upload-form" method="post" enctype="multipart/form-data" action=href>
            <CsrfField />
            <div class="field">
                <label for=file_id.clone()>{label}</label>
                <p id=hint_id.clone() class="field-hint">{hint}</p>
                <input id=file_id type="file" name="file" accept=accept required=true aria-describedby=hint_id />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn">"Upload"</button>
            </div>
        </form>
    }
}
