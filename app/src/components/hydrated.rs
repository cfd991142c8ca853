//! The mark end-to-end tests wait for before they click.

use leptos::prelude::*;

/// Marks the document `data-hydrated` once the page's own code has hydrated: end-to-end tests
/// wait for it before they click (a click before that posts the plain form, which works too).
/// Effects run only in the browser, after the view they belong to has hydrated; a page's view
/// hydrates once its chunk has loaded, so the mark is set from the page, not from the shell.
/// Content inside `<Transition>` hydrates in tasks of its own (microtasks, its data already in
/// the page), which may run after this effect; a zero-delay timeout runs after them, so the
/// attribute also means "the event handlers in suspended content are attached".
pub fn mark_hydrated() {
    Effect::new(move |_| {
        set_timeout(
            || {
                if let Some(root) = document().document_element() {
                    root.set_attribute("data-hydrated", "true").ok();
                }
            },
            std::time::Duration::ZERO,
        );
    });
}
