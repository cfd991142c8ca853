use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::SignUp;
use crate::components::alert::FormAlert;
use crate::components::form::{field_error, reload_to_on_success, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let value = action.value();
    reload_to_on_success(value, "/");
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="Create a workspace · Gatehouse" />
        <PageHeader
            title="Create your workspace"
            lead="You will be its Owner. Invite your team once you are in."
        />
        <section class="card">
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField />
                <TextField label="Your name" name="name" error=field_error(value, "name") maxlength=200 autocomplete="name" />
                <TextField
                    label="Work email"
                    name="email"
                    input_type="email"
                    error=field_error(value, "email")
                    maxlength=300
                    autocomplete="email"
                />
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    hint="At least 12 characters. A few unrelated words make a strong one."
                    error=field_error(value, "password")
                    maxlength=300
                    autocomplete="new-password"
                />
                <TextField
                    label="Workspace name"
                    name="workspace_name"
                    hint="Usually your organisation's name."
                    error=field_error(value, "workspace_name")
                    maxlength=200
                    autocomplete="organization"
                />
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Create workspace" pending_label="Creating…" pending=action.pending() />
                    <a href="/signin">"I already have an account"</a>
                </div>
            </ActionForm>
        </section>
    }
}
