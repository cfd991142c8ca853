//! The roles page: every role with what it holds and who holds it; create, edit, clone, and
//! delete (asking where its holders go).

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::me;
use crate::api::roles::{list_roles, list_sod_rules, AddSodRule, DeleteRole, RemoveSodRule};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::csrf_page::CsrfField;
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
                        view! {
                            <RoleTable list can_write deleting delete />
                            <SodRules can_write />
                        }
                        .into_any()
                    }
                    Err(e) => list_error(e, "roles"),
                }
            })}
        </Suspense>
    }
}

/// The pairs of permissions nobody may hold together, with adding and removing.
#[component]
fn SodRules(can_write: bool) -> impl IntoView {
    let add = ServerAction::<AddSodRule>::new();
    let remove = ServerAction::<RemoveSodRule>::new();
    let rules = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| list_sod_rules(),
    );
    let added = add.value();
    let error = Signal::derive(move || {
        added
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    let options = || {
        Permission::ALL
            .iter()
            .map(|p| view! { <option value=p.key()>{format!("{} — {}", p.key(), p.label())}</option> })
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="sod-heading">
            <h2 id="sod-heading">"Segregation of duties"</h2>
            <p class="muted">
                "Pairs of permissions nobody may hold together, through any mix of roles; role edits and assignments that would break one are refused. Owners hold everything by design and are exempt."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let pairs = rules.await.unwrap_or_default();
                    let empty = pairs.is_empty();
                    let items = pairs
                        .into_iter()
                        .map(|(a, b)| {
                            let label = format!("{a} ↔ {b}");
                            let remove_label = format!("Stop keeping {a} and {b} apart");
                            view! {
                                <li>
                                    <code>{label}</code>
                                    {can_write.then(|| view! {
                                        <RowAction
                                            action=remove
                                            fields=vec![("permission_a", a), ("permission_b", b)]
                                            label="Remove"
                                            aria_label=remove_label
                                        />
                                    })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <ul class="sod-list">{items}</ul>
                        {empty.then(|| view! { <p class="muted">"No pairs are kept apart."</p> })}
                    }
                })}
            </Suspense>
            {can_write.then(|| view! {
                <ActionForm action=add attr:class="form form-inline">
                    <CsrfField />
                    <div class="field">
                        <label for="field-permission_a">"Permission"</label>
                        <select id="field-permission_a" name="permission_a">{options()}</select>
                    </div>
                    <div class="field" class:field-invalid=move || field_error(added, "permission_b").with(Option::is_some)>
                        <label for="field-permission_b">"Never together with"</label>
                        <select id="field-permission_b" name="permission_b">{options()}</select>
                        <p class="field-error" aria-live="polite">{move || field_error(added, "permission_b").get()}</p>
                    </div>
                    <FormAlert error />
                    <div class="form-actions">
                        <SubmitButton label="Keep apart" pending_label="Saving…" pending=add.pending() />
                    </div>
                </ActionForm>
            })}
        </section>
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
            let parent = r.parent_role_id.as_ref().map(&name_of);
            role_row(r, parent, can_write, deleting)
        })
        .collect::<Vec<_>>();
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
            <DataTable
                columns=&["Role", "Description", "Permissions", "Held by", ACTIONS]
                rows
                empty="No roles."
            />
        </section>
        {move || {
            deleting
                .get()
                .and_then(|id| list_for_panel.iter().find(|r| r.id == id).cloned())
                .map(|role| view! { <DeletePanel role others=list_for_panel.clone() deleting delete /> })
        }}
    }
}

/// One role: name and badges, description and parent, how many keys, who holds it, and the
/// edit, clone and delete actions the caller may take.
fn role_row(
    r: &RoleView,
    parent: Option<String>,
    can_write: bool,
    deleting: RwSignal<Option<RoleId>>,
) -> AnyView {
    let changeable = can_write && !r.is_owner() && !r.held_by_you;
    let deletable = changeable && r.base_role.is_none();
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
