//! The role editor: a reactive form over a role's permissions (grouped by category, with an
//! "all" toggle and counts), its data scope per resource, its restrictions and its parent,
//! whose permissions show greyed with their source. Saving first shows what would change —
//! "grants customers.export, revokes orders.refund — affects 14 users" — after the server has
//! run every check saving makes.

use std::collections::{BTreeMap, HashMap};

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::accounts::me;
use crate::api::roles::{list_roles, CreateRole, PreviewRole, RoleInput, UpdateRole};
use crate::components::layout::PageHeader;
use crate::model::RoleView;
use crate::permissions::{Permission, PermissionSet, Resource as RecordKind, Scope};

/// `/roles/new` (optionally `?from=<id>` to clone) and `/roles/:id`.
#[component]
pub fn RoleEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id"));
    let from = move || query.with(|q| q.get("from"));
    let roles = Resource::new(|| (), |_| list_roles());
    let caller = Resource::new(|| (), |_| me());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading the role…"</p> }>
            {move || Suspend::new(async move {
                let can_write = caller
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.can(Permission::RolesWrite));
                let list = match roles.await {
                    Ok(list) => list,
                    Err(e) => return crate::components::alert::list_error(e, "this role"),
                };
                let find = |id: &str| list.iter().find(|r| r.id.as_str() == id).cloned();
                match (id(), from()) {
                    (Some(id), _) => match find(&id) {
                        Some(role) => {
                            let start = Start::from(&role);
                            view! { <Editor list=list.clone() editing=Some(role) start can_write /> }
                                .into_any()
                        }
                        None => view! { <div class="alert alert-error" role="alert">"We couldn't find that role."</div> }
                            .into_any(),
                    },
                    (None, source) => {
                        let start = source
                            .and_then(|s| find(&s))
                            .filter(|r| !r.is_owner())
                            .map(|r| Start {
                                name: format!("Copy of {}", r.name),
                                ..Start::from(&r)
                            })
                            .unwrap_or_else(Start::blank);
                        view! { <Editor list=list.clone() editing=None start can_write /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// What the form starts from: a stored role (to edit or clone) or nothing.
#[derive(Clone)]
struct Start {
    name: String,
    description: String,
    permissions: PermissionSet,
    scopes: BTreeMap<RecordKind, Scope>,
    allow_export: bool,
    allow_bulk: bool,
    max_records: String,
    parent: String,
}

impl Start {
    /// A new role holds nothing and reaches only records assigned to its holder.
    fn blank() -> Self {
        Start {
            name: String::new(),
            description: String::new(),
            permissions: PermissionSet::default(),
            scopes: RecordKind::ALL
                .iter()
                .map(|r| (*r, Scope::Assigned))
                .collect(),
            allow_export: false,
            allow_bulk: false,
            max_records: String::new(),
            parent: String::new(),
        }
    }
}

impl From<&RoleView> for Start {
    fn from(r: &RoleView) -> Self {
        Start {
            name: r.name.clone(),
            description: r.description.clone(),
            permissions: r.permissions.iter().copied().collect(),
            scopes: r.scopes.iter().copied().collect(),
            allow_export: r.allow_export,
            allow_bulk: r.allow_bulk,
            max_records: r.max_records.map(|n| n.to_string()).unwrap_or_default(),
            parent: r
                .parent_role_id
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The catalogue's categories in catalogue order, each with its keys.
fn categories() -> Vec<(&'static str, Vec<Permission>)> {
    let mut out: Vec<(&'static str, Vec<Permission>)> = Vec::new();
    for p in Permission::ALL {
        match out.iter_mut().find(|(c, _)| *c == p.category()) {
            Some((_, keys)) => keys.push(*p),
            None => out.push((p.category(), vec![*p])),
        }
    }
    out
}

/// The keys and widest scopes `parent` passes on, each with the nearest role it comes from.
fn inherited(
    list: &[RoleView],
    parent: Option<&str>,
) -> (
    HashMap<Permission, String>,
    HashMap<RecordKind, (Scope, String)>,
) {
    let mut keys = HashMap::new();
    let mut scopes: HashMap<RecordKind, (Scope, String)> = HashMap::new();
    let mut next = parent.map(str::to_owned);
    let mut depth = 0;
    while let (Some(id), true) = (next.take(), depth < 16) {
        let Some(role) = list.iter().find(|r| r.id.as_str() == id) else {
            break;
        };
        for p in &role.permissions {
            keys.entry(*p).or_insert_with(|| role.name.clone());
        }
        for (resource, scope) in &role.scopes {
            let entry = scopes
                .entry(*resource)
                .or_insert((*scope, role.name.clone()));
            if *scope > entry.0 {
                *entry = (*scope, role.name.clone());
            }
        }
        next = role.parent_role_id.as_ref().map(|p| p.to_string());
        depth += 1;
    }
    (keys, scopes)
}

#[component]
fn Editor(
    list: Vec<RoleView>,
    editing: Option<RoleView>,
    start: Start,
    can_write: bool,
) -> impl IntoView {
    let read_only_reason = match &editing {
        _ if !can_write => Some("You can see this role but not change it."),
        Some(r) if r.is_owner() => Some("The Owner role holds every permission, including ones added later. It can't be edited."),
        Some(r) if r.held_by_you => Some("You hold this role, so you can't change it. Ask another admin."),
        _ => None,
    };
    let read_only = read_only_reason.is_some();
    let title = match &editing {
        Some(r) => format!("Role: {}", r.name),
        None => "New role".to_owned(),
    };
    let id = editing
        .as_ref()
        .map(|r| r.id.to_string())
        .unwrap_or_default();
    let holders = editing.as_ref().map_or(0, |r| r.holders);

    let name = RwSignal::new(start.name);
    let description = RwSignal::new(start.description);
    let keys = RwSignal::new(start.permissions);
    let scopes = RwSignal::new(start.scopes);
    let allow_export = RwSignal::new(start.allow_export);
    let allow_bulk = RwSignal::new(start.allow_bulk);
    let max_records = RwSignal::new(start.max_records);
    let parent = RwSignal::new(start.parent);

    let list = StoredValue::new(list);
    let from_parent = Memo::new(move |_| {
        let p = parent.get();
        list.with_value(|l| inherited(l, Some(p.as_str()).filter(|p| !p.is_empty())))
    });

    let input = Memo::new(move |_| RoleInput {
        name: name.get(),
        description: description.get(),
        permissions: keys.get().iter().map(|p| p.key().to_owned()).collect(),
        scopes: scopes
            .get()
            .iter()
            .map(|(r, s)| format!("{}:{}", r.key(), s.key()))
            .collect(),
        allow_export: allow_export.get(),
        allow_bulk: allow_bulk.get(),
        max_records: max_records.get(),
        parent_role_id: parent.get(),
    });

    let preview = ServerAction::<PreviewRole>::new();
    let create = ServerAction::<CreateRole>::new();
    let update = ServerAction::<UpdateRole>::new();
    // The input the shown diff was made for: any edit after it hides the diff again.
    let previewed = RwSignal::new(None::<RoleInput>);
    let diff = Memo::new(move |_| {
        let fresh = previewed.get().as_ref() == Some(&input.get());
        match preview.value().get() {
            Some(Ok(text)) if fresh && !preview.pending().get() => Some(text),
            _ => None,
        }
    });
    let error = Memo::new(move |_| {
        [
            preview.value().get().and_then(Result::err),
            create.value().get().and_then(Result::err),
            update.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    let saving = Signal::derive(move || create.pending().get() || update.pending().get());
    Effect::new(move |_| {
        let created = matches!(create.value().get(), Some(Ok(_)));
        let updated = matches!(update.value().get(), Some(Ok(_)));
        if created || updated {
            let _ = window().location().set_href("/roles");
        }
    });
    let review = {
        let id = id.clone();
        move |_| {
            create.value().set(None);
            update.value().set(None);
            previewed.set(Some(input.get_untracked()));
            preview.dispatch(PreviewRole {
                id: id.clone(),
                role: input.get_untracked(),
            });
        }
    };
    let save = {
        let id = id.clone();
        move |_| {
            let role = input.get_untracked();
            if id.is_empty() {
                create.dispatch(CreateRole { role });
            } else {
                update.dispatch(UpdateRole {
                    id: id.clone(),
                    role,
                });
            }
        }
    };

    let parent_options = {
        let own_id = id.clone();
        list.with_value(|l| {
            l.iter()
                .filter(|r| !r.is_owner() && r.id.as_str() != own_id)
                .map(|r| {
                    let value = r.id.to_string();
                    let selected = value == parent.get_untracked();
                    view! { <option value=value selected=selected>{r.name.clone()}</option> }
                })
                .collect_view()
        })
    };

    let groups = categories()
        .into_iter()
        .map(|(category, members)| {
            let members = StoredValue::new(members);
            let on_in_group = move || {
                let own = keys.get();
                let (inh, _) = from_parent.get();
                members.with_value(|m| m.iter().filter(|p| own.contains(**p) || inh.contains_key(*p)).count())
            };
            let total = members.with_value(Vec::len);
            let group_id = format!("perm-{}", category.to_lowercase());
            let rows = members
                .get_value()
                .into_iter()
                .map(|p| {
                    let is_inherited = move || from_parent.with(|(inh, _)| inh.get(&p).cloned());
                    let checkbox_id = format!("perm-{}", p.key());
                    view! {
                        <li class="perm" class:perm-inherited=move || is_inherited().is_some()>
                            <input
                                type="checkbox"
                                id=checkbox_id.clone()
                                data-key=p.key()
                                prop:checked=move || keys.with(|k| k.contains(p)) || is_inherited().is_some()
                                disabled=move || read_only || is_inherited().is_some()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    keys.update(|k| if on { k.insert(p) } else { k.remove(p) });
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
                })
                .collect_view();
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
                                let (inh, _) = from_parent.get_untracked();
                                keys.update(|k| {
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
        })
        .collect_view();

    let scope_rows = RecordKind::ALL
        .iter()
        .map(|resource| {
            let resource = *resource;
            let select_id = format!("scope-{}", resource.key());
            let parent_gives = move || {
                from_parent.with(|(_, s)| {
                    s.get(&resource)
                        .map(|(scope, from)| format!("{from} gives {}", scope.key()))
                })
            };
            view! {
                <div class="scope-row">
                    <label for=select_id.clone()>{capitalised(resource.key())}</label>
                    <select
                        id=select_id
                        aria-label=format!("Data scope for {}", resource.key())
                        disabled=read_only
                        on:change=move |ev| {
                            if let Some(s) = Scope::from_key(&event_target_value(&ev)) {
                                scopes.update(|m| { m.insert(resource, s); });
                            }
                        }
                    >
                        {Scope::ALL
                            .iter()
                            .map(|s| {
                                let selected = scopes.with_untracked(|m| m.get(&resource).copied().unwrap_or(Scope::Assigned)) == *s;
                                view! { <option value=s.key() selected=selected>{scope_label(*s)}</option> }
                            })
                            .collect_view()}
                    </select>
                    <span class="muted">{parent_gives}</span>
                </div>
            }
            .into_any()
        })
        .collect_view();

    let about = view! {
            <section class="card">
                <h2>"About"</h2>
                <div class="field-grid">
                    <div class="field" class:field-invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field_message("name")).is_some())>
                        <label for="role-name">"Name"</label>
                        <input id="role-name" type="text" maxlength=60 disabled=read_only
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev)) />
                        <p class="field-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("name")))}</p>
                    </div>
                    <div class="field">
                        <label for="role-parent">"Inherits from"</label>
                        <select id="role-parent" disabled=read_only on:change=move |ev| parent.set(event_target_value(&ev))>
                            <option value="">"No parent"</option>
                            {parent_options}
                        </select>
                        <p class="field-hint">"Its permissions show greyed below, with where they come from."</p>
                    </div>
                </div>
                <div class="field">
                    <label for="role-description">"Description"</label>
                    <input id="role-description" type="text" maxlength=300 disabled=read_only
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev)) />
                </div>
            </section>
    }
    .into_any();
    let permissions = view! {
            <section class="card">
                <h2>"Permissions" <span class="count">{move || {
                    let own = keys.get();
                    let (inh, _) = from_parent.get();
                    let n = Permission::ALL.iter().filter(|p| own.contains(**p) || inh.contains_key(*p)).count();
                    format!("{n} of {}", Permission::ALL.len())
                }}</span></h2>
                <div class="perm-groups">{groups}</div>
            </section>
    }
    .into_any();
    let scope = view! {
            <section class="card">
                <h2>"Data scope"</h2>
                <p class="muted">"Which records of each kind the role reaches: all, its holder's department, their teams, or only records assigned to them."</p>
                <div class="scope-grid">{scope_rows}</div>
            </section>
    }
    .into_any();
    let restrictions = view! {
            <section class="card">
                <h2>"Restrictions"</h2>
                <div class="checks">
                    <label class="check">
                        <input type="checkbox" id="role-allow-export" disabled=read_only
                            prop:checked=move || allow_export.get()
                            on:change=move |ev| allow_export.set(event_target_checked(&ev)) />
                        "Data export allowed"
                    </label>
                    <label class="check">
                        <input type="checkbox" id="role-allow-bulk" disabled=read_only
                            prop:checked=move || allow_bulk.get()
                            on:change=move |ev| allow_bulk.set(event_target_checked(&ev)) />
                        "Bulk operations allowed"
                    </label>
                </div>
                <div class="field" class:field-invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field_message("max_records")).is_some())>
                    <label for="role-max-records">"Max records visible"</label>
                    <p class="field-hint">"Caps every list; leave empty for no cap."</p>
                    <input id="role-max-records" type="text" inputmode="numeric" maxlength=7 disabled=read_only
                        prop:value=move || max_records.get()
                        on:input=move |ev| max_records.set(event_target_value(&ev)) />
                    <p class="field-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("max_records")))}</p>
                </div>
            </section>
    }
    .into_any();
    let save_bar = (!read_only).then(|| view! {
                <section class="card save-bar" aria-live="polite">
                    {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
                    {move || diff.get().map(|d| view! {
                        <div class="diff" role="status">
                            <strong>"Saving this role "</strong>{d}
                        </div>
                    })}
                    <div class="form-actions">
                        {(holders > 0).then(|| view! { <span class="muted">{format!("{} hold it now.", super::roles::people(holders))}</span> })}
                        <button type="button" class="btn" on:click=review.clone() disabled=move || preview.pending().get()>
                            {move || if preview.pending().get() { "Checking…" } else { "Review changes" }}
                        </button>
                        <button type="button" class="btn btn-primary" on:click=save.clone()
                            disabled=move || diff.get().is_none() || saving.get()>
                            {move || if saving.get() { "Saving…" } else { "Save role" }}
                        </button>
                    </div>
                </section>
    }
    .into_any());

    view! {
        <Title text=format!("{title} · Gatehouse") />
        <PageHeader title=title.clone() lead="Permissions add up across a person's roles; per resource the widest scope wins." />
        <p><a href="/roles">"← All roles"</a></p>
        {read_only_reason.map(|r| view! { <div class="alert alert-warning" role="status">{r}</div> })}
        <form class="form role-editor" on:submit=|ev| ev.prevent_default() novalidate=true>
            {about}
            {permissions}
            {scope}
            {restrictions}
            {save_bar}
        </form>
    }
}

fn scope_label(s: Scope) -> &'static str {
    match s {
        Scope::All => "All records",
        Scope::Department => "Their department",
        Scope::Team => "Their teams",
        Scope::Assigned => "Assigned to them",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
