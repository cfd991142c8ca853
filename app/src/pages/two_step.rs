//! The account page's two-step sign-in card: set up or turn off an authenticator app and codes
//! by email, and see or replace recovery codes.

use leptos::prelude::*;

use crate::api::mfa::{
    mfa_status, ConfirmApp, ConfirmEmailCodes, DisableApp, DisableEmailCodes,
    RegenerateRecoveryCodes, SendEmailCode, StartApp,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, ActionOutcome, SubmitButton, TextField};
use crate::csrf_page::CsrfField;
use crate::model::SecondFactors;

/// The card's data: the caller's factors, loaded again after each successful change.
#[derive(Clone, Copy)]
pub struct TwoStepStatus {
    changed: RwSignal<u32>,
    factors: Resource<Result<SecondFactors, crate::error::AppError>>,
}

impl TwoStepStatus {
    /// Starts loading; call it where the page's other resources are created, outside async
    /// content.
    pub fn load() -> Self {
        let changed = RwSignal::new(0u32);
        let factors = Resource::new(move || changed.get(), |_| mfa_status());
        Self { changed, factors }
    }
}

#[component]
pub fn TwoStepCard(email: String, status: TwoStepStatus) -> impl IntoView {
    let TwoStepStatus {
        changed,
        factors: status,
    } = status;
    let confirm_app = ServerAction::<ConfirmApp>::new();
    let confirm_email = ServerAction::<ConfirmEmailCodes>::new();
    let disable_app = ServerAction::<DisableApp>::new();
    let disable_email = ServerAction::<DisableEmailCodes>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    // The status reloads after each successful change; a refused attempt keeps the form as is.
    count_successes(confirm_app.value(), changed);
    count_successes(confirm_email.value(), changed);
    count_successes(disable_app.value(), changed);
    count_successes(disable_email.value(), changed);
    count_successes(regenerate.value(), changed);
    // Shown once, whichever action produced them; they survive the status reloading below.
    let fresh_codes = Signal::derive(move || {
        regenerate
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| confirm_app.value().get().and_then(Result::ok))
    });
    view! {
        <section class="card" id="two-step" aria-labelledby="two-step-title">
            <h2 id="two-step-title">"Two-step sign-in"</h2>
            <p class="muted">
                "After your password, Gatehouse asks for a code only you can give: from an authenticator app on your phone, or from an email."
            </p>
            <RecoveryCodes codes=fresh_codes />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let email = email.clone();
                    Suspend::new(async move {
                    match status.await {
                        Ok(factors) => {
                            view! {
                                <Factors
                                    factors
                                    email
                                    confirm_app
                                    confirm_email
                                    disable_app
                                    disable_email
                                    regenerate
                                />
                            }
                                .into_any()
                        }
                        Err(e) => list_error(e, "your second factors"),
                    }
                    })
                }}
            </Transition>
        </section>
    }
}

fn count_successes<T: 'static>(value: impl ActionOutcome<T>, changed: RwSignal<u32>) {
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
}

