//! One document: what it is, its versions newest first (the first is the current one; older
//! ones stay downloadable; a writer may remove one uploaded by mistake), uploading a new version, the edit form, deleting it, and its
//! history. The edit form names the version of the record the page showed, so a change refused
//! as stale leaves the current values on screen beside the reason.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::me;
use crate::api::files::RemoveFile;
use crate::api::library::{document_form_options, get_document, DeleteDocument, UpdateDocument};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{reset_to_current, SubmitButton};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::model::{Document, DocumentDetail, FileHolder, FileSummary, FilterChoices};
use crate::pages::attachments::{file_table, remove_button, Leading, UploadForm, UploadOutcome};
use crate::pages::documents::status_pill;
use crate::pages::history::HistoryCard;
use crate::pages::library::new::DocumentFields;
use crate::permissions::Permission;

/// The actions of the page, made once at its top so their answers outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateDocument>,
    delete: ServerAction<DeleteDocument>,
    /// Removing a version uploaded by mistake.
    remove: ServerAction<RemoveFile>,
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let a = Actions {
        update: ServerAction::new(),
        delete: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let deleted = a.delete.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = deleted.get() {
            window().location().set_href("/documents").ok();
        }
    });
    let document = Resource::new(
        move || (id(), a.update.version().get(), a.remove.version().get()),
        |(id, _, _)| get_document(id),
    );
    // The form choices, only for those who may change documents (no refused call for readers).
    let options = Resource::new(
        || (),
        |_| async {
            match me().await {
                Ok(Some(u)) if u.can(Permission::DocumentsWrite) => {
                    document_form_options().await.ok()
                }
                _ => None,
            }
        },
    );
    view! {
        <Title text="Document · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await;
                match document.await {
                    Ok(detail) => view! { <DocumentView detail options a /> }.into_any(),
                    Err(e) => list_error(e, "this document"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DocumentView(
    detail: DocumentDetail,
    options: Option<FilterChoices>,
    a: Actions,
) -> impl IntoView {
    let d = detail.document;
    let record = d.id.as_str().to_owned();
    let edit = detail
        .can_write
        .then_some(options)
        .flatten()
        .map(|choices| edit_form(a, d.clone(), choices));
    let delete = detail.can_delete.then(|| delete_card(a, record.clone()));
    let versions = versions_card(
        &detail.versions,
        &record,
        detail.can_write.then_some(a.remove),
    );
    let tags = if d.tags.is_empty() {
        "—".to_owned()
    } else {
        d.tags.join(", ")
    };
    let description = if d.description.is_empty() {
        "—".to_owned()
    } else {
        d.description.clone()
    };
    view! {
        <PageHeader title=d.title.clone() lead="Document" />
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="sr-only">"Summary"</h2>
            <dl class="details">
                <dt>"Description"</dt><dd class="notes">{description}</dd>
                <dt>"Tags"</dt><dd>{tags}</dd>
                <dt>"Owner"</dt><dd>{d.assigned_to.clone().unwrap_or_default()}</dd>
                <dt>"Team"</dt><dd>{d.team.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
            <p><a href="/documents">"← All documents"</a></p>
        </section>
        {versions}
        {edit}
        {delete}
        <HistoryCard target=record />
    }
}

/// Every version, newest first, each downloading from the one door to stored files; the
/// upload form for those who may write.
fn versions_card(
    versions: &[FileSummary],
    record: &str,
    remove: Option<ServerAction<RemoveFile>>,
) -> impl IntoView {
    let card_id = FileHolder::card_id(record);
    let holder = FileHolder::Document;
    let count = versions.len();
    let button = remove.map(|r| remove_button(r, holder, StoredValue::new(record.to_owned())));
    let number = move |i: usize| {
        let current = (i == 0).then(|| status_pill("accepted", "Current"));
        view! { <span>{format!("Version {}", count - i)}</span>" "{current} }.into_any()
    };
    let table = if count == 0 {
        view! { <p class="muted">"No versions yet: upload the document's file."</p> }.into_any()
    } else {
        let leading = Leading {
            heading: "Version",
            cell: &number,
        };
        file_table(
            versions,
            button
                .as_ref()
                .map(|b| b as &dyn Fn(&FileSummary) -> AnyView),
            Some(leading),
        )
    };
    let purpose = holder.purpose();
    let upload = remove.is_some().then(|| {
        let label = if count == 0 {
            "Upload the file"
        } else {
            "Upload a new version"
        };
        view! {
            <UploadForm href=holder.upload_href(record) hint=purpose.limits_text()
                accept=purpose.accept() label id=card_id.clone() />
        }
    });
    let remove_error =
        Signal::derive(move || remove.and_then(|r| r.value().get()).and_then(Result::err));
    let heading_id = format!("{card_id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" id=card_id aria-labelledby=labelled_by>
            <h2 id=heading_id>"Versions"</h2>
            <UploadOutcome purpose record=record.to_owned() />
            {table}
            <FormAlert error=remove_error />
            {upload}
        </section>
    }
}

fn edit_form(a: Actions, d: Document, choices: FilterChoices) -> impl IntoView {
    let errors = Signal::derive(move || a.update.value().get().and_then(Result::err));
    let (id, version) = (d.id.as_str().to_owned(), d.version.to_string());
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <ActionForm action=a.update node_ref=reset_to_current(a.update.value()) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <DocumentFields choices current=Some(d) errors />
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Save document" pending_label="Saving…" pending=a.update.pending() />
                </div>
            </ActionForm>
        </section>
    }
}

fn delete_card(a: Actions, id: String) -> impl IntoView {
    let error = Signal::derive(move || a.delete.value().get().and_then(Result::err));
    view! {
        <section class="card danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete"</h2>
            <p>"The document and every version of it go for good."</p>
            <ActionForm action=a.delete attr:class="inline-form">
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <button type="submit" class="btn btn-danger">"Delete this document"</button>
            </ActionForm>
            <FormAlert error />
        </section>
    }
}
