use crate::components::raw_text::Title;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    // The status must be set while rendering on the server; the browser has no response.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    crate::components::hydrated::mark_hydrated();
    view! {
        <Title text="Page not found · Gatehouse" />
        <section class="error-page" aria-labelledby="error-title">
            <p class="error-code">"404"</p>
            <h1 id="error-title">"Page not found"</h1>
            <p class="lead">"The address may be mistyped, or the page may have moved."</p>
            <p>
                <a class="btn btn-primary" href="/">
                    "Go to the overview"
                </a>
            </p>
        </section>
    }
}
