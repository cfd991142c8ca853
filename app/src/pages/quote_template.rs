//! The quote template card of the workspace settings: the current DOCX, its upload form, and
//! the placeholders a template may name — listed from the server's catalogue, so the page and
//! the check on upload never disagree.

use leptos::prelude::*;

use crate::api::files::{quote_template, RemoveQuoteTemplate};
use crate::components::alert::{list_error, FormAlert};
use crate::csrf_page::CsrfField;
use crate::model::{Purpose, QuoteTemplateInfo, QUOTE_TEMPLATE_UPLOAD_HREF};
use crate::pages::attachments::{UploadForm, UploadOutcome};

#[component]
pub fn QuoteTemplateCard() -> impl IntoView {
    let remove = ServerAction::<RemoveQuoteTemplate>::new();
    let info = Resource::new(move || remove.version().get(), |_| quote_template());
    let error = Signal::derive(move || remove.value().get().and_then(Result::err));
    let purpose = Purpose::QuoteTemplate;
    view! {
        <section class="card" id="quote-template" aria-labelledby="quote-template-heading">
            <h2 id="quote-template-heading">"Quote template"</h2>
            <p class="muted">"A Word file with {{placeholders}}, filled from a quote by its \"Download as DOCX\"; a table row naming a line repeats per line."</p>
            <UploadOutcome purpose record="quote-template".to_owned() />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => view! { <Current info remove /> }.into_any(),
                        Err(e) => list_error(e, "the quote template"),
                    }
                })}
            </Suspense>
            <FormAlert error />
            <UploadForm
                href=QUOTE_TEMPLATE_UPLOAD_HREF.to_owned()
                hint=purpose.limits_text()
                accept=purpose.accept()
                label="Upload a template"
                id="quote-template-upload".to_owned()
            />
        </section>
    }
}

#[component]
fn Current(info: QuoteTemplateInfo, remove: ServerAction<RemoveQuoteTemplate>) -> impl IntoView {
    let current = match info.current {
        Some(file) => view! {
            <p>
                "In use: " <a href=file.href() rel="external">{file.name.clone()}</a>
            </p>
            <ActionForm action=remove attr:class="inline-form">
                <CsrfField />
                <button type="submit" class="btn btn-small btn-danger">"Remove the template"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! { <p>"No template yet."</p> }.into_any(),
    };
    let rows = info
        .placeholders
        .into_iter()
        .map(|(name, holds)| view! { <tr><td><code>{format!("{{{{{name}}}}}")}</code></td><td>{holds}</td></tr> })
        .collect_view();
    view! {
        {current}
        <details class="placeholders">
            <summary>"Placeholders"</summary>
            <table class="table">
                <thead><tr><th scope="col">"Write"</th><th scope="col">"For"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
