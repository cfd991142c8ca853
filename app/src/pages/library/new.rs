//! Adding a document: its title, description, tags, owner and team ([`DocumentFields`], shared
//! with the edit form on its page). Its first version is uploaded on the page it opens to.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::library::{document_form_options, CreateDocument};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{SelectField, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::raw_text::TextArea;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{Document, FilterChoices};
use crate::pages::documents::message;

/// Title, description, tags, owner and team; `current` fills them for editing.
#[component]
pub fn DocumentFields(
    choices: FilterChoices,
    current: Option<Document>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let members = choices
        .people
        .into_iter()
        .map(|m| (m.user_id.as_str().to_owned(), m.label))
        .collect();
    let teams = choices
        .teams
        .into_iter()
        .map(|t| (t.id.as_str().to_owned(), t.name))
        .collect();
    let owner = current
        .as_ref()
        .map(|d| d.assigned_user_id.as_str().to_owned());
    let team = current
        .as_ref()
        .and_then(|d| d.team_id.as_ref().map(|t| t.as_str().to_owned()));
    let title = current
        .as_ref()
        .map(|d| d.title.clone())
        .unwrap_or_default();
    let tags = current
        .as_ref()
        .map(|d| d.tags.join(", "))
        .unwrap_or_default();
    let description = current.map(|d| d.description).unwrap_or_default();
    view! {
        <TextField label="Title" name="title" value=title error=message(errors, "title") maxlength=200 required=true />
        <div class="field">
            <label for="field-description">"Description"</label>
            <TextArea id="field-description" name="description" rows=3 maxlength=2000 value=description />
            <p class="field-error" aria-live="polite">{move || message(errors, "description").get()}</p>
        </div>
        <div class="field-grid">
            <TextField label="Tags" name="tags" value=tags hint="Separated by commas." error=message(errors, "tags") maxlength=900 />
            <SelectField label="Owner" name="assigned_user_id" choices=members selected=owner empty="Me" error=message(errors, "assigned_user_id") />
            <SelectField label="Team" name="team_id" choices=teams selected=team empty="No team" error=message(errors, "team_id") />
        </div>
    }
}

#[component]
pub fn NewDocumentPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| document_form_options());
    let action = ServerAction::<CreateDocument>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(document)) = value.get() {
            window()
                .location()
                .set_href(&format!("/documents/{}", document.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="Add a document · Gatehouse" />
        <PageHeader title="Add a document" lead="Describe it here; upload its file on the page that opens next." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(choices) => view! {
                        <section class="card">
                            <ActionForm action attr:class="form" attr:novalidate=true>
                                <CsrfField />
                                <DocumentFields choices current=None errors />
                                <FormAlert error=errors />
                                <div class="form-actions">
                                    <SubmitButton label="Add document" pending_label="Adding…" pending=action.pending() />
                                    <a href="/documents">"Cancel"</a>
                                </div>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(e) => list_error(e, "the document form"),
                }
            })}
        </Suspense>
    }
}
