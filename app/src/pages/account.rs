use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::{me, ChangePassword};
use crate::components::alert::{FormAlert, SignInPrompt};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::pages::two_step::{TwoStepCard, TwoStepStatus};

#[component]
pub fn AccountPage() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    // Created here, not inside the card: the card renders after `current` resolves, and a
    // resource created in async content may be numbered differently in the browser than on
    // the server — it then reads another resource's data and hydration fails.
    let two_step = TwoStepStatus::load();
    view! {
        <Title text="Your account · Gatehouse" />
        <PageHeader title="Your account" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(Some(user)) => {
                        view! {
                            <section class="card">
                                <h2>{user.name}</h2>
                                <p class="muted">{user.email.clone()}</p>
                            </section>
                            <TwoStepCard email=user.email status=two_step />
                            <ChangePasswordForm />
                        }
                            .into_any()
                    }
                    _ => view! { <SignInPrompt what="your account" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Change password"</h2>
            <p class="muted">"Your other sessions end when you change it."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField />
                <TextField
                    label="Current password"
                    name="current_password"
                    input_type="password"
                    error=field_error(value, "current_password")
                    maxlength=300
                    autocomplete="current-password"
                />
                <TextField
                    label="New password"
                    name="new_password"
                    input_type="password"
                    hint="Not one you have used recently; your workspace’s password rules apply."
                    error=field_error(value, "new_password")
                    maxlength=300
                    autocomplete="new-password"
                />
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Change password" pending_label="Changing…" pending=action.pending() />
                </div>
            </ActionForm>
            <Show when=move || matches!(value.get(), Some(Ok(())))>
                <div class="alert alert-success" role="status">
                    "Password changed. Your other sessions have ended."
                </div>
            </Show>
        </section>
    }
}