#[component]
fn RecoveryCodes(codes: Signal<Option<Vec<String>>>) -> impl IntoView {
    move || {
        codes.get().map(|codes| {
            view! {
                <div class="alert alert-success recovery-codes" role="status">
                    <p>
                        <strong>"Your recovery codes."</strong>
                        " Keep them somewhere safe, apart from your phone: each one signs you in once if you lose your app. They are shown only now."
                    </p>
                    <ol class="code-list">
                        {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                </div>
            }
        })
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn Factors(
    factors: SecondFactors,
    email: String,
    confirm_app: ServerAction<ConfirmApp>,
    confirm_email: ServerAction<ConfirmEmailCodes>,
    disable_app: ServerAction<DisableApp>,
    disable_email: ServerAction<DisableEmailCodes>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
) -> impl IntoView {
    let required = (factors.required && !factors.any()).then(|| {
        view! {
            <p class="alert alert-warning" role="alert">
                "Your workspace requires two-step sign-in. Set up an authenticator app or codes by email to continue."
            </p>
        }
    });
    let email_on = factors.email;
    let ask = Ask {
        password: factors.password_needed,
        code: factors.any(),
        email_on,
    };
    view! {
        {required}
        <div class="factor">
            <h3>"Authenticator app"</h3>
            {if factors.app {
                view! {
                    <p>
                        <span class="badge badge-first">"On"</span>
                        {format!(" {} recovery codes left.", factors.recovery_codes_left)}
                    </p>
                    <details>
                        <summary>"Get new recovery codes"</summary>
                        <RegenerateForm action=regenerate email_on />
                    </details>
                    <details>
                        <summary>"Turn off the authenticator app"</summary>
                        <DisableAppForm action=disable_app email_on />
                    </details>
                }
                    .into_any()
            } else {
                view! { <AppSetupForm confirm=confirm_app ask /> }.into_any()
            }}
        </div>
        <div class="factor">
            <h3>"Codes by email"</h3>
            {if factors.email {
                view! {
                    <p>
                        <span class="badge badge-first">"On"</span>
                        {format!(" Codes go to {email}.")}
                    </p>
                    <details>
                        <summary>"Turn off codes by email"</summary>
                        <DisableEmailForm action=disable_email />
                    </details>
                }
                    .into_any()
            } else {
                view! { <EmailSetupForm confirm=confirm_email email ask /> }.into_any()
            }}
        </div>
    }
}

/// What turning a factor on asks for besides its first code (see `server::reauth`): the
/// password unless one was given in this session a moment ago and no factor is on yet, and a
/// current code from a factor already on.
#[derive(Clone, Copy)]
struct Ask {
    password: bool,
    code: bool,
    email_on: bool,
}

/// Setting up an app: fetch a key, show it, confirm with a code.
#[component]
fn AppSetupForm(confirm: ServerAction<ConfirmApp>, ask: Ask) -> impl IntoView {
    let start = ServerAction::<StartApp>::new();
    let setup = start.value();
    let value = confirm.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        {move || match setup.get() {
            Some(Ok(setup)) => {
                view! {
                    <ol class="steps">
                        <li>
                            "Scan this code with your authenticator app (Google Authenticator, 1Password, Authy, …)."
                            <div class="qr" inner_html=setup.qr_svg></div>
                        </li>
                        <li>
                            "Or type this key into it: "
                            <code class="setup-key" data-testid="totp-key">{setup.key}</code>
                        </li>
                        <li>"Enter the 6-digit code the app shows."</li>
                    </ol>
                    <MailCodeButton email_on=ask.code && ask.email_on />
                    <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                        <CsrfField />
                        <TurnOnFields
                            label="Code from the app"
                            scope="app"
                            ask
                            error
                            pending=confirm.pending()
                        />
                    </ActionForm>
                }
                    .into_any()
            }
            other => {
                view! {
                    <p class="muted">"Off. Works without a signal, and is the safest choice."</p>
                    {other.and_then(Result::err).map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                    <ActionForm action=start attr:class="inline-form">
                        <CsrfField />
                        <button type="submit" class="btn btn-primary" disabled=move || start.pending().get()>
                            "Set up an authenticator app"
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }
        }}
    }
}

/// Setting up codes by email: mail a code, confirm with it.
#[component]
fn EmailSetupForm(
    confirm: ServerAction<ConfirmEmailCodes>,
    email: String,
    ask: Ask,
) -> impl IntoView {
    let send = ServerAction::<SendEmailCode>::new();
    let sent = send.value();
    let value = confirm.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        {move || match sent.get() {
            Some(Ok(())) => {
                view! {
                    <p class="alert alert-success" role="status">
                        {format!("We sent a code to {email}. It works for 10 minutes.")}
                    </p>
                    <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                        <CsrfField />
                        <TurnOnFields
                            label="Code from the email"
                            scope="email"
                            ask
                            error
                            pending=confirm.pending()
                        />
                    </ActionForm>
                }
                    .into_any()
            }
            other => {
                view! {
                    <p class="muted">"Off. Each sign-in mails a code to your address."</p>
                    {other.and_then(Result::err).map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                    <ActionForm action=send attr:class="inline-form">
                        <CsrfField />
                        <button type="submit" class="btn" disabled=move || send.pending().get()>
                            "Set up codes by email"
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }
        }}
    }
}

/// The fields that turn a new factor on: its first code, the proof that it is really the
/// person (`Ask`), and the offer to end other sessions.
#[component]
fn TurnOnFields(
    label: &'static str,
    scope: &'static str,
    ask: Ask,
    error: Signal<Option<crate::error::AppError>>,
    pending: Memo<bool>,
) -> impl IntoView {
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    let password_error = field("password");
    view! {
        <TextField
            label=label
            name="code"
            scope=scope
            error=field("code")
            maxlength=64
            inputmode="numeric"
            autocomplete="one-time-code"
        />
        // Also when the password given at sign-in stopped counting while the page was open.
        {move || {
            (ask.password || password_error.with(Option::is_some))
                .then(|| {
                    view! {
                        <PasswordField scope error=password_error />
                    }
                })
        }}
        {ask.code.then(|| {
            view! {
                <TextField
                    label="Current code"
                    name="current_code"
                    scope=scope
                    hint="From the factor you already use: your authenticator app or the email, or a recovery code."
                    error=field("current_code")
                    maxlength=64
                    autocomplete="one-time-code"
                />
            }
        })}
        <SignOutOthers scope />
        <FormAlert error />
        <div class="form-actions">
            <SubmitButton label="Turn on" pending_label="Checking…" pending />
        </div>
    }
}

/// "Adding or removing a factor offers to end other sessions": ticked by default, since a
/// change to how one signs in is often a reaction to a lost phone or a leaked password.
#[component]
fn SignOutOthers(scope: &'static str) -> impl IntoView {
    let id = format!("field-{scope}-end_other_sessions");
    view! {
        <div class="check">
            <input type="checkbox" id=id.clone() name="end_other_sessions" value="on" checked=true />
            <label for=id>"Sign out my other sessions"</label>
        </div>
    }
}

/// The account's password, as every change to a factor asks for it (`server::reauth`).
#[component]
fn PasswordField(scope: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <TextField
            label="Your password"
            name="password"
            scope=scope
            input_type="password"
            error=error
            maxlength=300
            autocomplete="current-password"
        />
    }
}

/// The password and a current code, which every change to an active factor asks for; with
/// codes by email on, a button to mail one (its own form, before the change's form).
#[component]
fn PasswordAndCode(
    scope: &'static str,
    password_error: Signal<Option<String>>,
    code_error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <PasswordField scope error=password_error />
        <TextField
            label="Current code"
            name="code"
            scope=scope
            hint="From your authenticator app or the email, or a recovery code."
            error=code_error
            maxlength=64
            autocomplete="one-time-code"
        />
    }
}

#[component]
fn MailCodeButton(email_on: bool) -> impl IntoView {
    let send = ServerAction::<SendEmailCode>::new();
    email_on.then(|| {
        view! {
            <ActionForm action=send attr:class="inline-form">
                <CsrfField />
                <button type="submit" class="btn" disabled=move || send.pending().get()>
                    "Email me a code"
                </button>
                {move || {
                    send.value().get().map(|r| match r {
                        Ok(()) => view! { <span class="muted">" Sent."</span> }.into_any(),
                        Err(e) => view! { <span class="field-error">{e.to_string()}</span> }.into_any(),
                    })
                }}
            </ActionForm>
        }
    })
}

#[component]
fn RegenerateForm(action: ServerAction<RegenerateRecoveryCodes>, email_on: bool) -> impl IntoView {
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <MailCodeButton email_on />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <CsrfField />
            <PasswordAndCode scope="regenerate" password_error=field_error(value, "password") code_error=field_error(value, "code") />
            <FormAlert error />
            <div class="form-actions">
                <SubmitButton label="Get new codes" pending_label="Checking…" pending=action.pending() />
            </div>
        </ActionForm>
    }
}

#[component]
fn DisableAppForm(action: ServerAction<DisableApp>, email_on: bool) -> impl IntoView {
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <MailCodeButton email_on />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <CsrfField />
            <PasswordAndCode scope="disable-app" password_error=field_error(value, "password") code_error=field_error(value, "code") />
            <SignOutOthers scope="disable-app" />
            <FormAlert error />
            <div class="form-actions">
                <SubmitButton label="Turn off" pending_label="Checking…" pending=action.pending() />
            </div>
        </ActionForm>
    }
}

#[component]
fn DisableEmailForm(action: ServerAction<DisableEmailCodes>) -> impl IntoView {
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <MailCodeButton email_on=true />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <CsrfField />
            <PasswordAndCode scope="disable-email" password_error=field_error(value, "password") code_error=field_error(value, "code") />
            <SignOutOthers scope="disable-email" />
            <FormAlert error />
            <div class="form-actions">
                <SubmitButton label="Turn off" pending_label="Checking…" pending=action.pending() />
            </div>
        </ActionForm>
    }
}
