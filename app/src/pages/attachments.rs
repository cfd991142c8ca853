//! The files on a record, as a card on its page: each downloads from `/files/{id}`, the only
//! door to its bytes. Those who may write the record upload and remove; the upload form is a
//! plain multipart form post, so it works with JavaScript off, and the server sends the page
//! back with the outcome in its address.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::files::{customer_files, order_files, RemoveCustomerFile, RemoveOrderFile};
use crate::components::alert::FormAlert;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::model::{size_text, utc_datetime, FileHolder, FileSummary, Purpose, UploadProblem};

#[component]
pub fn AttachmentsCard(holder: FileHolder, record: String) -> impl IntoView {
    let remove_customer = ServerAction::<RemoveCustomerFile>::new();
    let remove_order = ServerAction::<RemoveOrderFile>::new();
    let record = StoredValue::new(record);
    let files = Resource::new(
        move || {
            (
                record.get_value(),
                remove_customer.version().get(),
                remove_order.version().get(),
            )
        },
        move |(record, _, _)| async move {
            match holder {
                FileHolder::Customer => customer_files(record).await,
                FileHolder::Order => order_files(record).await,
            }
        },
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
    let remove_error = Signal::derive(move || {
        remove_customer
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove_order.value().get().and_then(Result::err))
    });
    let remove_button = move |file: &FileSummary| {
        let fields = vec![
            ("record", record.get_value()),
            ("file", file.id.as_str().to_owned()),
        ];
        let aria_label = format!("Remove {}", file.name);
        match holder {
            FileHolder::Customer => view! {
                <RowAction action=remove_customer fields label="Remove" aria_label danger=true />
            }
            .into_any(),
            FileHolder::Order => view! {
                <RowAction action=remove_order fields label="Remove" aria_label danger=true />
            }
            .into_any(),
        }
    };
    view! {
        <section class="card" id="attachments" aria-labelledby="attachments-heading">
            <h2 id="attachments-heading">"Files"</h2>
            <UploadOutcome purpose=holder.purpose() />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let writable = can_write.await;
                    match files.await {
                        Ok(list) => {
                            let rows = file_rows(&list, writable.then_some(&remove_button));
                            let upload = writable.then(|| {
                                let href = holder.upload_href(&record.get_value());
                                let purpose = holder.purpose();
                                view! { <UploadForm href hint=purpose.limits_text() accept=purpose.accept() label="Add a file" /> }
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

fn file_rows(list: &[FileSummary], remove: Option<&dyn Fn(&FileSummary) -> AnyView>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="muted">"No files yet."</p> }.into_any();
    }
    let rows = list
        .iter()
        .map(|f| {
            let action = remove.map(|r| r(f));
            view! {
                <tr>
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
/// fixed codes, worded here, never text from the request.
#[component]
pub fn UploadOutcome(purpose: Purpose) -> impl IntoView {
    let query = use_query_map();
    move || {
        query.with(|q| {
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
) -> impl IntoView {
    view! {
        <form class="form upload-form" method="post" enctype="multipart/form-data" action=href>
            <CsrfField />
            <div class="field">
                <label for="upload-file">{label}</label>
                <p id="upload-hint" class="field-hint">{hint}</p>
                <input id="upload-file" type="file" name="file" accept=accept required=true aria-describedby="upload-hint" />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn">"Upload"</button>
            </div>
        </form>
    }
}
