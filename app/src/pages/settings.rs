use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::settings::{get_security_settings, UpdateSecuritySettings};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{MfaPolicy, SecuritySettings};
use crate::pages::login_hours::LoginHoursCard;
use crate::pages::logo::LogoCard;
use crate::pages::network::NetworkCard;
use crate::pages::quote_template::QuoteTemplateCard;
use crate::pages::sales_terms::SalesTermsCard;

/// The workspace's password policy and session limits.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let action = ServerAction::<UpdateSecuritySettings>::new();
    let saved = Resource::new(move || action.version().get(), |_| get_security_settings());
    view! {
        <Title text="Security settings · Gatehouse" />
        <PageHeader
            title="Security settings"
            lead="Password rules, session limits, lockout and two-step sign-in for everyone in this workspace. People in several workspaces meet the strictest rules among them."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match saved.await {
                    Ok(current) => view! { <SettingsForm current action /> }.into_any(),
                    Err(e) => list_error(e, "the security settings"),
                }
            })}
        </Suspense>
        <LogoCard />
        <QuoteTemplateCard />
        <NetworkCard />
        <LoginHoursCard />
        <SalesTermsCard />
    }
}

fn text(n: impl ToString) -> String {
    n.to_string()
}

fn optional(n: Option<u16>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

#[component]
fn Checkbox(name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div class="check">
            <input type="checkbox" id=id.clone() name=name value="on" checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

#[component]
fn SettingsForm(
    current: SecuritySettings,
    action: ServerAction<UpdateSecuritySettings>,
) -> impl IntoView {
    let value = action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <ActionForm action attr:class="form settings-form" attr:novalidate=true>
            <CsrfField />
            {password_card(&current, value)}
            {sessions_and_lockout_cards(&current, value)}
            {mfa_card(&current, value)}
            <FormAlert error />
            <Show when=move || matches!(value.get(), Some(Ok(())))>
                <p class="alert alert-success" role="status">"Settings saved."</p>
            </Show>
            <div class="form-actions">
                <SubmitButton label="Save settings" pending_label="Saving…" pending=action.pending() />
            </div>
        </ActionForm>
    }
}

type Saved = MappedSignal<Option<Result<(), AppError>>>;

fn password_card(current: &SecuritySettings, value: Saved) -> AnyView {
    view! {
            <section class="card" aria-labelledby="password-heading">
                <h2 id="password-heading">"Passwords"</h2>
                <div class="field-grid">
                    <TextField
                        label="Minimum length"
                        name="password_min_length"
                        hint="Characters, 8 to 128. Longer passwords are never cut."
                        value=text(current.password_min_length)
                        inputmode="numeric"
                        error=field_error(value, "password_min_length")
                    />
                    <TextField
                        label="Minimum strength"
                        name="password_min_strength"
                        hint="0 (anything) to 4 (very hard to guess), as estimated by zxcvbn."
                        value=text(current.password_min_strength)
                        inputmode="numeric"
                        error=field_error(value, "password_min_strength")
                    />
                    <TextField
                        label="Remembered passwords"
                        name="password_history"
                        hint="How many previous passwords may not be used again, 0 to 24."
                        value=text(current.password_history)
                        inputmode="numeric"
                        error=field_error(value, "password_history")
                    />
                    <TextField
                        label="Expire after (days)"
                        name="password_expiry_days"
                        hint="Empty: passwords do not expire. People are told 14 days ahead."
                        value=optional(current.password_expiry_days)
                        inputmode="numeric"
                        error=field_error(value, "password_expiry_days")
                    />
                </div>
                <fieldset class="checks">
                    <legend>"Every password must contain"</legend>
                    <Checkbox name="password_require_lowercase" label="a lowercase letter" checked=current.password_require_lowercase />
                    <Checkbox name="password_require_uppercase" label="an uppercase letter" checked=current.password_require_uppercase />
                    <Checkbox name="password_require_digit" label="a digit" checked=current.password_require_digit />
                    <Checkbox name="password_require_symbol" label="a symbol" checked=current.password_require_symbol />
                </fieldset>
            </section>
    }
    .into_any()
}

fn sessions_and_lockout_cards(current: &SecuritySettings, value: Saved) -> AnyView {
    view! {
            <section class="card" aria-labelledby="sessions-heading">
                <h2 id="sessions-heading">"Sessions"</h2>
                <div class="field-grid">
                    <TextField
                        label="Idle timeout (minutes)"
                        name="session_idle_minutes"
                        hint="Signed out after this long without a request, 5 to 1440."
                        value=text(current.session_idle_minutes)
                        inputmode="numeric"
                        error=field_error(value, "session_idle_minutes")
                    />
                    <TextField
                        label="Absolute lifetime (hours)"
                        name="session_absolute_hours"
                        hint="Signed out this long after signing in, however active, 1 to 720."
                        value=text(current.session_absolute_hours)
                        inputmode="numeric"
                        error=field_error(value, "session_absolute_hours")
                    />
                    <TextField
                        label="Sessions per person"
                        name="max_sessions_per_user"
                        hint="Empty: no limit. When a new sign-in goes over it, the oldest session ends."
                        value=optional(current.max_sessions_per_user)
                        inputmode="numeric"
                        error=field_error(value, "max_sessions_per_user")
                    />
                </div>
            </section>
            <section class="card" aria-labelledby="lockout-heading">
                <h2 id="lockout-heading">"Lockout"</h2>
                <div class="field-grid">
                    <TextField
                        label="Failed sign-ins before lockout"
                        name="lockout_threshold"
                        hint="Consecutive wrong passwords that lock the account, 1 to 50."
                        value=text(current.lockout_threshold)
                        inputmode="numeric"
                        error=field_error(value, "lockout_threshold")
                    />
                    <TextField
                        label="Lockout duration (minutes)"
                        name="lockout_minutes"
                        hint="Until then sign-in is refused, unless an admin unlocks the account; 1 to 1440."
                        value=text(current.lockout_minutes)
                        inputmode="numeric"
                        error=field_error(value, "lockout_minutes")
                    />
                </div>
            </section>
    }
    .into_any()
}

fn mfa_card(current: &SecuritySettings, value: Saved) -> AnyView {
    let policy = current.mfa_policy;
    view! {
            <section class="card" aria-labelledby="mfa-heading">
                <h2 id="mfa-heading">"Two-step sign-in"</h2>
                <fieldset class="checks" aria-describedby="mfa_policy-hint">
                    <legend>"Who must sign in with a second factor"</legend>
                    {MfaPolicy::ALL
                        .into_iter()
                        .map(|chosen| {
                            view! {
                                <div class="check">
                                    <input
                                        type="radio"
                                        id=format!("mfa_policy-{}", chosen.key())
                                        name="mfa_policy"
                                        value=chosen.key()
                                        checked=policy == chosen
                                    />
                                    <label for=format!("mfa_policy-{}", chosen.key())>
                                        {chosen.label()}
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <p class="field-hint" id="mfa_policy-hint">
                    "Administrators are members whose roles can manage the team, roles, settings or billing, or read the audit trail. Whoever must and has no second factor is asked to set one up right after their password, and can do nothing else until then."
                </p>
                {move || {
                    field_error(value, "mfa_policy")
                        .get()
                        .map(|m| view! { <p class="field-error" role="alert">{m}</p> })
                }}
            </section>
    }
    .into_any()
}
