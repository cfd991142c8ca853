use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::{pending_second_factor, SendSignInCode, SignIn, VerifySecondFactor};
use crate::components::alert::FormAlert;
use crate::components::form::{
    field_error, go_to_next_step, reload_to_on_success, SubmitButton, TextField,
};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::model::SecondFactorMethods;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    go_to_next_step(value);
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

/// The second step of signing in: a code from the authenticator app, a mailed code or a
/// recovery code.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let methods = Resource::new(|| (), |_| pending_second_factor());
    view! {
        <Title text="Two-step sign-in · Gatehouse" />
        <PageHeader title="Two-step sign-in" lead="Your password was right. Now confirm it is you." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(Some(methods)) => view! { <CodeForm methods /> }.into_any(),
                    Ok(None) => {
                        view! {
                            <p class="empty-state">
                                "This sign-in has timed out. "
                                <a href="/signin">"Sign in again"</a>
                            </p>
                        }
                            .into_any()
                    }
                    Err(e) => crate::components::alert::list_error(e, "this sign-in"),
                }
            })}
        </Suspense>
    }
}

fn code_hint(m: &SecondFactorMethods) -> &'static str {
    match (m.app, m.email, m.recovery_code) {
        (true, true, _) => "The 6-digit code from your authenticator app or from the email we send you. Lost both? Use a recovery code.",
        (true, false, true) => "The 6-digit code from your authenticator app. Lost your phone? Use one of your recovery codes.",
        (true, false, false) => "The 6-digit code from your authenticator app.",
        (false, _, true) => "The 6-digit code from the email we send you, or a recovery code.",
        (false, _, false) => "The 6-digit code from the email we send you.",
    }
}

#[component]
fn CodeForm(methods: SecondFactorMethods) -> impl IntoView {
    let verify = ServerAction::<VerifySecondFactor>::new();
    let value = verify.value();
    reload_to_on_success(value, "/");
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let send = ServerAction::<SendSignInCode>::new();
    let sent = send.value();
    let email = methods.email.then(|| {
        view! {
            <ActionForm action=send attr:class="inline-form">
                <CsrfField />
                <button type="submit" class="btn" disabled=move || send.pending().get()>
                    {move || {
                        if sent.get().is_some() { "Email me a new code" } else { "Email me a code" }
                    }}
                </button>
            </ActionForm>
            {move || match sent.get() {
                Some(Ok(())) => {
                    Some(
                        view! {
                            <p class="alert alert-success" role="status">
                                "We sent a code to your email address. It works for 10 minutes."
                            </p>
                        }
                            .into_any(),
                    )
                }
                Some(Err(e)) => {
                    Some(
                        view! {
                            <p class="alert alert-error" role="alert">
                                {e.to_string()}
                            </p>
                        }
                            .into_any(),
                    )
                }
                None => None,
            }}
        }
    });
    view! {
        <section class="card">
            <ActionForm action=verify attr:class="form" attr:novalidate=true>
                <CsrfField />
                <TextField
                    label="Code"
                    name="code"
                    hint=code_hint(&methods)
                    error=field_error(value, "code")
                    maxlength=64
                    autocomplete="one-time-code"
                />
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Confirm" pending_label="Checking…" pending=verify.pending() />
                    <a href="/signin">"Start again"</a>
                </div>
            </ActionForm>
            {email}
        </section>
    }
}
