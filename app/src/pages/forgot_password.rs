use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::RequestPasswordReset;
use crate::components::alert::FormAlert;
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;

/// Asks for a reset link. The answer never says whether the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="Reset your password · Gatehouse" />
        <PageHeader
            title="Reset your password"
            lead="Enter the address you sign in with and we will mail you a link to choose a new password."
        />
        <section class="card">
            <Show
                when=move || matches!(value.get(), Some(Ok(())))
                fallback=move || {
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <CsrfField />
                            <TextField
                                label="Email"
                                name="email"
                                input_type="email"
                                error=field_error(value, "email")
                                maxlength=300
                                autocomplete="username"
                            />
                            <FormAlert error />
                            <div class="form-actions">
                                <SubmitButton label="Send reset link" pending_label="Sending…" pending=action.pending() />
                                <a href="/signin">"Back to sign in"</a>
                            </div>
                        </ActionForm>
                    }
                }
            >
                <div class="alert alert-success" role="status">
                    "If that address has a Gatehouse account, a reset link is on its way. It works once, for 45 minutes."
                </div>
            </Show>
        </section>
    }
}
