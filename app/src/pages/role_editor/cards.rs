//! The role editor's cards: about (name, parent, description), permissions by category, data
//! scope per resource, and restrictions. Each reads and writes the shared [`Draft`].

use std::collections::{BTreeMap, HashMap};

use leptos::prelude::*;

use super::draft::{capitalised, categories, scope_label};
use crate::error::AppError;
use crate::permissions::{Permission, PermissionSet, Resource as RecordKind, Scope};

/// What a parent role passes on: keys and widest scopes, each with the role it comes from.
pub(super) type FromParent = (
    HashMap<Permission, String>,
    HashMap<RecordKind, (Scope, String)>,
);

/// The form's state, shared by its cards.
#[derive(Clone, Copy)]
pub(super) struct Draft {
    pub name: RwSignal<String>,
    pub description: RwSignal<String>,
    pub keys: RwSignal<PermissionSet>,
    pub scopes: RwSignal<BTreeMap<RecordKind, Scope>>,
    pub allow_export: RwSignal<bool>,
    pub allow_bulk: RwSignal<bool>,
    pub max_records: RwSignal<String>,
    pub parent: RwSignal<String>,
    pub from_parent: Memo<FromParent>,
    /// The last refusal of a preview or save, if any.
    pub error: Memo<Option<AppError>>,
    pub read_only: bool,
}

impl Draft {
    fn field_error(self, field: &'static str) -> Option<String> {
        self.error
            .with(|e| e.as_ref().and_then(|e| e.field_message(field)))
    }
}

pub(super) fn about_card(d: Draft, parent_options: AnyView) -> AnyView {
    let read_only = d.read_only;
    view! {
        <section class="card">
            <h2>"About"</h2>
            <div class="field-grid">
                <div class="field" class:field-invalid=move || d.field_error("name").is_some()>
                    <label for="role-name">"Name"</label>
                    <input id="role-name" type="text" maxlength=60 disabled=read_only
                        prop:value=move || d.name.get()
                        on:input=move |ev| d.name.set(event_target_value(&ev)) />
                    <p class="field-error" aria-live="polite">{move || d.field_error("name")}</p>
                </div>
                <div class="field">
                    <label for="role-parent">"Inherits from"</label>
                    <select id="role-parent" disabled=read_only on:change=move |ev| d.parent.set(event_target_value(&ev))>
                        <option value="">"No parent"</option>
                        {parent_options}
                    </select>
                    <p class="field-hint">"Its permissions show greyed below, with where they come from."</p>
                </div>
            </div>
            <div class="field">
                <label for="role-description">"Description"</label>
                <input id="role-description" type="text" maxlength=300 disabled=read_only
                    prop:value=move || d.description.get()
                    on:input=move |ev| d.description.set(event_target_value(&ev)) />
            </div>
        </section>
    }
    .into_any()
}

pub(super) fn permissions_card(d: Draft) -> AnyView {
    let groups = categories()
        .into_iter()
        .map(|(category, members)| permission_group(d, category, members))
        .collect_view();
    view! {
        <section class="card">
            <h2>"Permissions" <span class="count">{move || {
                let own = d.keys.get();
                let (inh, _) = d.from_parent.get();
                let n = Permission::ALL.iter().filter(|p| own.contains(**p) || inh.contains_key(*p)).count();
                format!("{n} of {}", Permission::ALL.len())
            }}</span></h2>
            <div class="perm-groups">{groups}</div>
        </section>
    }
    .into_any()
}

/// One category: an "all" toggle with a count, and a row per key.
fn permission_group(d: Draft, category: &'static str, members: Vec<Permission>) -> AnyView {
    let members = StoredValue::new(members);
    let on_in_group = move || {
        let own = d.keys.get();
        let (inh, _) = d.from_parent.get();
        members.with_value(|m| {
            m.iter()
                .filter(|p| own.contains(**p) || inh.contains_key(*p))
                .count()
        })
    };
    let total = members.with_value(Vec::len);
    let group_id = format!("perm-{}", category.to_lowercase());
    let rows = members
        .get_value()
        .into_iter()
        .map(|p| permission_row(d, p))
        .collect_view();
    let read_only = d.read_only;
    view! {
        <fieldset class="perm-group" aria-labelledby=group_id.clone()>
            <div class="perm-group-head">
                <input
                    type="checkbox"
                    id=format!("{group_id}-all")
                    aria-label=format!("All {category} permissions")
                    prop:checked=move || on_in_group() == total
                    prop:indeterminate=move || { let n = on_in_group(); n > 0 && n < total }
                    disabled=read_only
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let (inh, _) = d.from_parent.get_untracked();
                        d.keys.update(|k| {
                            members.with_value(|m| {
                                for p in m.iter().filter(|p| !inh.contains_key(*p)) {
                                    if on { k.insert(*p) } else { k.remove(*p) }
                                }
                            })
                        });
                    }
                />
                <label for=format!("{group_id}-all") id=group_id.clone()>{category}</label>
                <span class="count" aria-live="polite">{move || format!("{} of {total}", on_in_group())}</span>
            </div>
            <ul>{rows}</ul>
        </fieldset>
    }
    .into_any()
}

