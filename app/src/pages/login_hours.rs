//! The settings page's login-hours card: the workspace's time zone, and when each role's
//! holders may use the workspace.

use leptos::prelude::*;

use crate::api::settings::{get_login_hours, ClearLoginHours, SetLoginHours, SetTimeZone};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::model::{LoginHoursView, RoleHours, WEEKDAYS};

#[component]
pub fn LoginHoursCard() -> impl IntoView {
    let zone = ServerAction::<SetTimeZone>::new();
    let set = ServerAction::<SetLoginHours>::new();
    let clear = ServerAction::<ClearLoginHours>::new();
    let view_data = Resource::new(
        move || {
            (
                zone.version().get(),
                set.version().get(),
                clear.version().get(),
            )
        },
        |_| get_login_hours(),
    );
    view! {
        <section class="card" id="login-hours" aria-labelledby="login-hours-heading">
            <h2 id="login-hours-heading">"Login hours"</h2>
            <p class="muted">
                "When each role may use the workspace. Someone with several roles may sign in whenever any of them allows; outside their hours sign-in is refused with the time access opens, and running sessions end. Owners can always sign in."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(data) => view! { <Hours data zone set clear /> }.into_any(),
                        Err(e) => list_error(e, "the login hours"),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Hours(
    data: LoginHoursView,
    zone: ServerAction<SetTimeZone>,
    set: ServerAction<SetLoginHours>,
    clear: ServerAction<ClearLoginHours>,
) -> impl IntoView {
    let zone_value = zone.value();
    let set_value = set.value();
    let set_error = Signal::derive(move || set_value.get().and_then(Result::err));
    let clear_error = Signal::derive(move || clear.value().get().and_then(Result::err));
    view! {
        <ActionForm action=zone attr:class="form form-inline" attr:novalidate=true>
            <CsrfField />
            <TextField
                label="Time zone"
                name="time_zone"
                hint="An IANA name, such as Europe/Berlin or America/New_York."
                value=data.time_zone
                error=field_error(zone_value, "time_zone")
                maxlength=64
            />
            <div class="form-actions">
                <SubmitButton label="Save time zone" pending_label="Saving…" pending=zone.pending() />
            </div>
        </ActionForm>
        <FormAlert error=set_error />
        <FormAlert error=clear_error />
        <div class="role-hours">
            {data
                .roles
                .into_iter()
                .map(|role| view! { <RoleRow role set clear /> })
                .collect_view()}
        </div>
    }
}

#[component]
fn RoleRow(
    role: RoleHours,
    set: ServerAction<SetLoginHours>,
    clear: ServerAction<ClearLoginHours>,
) -> impl IntoView {
    let id = role.role_id.as_str().to_owned();
    if role.is_owner {
        return view! {
            <fieldset class="role-hours-row">
                <legend>{role.name}</legend>
                <p class="muted">"Any time — Owners can always sign in."</p>
            </fieldset>
        }
        .into_any();
    }
    let summary = role
        .hours
        .as_ref()
        .map_or_else(|| "Any time".to_owned(), |h| h.describe());
    let (start, end) = role
        .hours
        .as_ref()
        .map_or(("08:00".to_owned(), "18:00".to_owned()), |h| {
            (h.start.clone(), h.end.clone())
        });
    let ticked = |i: usize| role.hours.as_ref().map_or(i < 5, |h| h.has_day(i));
    let days = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let field = day.to_lowercase();
            let input_id = format!("hours-{id}-{field}");
            view! {
                <span class="check">
                    <input type="checkbox" id=input_id.clone() name=field value="on" checked=ticked(i) />
                    <label for=input_id>{*day}</label>
                </span>
            }
        })
        .collect_view();
    let start_id = format!("hours-{id}-start");
    let end_id = format!("hours-{id}-end");
    let cleared = role.hours.is_some().then(|| {
        let id = id.clone();
        view! {
            <RowAction
                action=clear
                fields=vec![("role_id", id)]
                label="Any time"
            />
        }
    });
    view! {
        <fieldset class="role-hours-row">
            <legend>{role.name.clone()}</legend>
            <p class="role-hours-now">{summary}</p>
            <ActionForm action=set attr:class="form-inline hours-form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="role_id" value=id.clone() />
                <span class="days" role="group" aria-label=format!("{} weekdays", role.name)>{days}</span>
                <label for=start_id.clone()>"From"</label>
                <input id=start_id type="text" name="start" value=start inputmode="numeric" size=5 placeholder="HH:MM" required=true />
                <label for=end_id.clone()>"until"</label>
                <input id=end_id type="text" name="end" value=end inputmode="numeric" size=5 placeholder="HH:MM" required=true />
                <button type="submit" class="btn btn-small btn-primary" aria-label=format!("Save hours for {}", role.name)>
                    "Save"
                </button>
            </ActionForm>
            {cleared}
        </fieldset>
    }
    .into_any()
}
