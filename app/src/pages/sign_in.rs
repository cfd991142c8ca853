use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::accounts::SignIn;
use crate::components::alert::FormAlert;
use crate::components::form::{field_error, reload_to_on_success, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf::CsrfField;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    reload_to_on_success(value, "/");
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="Sign in · Gatehouse" />
        <PageHeader title="Sign in" />
        <section class="card">
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
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    error=field_error(value, "password")
                    maxlength=300
                    autocomplete="current-password"
                />
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Sign in" pending_label="Signing in…" pending=action.pending() />
                    <a href="/forgot-password">"Forgot your password?"</a>
                    <a href="/signup">"Create a workspace"</a>
                </div>
            </ActionForm>
        </section>
    }
}
