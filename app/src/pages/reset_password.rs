use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::ResetPassword;
use crate::components::alert::FormAlert;
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;

/// Where a mailed reset link lands. Success ends every session and sends the person to sign in
/// with the new password (and any second factor).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let token_error = field_error(value, "token");
    view! {
        <Title text="Choose a new password · Gatehouse" />
        <PageHeader title="Choose a new password" />
        <section class="card">
            <Show
                when=move || matches!(value.get(), Some(Ok(())))
                fallback=move || {
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <CsrfField />
                            <input type="hidden" name="token" value=token />
                            <TextField
                                label="New password"
                                name="new_password"
                                input_type="password"
                                error=field_error(value, "new_password")
                                hint="Not one you have used recently; your workspace’s password rules apply. A few unrelated words make a strong, memorable password."
                                maxlength=300
                                autocomplete="new-password"
                            />
                            <FormAlert error />
                            <p class="field-error" role="alert">{move || token_error.get()}</p>
                            <div class="form-actions">
                                <SubmitButton label="Set new password" pending_label="Saving…" pending=action.pending() />
                            </div>
                        </ActionForm>
                    }
                }
            >
                <div class="alert alert-success" role="status">
                    "Your password is changed and every session of your account has ended. "
                    <a href="/signin">"Sign in with your new password"</a>
                </div>
            </Show>
        </section>
    }
}
