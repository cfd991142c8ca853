//! A new quote: customer, title, last day, assignment and notes. Lines are added on the quote's
//! own page once it exists.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::quotes::{quote_form_options, CreateQuote};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::pages::documents::HeaderFields;

/// Title and last day; `current` fills them for editing.
#[component]
pub fn QuoteFields(
    title: String,
    valid_until: String,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move |field: &'static str| {
        Signal::derive(move || errors.get().and_then(|e| e.field_message(field)))
    };
    view! {
        <div class="field-grid">
            <TextField label="Title" name="title" value=title error=message("title") maxlength=200 />
            <TextField label="Valid until" name="valid_until" input_type="date" value=valid_until hint="The last day the offer stands. Empty: 30 days from today." error=message("valid_until") />
        </div>
    }
}

#[component]
pub fn NewQuotePage() -> impl IntoView {
    let query = use_query_map();
    let customer = query.with_untracked(|q| q.get("customer"));
    let options = Resource::new(|| (), |_| quote_form_options());
    let action = ServerAction::<CreateQuote>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(detail)) = value.get() {
            window()
                .location()
                .set_href(&format!("/quotes/{}", detail.quote.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="New quote · Gatehouse" />
        <PageHeader title="New quote" lead="Start with the customer and a title; add lines on the next page." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let customer = customer.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(options) => view! {
                            <section class="card">
                                <ActionForm action attr:class="form" attr:novalidate=true>
                                    <CsrfField />
                                    <QuoteFields title=String::new() valid_until=String::new() errors />
                                    <HeaderFields options current=None errors customer=customer />
                                    <FormAlert error=errors />
                                    <div class="form-actions">
                                        <SubmitButton label="Create quote" pending_label="Creating…" pending=action.pending() />
                                        <a href="/quotes">"Cancel"</a>
                                    </div>
                                </ActionForm>
                            </section>
                        }
                        .into_any(),
                        Err(e) => list_error(e, "the quote form"),
                    }
                })
            }}
        </Suspense>
    }
}
