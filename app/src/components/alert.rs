//! Messages about failures, in words a user can act on.

use leptos::prelude::*;

use crate::error::AppError;

/// A form-level message: shown when an error is not about one field.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <Show when=move || {
            error.with(|e| matches!(e, Some(e) if ! matches!(e, AppError::Validation { .. })))
        }>
            <div class="alert alert-error" role="alert">
                {move || error.get().map(|e| e.to_string())}
            </div>
        </Show>
    }
}

/// Shown where a page needs a signed-in person; `what` names what they would see.
#[component]
pub fn SignInPrompt(what: &'static str) -> impl IntoView {
    view! {
        <p class="empty-state">
            <a href="/signin">"Sign in"</a>
            {format!(" to see {what}, or ")}
            <a href="/signup">"create a workspace"</a>
            "."
        </p>
    }
}

/// What a page shows instead of its list when loading it failed: a sign-in prompt for a
/// signed-out visitor, the user-safe message otherwise.
pub fn list_error(error: AppError, what: &'static str) -> AnyView {
    match error {
        AppError::Unauthenticated => view! { <SignInPrompt what /> }.into_any(),
        e => view! {
            <div class="alert alert-error" role="alert">
                {e.to_string()}
            </div>
        }
        .into_any(),
    }
}

/// The error page body used by the shell's error boundary.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| e.to_string())
            .collect::<Vec<_>>()
    };
    view! {
        <section class="error-page" aria-labelledby="error-title">
            <p class="error-code">"Error"</p>
            <h1 id="error-title">"Something went wrong"</h1>
            <ul class="error-list">
                {move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
            <p>
                <a class="btn" href="/">
                    "Back to the overview"
                </a>
            </p>
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn error_panel_shows_each_user_safe_message() {
        let owner = Owner::new();
        owner.with(|| {
            let mut errors = Errors::default();
            errors.insert_with_default_key(AppError::NotFound);
            let html = view! { <ErrorPanel errors=ArcRwSignal::new(errors) /> }.to_html();
            assert!(html.contains("Something went wrong"), "{html}");
            assert!(html.contains("find that."), "{html}");
            assert!(html.contains("href=\"/\""), "{html}");
        });
    }
}