/// One key: checked when the role or its parent holds it; a parent's key is greyed and names
/// where it comes from.
fn permission_row(d: Draft, p: Permission) -> AnyView {
    let is_inherited = move || d.from_parent.with(|(inh, _)| inh.get(&p).cloned());
    let checkbox_id = format!("perm-{}", p.key());
    let read_only = d.read_only;
    view! {
        <li class="perm" class:perm-inherited=move || is_inherited().is_some()>
            <input
                type="checkbox"
                id=checkbox_id.clone()
                data-key=p.key()
                prop:checked=move || d.keys.with(|k| k.contains(p)) || is_inherited().is_some()
                disabled=move || read_only || is_inherited().is_some()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    d.keys.update(|k| if on { k.insert(p) } else { k.remove(p) });
                }
            />
            <label for=checkbox_id>
                <span class="perm-label">{p.label()}</span>
                " "
                <code>{p.key()}</code>
                {p.is_sensitive().then(|| view! { <span class="badge badge-danger">"Sensitive"</span> })}
                <span class="perm-desc">
                    {p.description()}
                    {move || is_inherited().map(|from| format!(" Inherited from {from}."))}
                </span>
            </label>
        </li>
    }
    .into_any()
}

pub(super) fn scope_card(d: Draft) -> AnyView {
    let rows = RecordKind::SCOPED
        .iter()
        .map(|resource| scope_row(d, *resource))
        .collect_view();
    view! {
        <section class="card">
            <h2>"Data scope"</h2>
            <p class="muted">"Which records of each kind the role reaches: all, its holder's department, their teams, or only records assigned to them."</p>
            <div class="scope-grid">{rows}</div>
        </section>
    }
    .into_any()
}

fn scope_row(d: Draft, resource: RecordKind) -> AnyView {
    let select_id = format!("scope-{}", resource.key());
    let parent_gives = move || {
        d.from_parent.with(|(_, s)| {
            s.get(&resource)
                .map(|(scope, from)| format!("{from} gives {}", scope.key()))
        })
    };
    let options = Scope::ALL
        .iter()
        .map(|s| {
            let selected = d
                .scopes
                .with_untracked(|m| m.get(&resource).copied().unwrap_or(Scope::Assigned))
                == *s;
            view! { <option value=s.key() selected=selected>{scope_label(*s)}</option> }
        })
        .collect_view();
    view! {
        <div class="scope-row">
            <label for=select_id.clone()>{capitalised(resource.key())}</label>
            <select
                id=select_id
                aria-label=format!("Data scope for {}", resource.key())
                disabled=d.read_only
                on:change=move |ev| {
                    if let Some(s) = Scope::from_key(&event_target_value(&ev)) {
                        d.scopes.update(|m| { m.insert(resource, s); });
                    }
                }
            >
                {options}
            </select>
            <span class="muted">{parent_gives}</span>
        </div>
    }
    .into_any()
}

pub(super) fn restrictions_card(d: Draft) -> AnyView {
    let read_only = d.read_only;
    view! {
        <section class="card">
            <h2>"Restrictions"</h2>
            <div class="checks">
                <label class="check">
                    <input type="checkbox" id="role-allow-export" disabled=read_only
                        prop:checked=move || d.allow_export.get()
                        on:change=move |ev| d.allow_export.set(event_target_checked(&ev)) />
                    "Data export allowed"
                </label>
                <label class="check">
                    <input type="checkbox" id="role-allow-bulk" disabled=read_only
                        prop:checked=move || d.allow_bulk.get()
                        on:change=move |ev| d.allow_bulk.set(event_target_checked(&ev)) />
                    "Bulk operations allowed"
                </label>
            </div>
            <div class="field" class:field-invalid=move || d.field_error("max_records").is_some()>
                <label for="role-max-records">"Max records visible"</label>
                <p class="field-hint">"Caps every list; leave empty for no cap."</p>
                <input id="role-max-records" type="text" inputmode="numeric" maxlength=7 disabled=read_only
                    prop:value=move || d.max_records.get()
                    on:input=move |ev| d.max_records.set(event_target_value(&ev)) />
                <p class="field-error" aria-live="polite">{move || d.field_error("max_records")}</p>
            </div>
        </section>
    }
    .into_any()
}
