use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::invitations::{preview_invitation, AcceptInvitationExisting, AcceptInvitationNew};
use crate::components::alert::FormAlert;
use crate::components::form::{field_error, go_to_next_step, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::model::InvitationPreview;

/// Where a mailed invitation link lands: who invited whom to what, then either a new account
/// (name and password) or the existing account's password.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    let preview = Resource::new(token, preview_invitation);
    view! {
        <Title text="Invitation · Gatehouse" />
        <PageHeader title="Join a workspace" />
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Checking the invitation…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(p) => view! { <Accept preview=p token=token() /> }.into_any(),
                        Err(e) => {
                            let message = e
                                .field_message("token")
                                .unwrap_or_else(|| e.to_string());
                            view! {
                                <div class="alert alert-error" role="alert">{message}</div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Accept(preview: InvitationPreview, token: String) -> impl IntoView {
    let invited_by = preview
        .invited_by
        .clone()
        .map(|name| format!("{name} invited you"))
        .unwrap_or_else(|| "You are invited".into());
    let summary = format!(
        "{invited_by} to {} as {}.",
        preview.workspace_name, preview.role
    );
    let join_label = format!("Join {}", preview.workspace_name);
    view! {
        <p class="lead">{summary}</p>
        <p class="muted">"Invitation for " <strong>{preview.email.clone()}</strong></p>
        {if preview.has_account {
            view! { <ExistingAccount token join_label /> }.into_any()
        } else {
            view! { <NewAccount token join_label /> }.into_any()
        }}
    }
}

#[component]
fn NewAccount(token: String, join_label: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitationNew>::new();
    let value = action.value();
    go_to_next_step(value);
    let token_error = field_error(value, "token");
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="token" value=token />
            <TextField label="Your name" name="name" error=field_error(value, "name") maxlength=300 autocomplete="name" />
            <TextField
                label="Choose a password"
                name="password"
                input_type="password"
                error=field_error(value, "password")
                hint="At least 12 characters. A few unrelated words make a strong, memorable password."
                maxlength=300
                autocomplete="new-password"
            />
            <FormAlert error />
            <p class="field-error" role="alert">{move || token_error.get()}</p>
            <div class="form-actions">
                <SubmitButton label=join_label pending_label="Joining…" pending=action.pending() />
            </div>
        </ActionForm>
    }
}

#[component]
fn ExistingAccount(token: String, join_label: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitationExisting>::new();
    let value = action.value();
    go_to_next_step(value);
    let token_error = field_error(value, "token");
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <p>"You already have a Gatehouse account. Enter its password to add this workspace to it."</p>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="token" value=token />
            <TextField
                label="Password"
                name="password"
                input_type="password"
                error=field_error(value, "password")
                maxlength=300
                autocomplete="current-password"
            />
            <FormAlert error />
            <p class="field-error" role="alert">{move || token_error.get()}</p>
            <div class="form-actions">
                <SubmitButton label=join_label pending_label="Joining…" pending=action.pending() />
            </div>
        </ActionForm>
    }
}
