//! One member's access, explained: every key with the roles it comes from, their scopes, and a
//! "why" check for a key (and optionally a customer).

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::me;
use crate::api::members::{list_roles, AssignRole, UnassignRole};
use crate::api::roles::{explain_access, WhyAccess};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction};
use crate::components::verdict::{verdict, why_fields};
use crate::csrf_page::CsrfField;
use crate::model::{Explanation, RoleOption};
use crate::permissions::Permission;

#[component]
pub fn AccessPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let assign = ServerAction::<AssignRole>::new();
    let unassign = ServerAction::<UnassignRole>::new();
    let explained = Resource::new(
        move || (id(), assign.version().get(), unassign.version().get()),
        |(id, _, _)| explain_access(id),
    );
    let caller = Resource::new(|| (), |_| me());
    let roles = Resource::new(|| (), |_| list_roles());
    view! {
        <Title text="Access · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let caller = caller.await.ok().flatten();
                let manage = caller
                    .as_ref()
                    .is_some_and(|u| u.can(Permission::TeamWrite) && u.id.as_str() != id());
                let options = if manage { roles.await.unwrap_or_default() } else { Vec::new() };
                match explained.await {
                    Ok(e) => view! {
                        <Explained e user_id=id() manage options assign unassign />
                    }
                    .into_any(),
                    Err(e) => list_error(e, "this member's access"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Explained(
    e: Explanation,
    user_id: String,
    /// The caller may change this member's roles (not their own).
    manage: bool,
    options: Vec<RoleOption>,
    assign: ServerAction<AssignRole>,
    unassign: ServerAction<UnassignRole>,
) -> impl IntoView {
    let title = format!("Access of {}", e.name);
    view! {
        <PageHeader title lead="What this member may do here, and where each permission comes from." />
        {roles_card(&e, &user_id, manage, options, assign, unassign)}
        {permissions_card(&e)}
        {why_card(user_id)}
    }
}

/// The member's roles, each with its end and (for those who manage them) a remove button; and
/// the form that gives a role.
fn roles_card(
    e: &Explanation,
    user_id: &str,
    manage: bool,
    options: Vec<RoleOption>,
    assign: ServerAction<AssignRole>,
    unassign: ServerAction<UnassignRole>,
) -> AnyView {
    let held = e
        .roles
        .iter()
        .map(|r| {
            let (user_id, role_id) = (user_id.to_owned(), r.role_id.to_string());
            let remove_label = format!("Remove {}", r.name);
            view! {
                <li>
                    <strong>{r.name.clone()}</strong>
                    {match &r.until {
                        Some(day) => format!(" — until {day}"),
                        None => " — until removed".to_owned(),
                    }}
                    {manage
                        .then(|| {
                            view! {
                                <RowAction
                                    action=unassign
                                    fields=vec![("user_id", user_id), ("role_id", role_id)]
                                    label=remove_label
                                />
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let assigned = assign.value();
    let assign_error = Signal::derive(move || {
        assigned
            .get()
            .and_then(Result::err)
            .or_else(|| unassign.value().get().and_then(Result::err))
    });
    let role_error = field_error(assigned, "role_id");
    let assign_user = user_id.to_owned();
    view! {
        <section class="card" aria-labelledby="roles-heading">
            <h2 id="roles-heading">"Roles"</h2>
            <ul class="held-roles">{held}</ul>
            {e.roles.is_empty().then(|| view! { <p class="muted">"No roles: this member can't do anything here."</p> })}
            {manage
                .then(|| {
                    view! {
                        <ActionForm action=assign attr:class="form form-inline">
                            <CsrfField />
                            <input type="hidden" name="user_id" value=assign_user />
                            <div class="field" class:field-invalid=move || role_error.with(Option::is_some)>
                                <label for="field-role_id">"Give a role"</label>
                                <select id="field-role_id" name="role_id">
                                    {options
                                        .into_iter()
                                        .map(|r| view! { <option value=r.id.to_string()>{r.name}</option> })
                                        .collect_view()}
                                </select>
                                <p class="field-error" aria-live="polite">{move || role_error.get()}</p>
                            </div>
                            <TextField
                                label="Until (optional)"
                                name="until"
                                input_type="date"
                                hint="Last day it counts, in the workspace's time zone."
                                error=field_error(assigned, "until")
                            />
                            <FormAlert error=assign_error />
                            <div class="form-actions">
                                <SubmitButton label="Give role" pending_label="Giving…" pending=assign.pending() />
                            </div>
                        </ActionForm>
                    }
                })}
        </section>
    }
    .into_any()
}

/// Every key the member holds with where it comes from, and their data scopes.
fn permissions_card(e: &Explanation) -> AnyView {
    let rows = e
        .permissions
        .iter()
        .map(|(key, sources)| {
            let label = Permission::from_key(key)
                .map(Permission::label)
                .unwrap_or_default();
            view! {
                <tr>
                    <td><code>{key.clone()}</code></td>
                    <td>{label}</td>
                    <td>{sources.join("; ")}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let scopes = e
        .scopes
        .iter()
        .map(|(resource, scope)| view! { <li><strong>{resource.clone()}</strong>": "{scope.clone()}</li> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">"Permissions"</h2>
            <DataTable
                columns=&["Key", "Permission", "From"]
                rows
                empty="No permissions: this member can't do anything here."
            />
            <h3>"Data scopes"</h3>
            <ul class="scope-list">{scopes}</ul>
        </section>
    }
    .into_any()
}

/// "Would this member pass a check of …?", with the reasons.
fn why_card(user_id: String) -> AnyView {
    let why = ServerAction::<WhyAccess>::new();
    let value = why.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="why-heading">
            <h2 id="why-heading">"Why?"</h2>
            <ActionForm action=why attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="user_id" value=user_id />
                {why_fields(value, "member")}
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Check" pending_label="Checking…" pending=why.pending() />
                </div>
            </ActionForm>
            {verdict(value)}
        </section>
    }
    .into_any()
}
