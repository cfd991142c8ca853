//! The one form style: a label above each input, the field's own error under it (linked with
//! `aria-describedby`), and a submit button that is disabled while the request is in flight.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn TextField(
    #[prop(into)] label: String,
    /// The form field name; also the key server validation errors name.
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] autocomplete: Option<&'static str>,
    /// The value the field starts with (settings forms show what is saved).
    #[prop(optional, into)]
    value: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// Tells apart same-named fields of several forms on one page (element ids must be unique).
    #[prop(optional)]
    scope: Option<&'static str>,
) -> impl IntoView {
    let id = match scope {
        Some(scope) => format!("field-{scope}-{name}"),
        None => format!("field-{name}"),
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=input_type
                maxlength=maxlength
                required=required
                autocomplete=autocomplete
                value=value
                inputmode=inputmode
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A choice from a list, with the same label, error and `aria` wiring as [`TextField`].
#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    /// The form field name; also the key server validation errors name.
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    /// `(value, label)` pairs, in order.
    choices: Vec<(String, String)>,
    /// The value chosen at first.
    #[prop(default = None)]
    selected: Option<String>,
    /// A first choice with an empty value ("Me", "No team"); none when every value is real.
    #[prop(optional)]
    empty: Option<&'static str>,
    /// Tells apart same-named fields of several forms on one page.
    #[prop(optional)]
    scope: Option<&'static str>,
) -> impl IntoView {
    let id = match scope {
        Some(scope) => format!("field-{scope}-{name}"),
        None => format!("field-{name}"),
    };
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    let options = choices
        .into_iter()
        .map(|(value, text)| {
            let chosen = selected.as_deref() == Some(value.as_str());
            view! { <option value=value selected=chosen>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
            >
                {empty.map(|text| view! { <option value="">{text}</option> })}
                {options}
            </select>
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
pub fn SubmitButton(
    #[prop(into)] label: String,
    #[prop(into)] pending_label: String,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="btn btn-primary"
            disabled=move || pending.get()
            aria-busy=move || pending.get().then_some("true")
        >
            {move || if pending.get() { pending_label.clone() } else { label.clone() }}
        </button>
    }
}

/// The last result of a server action (by default one that returns nothing on success).
pub trait ActionOutcome<T = ()>:
    Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static
{
}
impl<T, S> ActionOutcome<T> for S where
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static
{
}

/// The message for `field` in the action's last error, if any.
pub fn field_error<T: 'static>(
    value: impl ActionOutcome<T>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        value
            .get()
            .and_then(Result::err)
            .and_then(|e| e.field_message(field))
    })
}

/// After a successful sign-in or sign-out the whole page reloads, so every part of it —
/// the top bar included — is rendered for the new session.
pub fn reload_to_on_success(value: impl ActionOutcome, path: &'static str) {
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            window().location().set_href(path).ok();
        }
    });
}

/// After a sign-in (or an accepted invitation) the whole page loads the next step's page:
/// home, the second step, or second-factor set-up.
pub fn go_to_next_step(value: impl ActionOutcome<crate::model::SignInStep>) {
    Effect::new(move |_| {
        if let Some(Ok(step)) = value.get() {
            window().location().set_href(step.next_page()).ok();
        }
    });
}

/// A `NodeRef` for an `ActionForm` that empties the form after each successful submission, so
/// a "create" form is ready for the next entry (the new item shows in the list above it).
pub fn cleared_on_success<T: Send + Sync + 'static>(
    value: impl ActionOutcome<T>,
) -> NodeRef<leptos::html::Form> {
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    form
}

/// A `NodeRef` for an edit `ActionForm` whose page reads the record again after each answer:
/// once saved, or refused for any reason but a field (a stale version above all), the form
/// goes back to what the page now shows — the record's current values — instead of keeping
/// what was typed over them. A field's error keeps the typing, to be corrected.
pub fn reset_to_current<T: Send + Sync + 'static>(
    value: impl ActionOutcome<T>,
) -> NodeRef<leptos::html::Form> {
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        let settled = match value.get() {
            Some(Ok(_)) => true,
            Some(Err(e)) => !matches!(e, AppError::Validation { .. }),
            None => false,
        };
        if settled {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    form
}

/// The version of `action`'s last dispatch that went through. A page that reads itself again
/// keyed on it shows a saved change, and leaves a refused form as typed (reading again on every
/// dispatch would redraw the form and drop a choice the person made, with the message still
/// beside it).
pub fn last_saved<A, T>(action: ServerAction<A>) -> Memo<usize>
where
    A: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    Memo::new(move |last: Option<&usize>| {
        let ok = action.value().with(|v| matches!(v, Some(Ok(_))));
        if ok && !action.pending().get() {
            action.version().get()
        } else {
            last.copied().unwrap_or_default()
        }
    })
}
