//! The roles page: every role with what it holds and who holds it; create, edit, clone, and
//! delete (asking where its holders go).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::accounts::me;
use crate::api::roles::{list_roles, DeleteRole};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton};
use crate::components::layout::PageHeader;
use crate::csrf::CsrfField;
use crate::model::{RoleId, RoleView};
use crate::permissions::Permission;

/// How many people, in words.
pub(crate) fn people(n: usize) -> String {
    match n {
        0 => "Nobody".to_owned(),
        1 => "1 person".to_owned(),
        n => format!("{n} people"),
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let delete = ServerAction::<DeleteRole>::new();
    let roles = Resource::new(move || delete.version().get(), |_| list_roles());
    let caller = Resource::new(|| (), |_| me());
    let deleting = RwSignal::new(None::<RoleId>);
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            deleting.set(None);
        }
    });
    view! {
        <Title text="Roles · Gatehouse" />
        <PageHeader
            title="Roles"
            lead="What each role may do and whom it reaches. People can hold several roles: their permissions add up."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading roles…"</p> }>
            {move || Suspend::new(async move {
                let can_write = caller
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.can(Permission::RolesWrite));
                match roles.await {
                    Ok(list) => {
                        view! { <RoleTable list can_write deleting delete /> }.into_any()
                    }
                    Err(e) => list_error(e, "roles"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoleTable(
    list: Vec<RoleView>,
    can_write: bool,
    deleting: RwSignal<Option<RoleId>>,
    delete: ServerAction<DeleteRole>,
) -> impl IntoView {
    let names: Vec<(RoleId, String)> = list
        .iter()
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect();
    let name_of = {
        let names = names.clone();
        move |id: &RoleId| {
            names
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        }
    };
    let rows = list
        .iter()
        .map(|r| {
            let changeable = can_write && !r.is_owner() && !r.held_by_you;
            let deletable = changeable && r.base_role.is_none();
            let parent = r.parent_role_id.as_ref().map(&name_of);
            let id = r.id.clone();
            let keys = if r.is_owner() {
                "Every permission".to_owned()
            } else {
                format!("{} of {}", r.permissions.len(), Permission::ALL.len())
            };
            view! {
                <tr>
                    <td class="strong">
                        <a href=format!("/roles/{}", r.id)>{r.name.clone()}</a>
                        {r.base_role.is_some().then(|| view! { <span class="badge">"Base"</span> })}
                        {r.held_by_you.then(|| view! { <span class="badge">"Yours"</span> })}
                    </td>
                    <td class="cell-wrap">
                        {r.description.clone()}
                        {parent.map(|p| view! { <span class="muted">" Inherits from "{p}"."</span> })}
                    </td>
                    <td>{keys}</td>
                    <td>{people(r.holders)}</td>
                    <td class="actions-cell">
                        <div class="row-actions">
                            {changeable
                                .then(|| {
                                    view! {
                                        <a class="btn btn-small" href=format!("/roles/{}", r.id)>"Edit"</a>
                                    }
                                })}
                            {(can_write && !r.is_owner())
                                .then(|| {
                                    view! {
                                        <a class="btn btn-small" href=format!("/roles/new?from={}", r.id)>
                                            "Clone"
                                        </a>
                                    }
                                })}
                            {deletable
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="btn btn-small btn-danger"
                                            on:click=move |_| deleting.set(Some(id.clone()))
                                        >
                                            "Delete"
                                        </button>
                                    }
                                })}
                        </div>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    let list_for_panel = list.clone();
    view! {
        {can_write
            .then(|| {
                view! {
                    <div class="toolbar">
                        <span></span>
                        <a class="btn btn-primary" href="/roles/new">"New role"</a>
                    </div>
                }
            })}
        <section class="card">
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Description"</th>
                            <th scope="col">"Permissions"</th>
                            <th scope="col">"Held by"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        {move || {
            deleting
                .get()
                .and_then(|id| list_for_panel.iter().find(|r| r.id == id).cloned())
                .map(|role| view! { <DeletePanel role others=list_for_panel.clone() deleting delete /> })
        }}
    }
}

/// Confirms a deletion; a role in use asks which role its holders move to.
#[component]
fn DeletePanel(
    role: RoleView,
    others: Vec<RoleView>,
    deleting: RwSignal<Option<RoleId>>,
    delete: ServerAction<DeleteRole>,
) -> impl IntoView {
    let value = delete.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let reassign_error = field_error(value, "reassign_to");
    let options = others
        .into_iter()
        .filter(|r| r.id != role.id)
        .map(|r| view! { <option value=r.id.to_string()>{r.name}</option> })
        .collect_view();
    let in_use = role.holders > 0;
    view! {
        <section class="card danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">{format!("Delete the role {}", role.name)}</h2>
            <p>
                {if in_use {
                    format!(
                        "{} {} it. Choose the role they move to; open invitations for it move too.",
                        people(role.holders),
                        if role.holders == 1 { "holds" } else { "hold" },
                    )
                } else {
                    "Nobody holds it now. Open invitations or expired assignments for it, if any, move to the role you choose."
                        .to_owned()
                }}
            </p>
            <ActionForm action=delete attr:class="form">
                <CsrfField />
                <input type="hidden" name="id" value=role.id.to_string() />
                <div class="field" class:field-invalid=move || reassign_error.with(Option::is_some)>
                    <label for="field-reassign_to">"Move holders to"</label>
                    <select id="field-reassign_to" name="reassign_to">
                        <option value="">{if in_use { "Choose a role" } else { "No one to move" }}</option>
                        {options}
                    </select>
                    <p class="field-error" aria-live="polite">{move || reassign_error.get()}</p>
                </div>
                <FormAlert error />
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| deleting.set(None)>
                        "Cancel"
                    </button>
                    <SubmitButton label="Delete role" pending_label="Deleting…" pending=delete.pending() />
                </div>
            </ActionForm>
        </section>
    }
}
