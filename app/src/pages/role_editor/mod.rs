//! The role editor: a reactive form over a role's permissions (grouped by category, with an
//! "all" toggle and counts), its data scope per resource, its restrictions and its parent,
//! whose permissions show greyed with their source. Saving first shows what would change —
//! "grants customers.export, revokes orders.refund — affects 14 users" — after the server has
//! run every check saving makes. The cards are in `cards.rs`, the starting values and what a
//! parent passes on in `draft.rs`.

mod cards;
mod draft;

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use self::cards::{about_card, permissions_card, restrictions_card, scope_card, Draft};
use self::draft::{inherited, Start};
use crate::api::accounts::me;
use crate::api::roles::{list_roles, CreateRole, PreviewRole, RoleInput, UpdateRole};
use crate::components::layout::PageHeader;
use crate::model::RoleView;
use crate::permissions::Permission;

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

/// Why the form is read-only for this caller, if it is.
fn read_only_reason(editing: Option<&RoleView>, can_write: bool) -> Option<&'static str> {
    match editing {
        _ if !can_write => Some("You can see this role but not change it."),
        Some(r) if r.is_owner() => Some("The Owner role holds every permission, including ones added later. It can't be edited."),
        Some(r) if r.held_by_you => Some("You hold this role, so you can't change it. Ask another admin."),
        _ => None,
    }
}

/// The roles a role may inherit from: any but the Owner role and itself.
fn parent_options(
    list: StoredValue<Vec<RoleView>>,
    own_id: &str,
    parent: RwSignal<String>,
) -> AnyView {
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
    .into_any()
}

/// The form's state from where it starts.
fn draft(
    start: Start,
    list: StoredValue<Vec<RoleView>>,
    read_only: bool,
    error: Memo<Option<crate::error::AppError>>,
) -> Draft {
    let parent = RwSignal::new(start.parent);
    Draft {
        name: RwSignal::new(start.name),
        description: RwSignal::new(start.description),
        keys: RwSignal::new(start.permissions),
        scopes: RwSignal::new(start.scopes),
        allow_export: RwSignal::new(start.allow_export),
        allow_bulk: RwSignal::new(start.allow_bulk),
        max_records: RwSignal::new(start.max_records),
        parent,
        from_parent: Memo::new(move |_| {
            let p = parent.get();
            list.with_value(|l| inherited(l, Some(p.as_str()).filter(|p| !p.is_empty())))
        }),
        error,
        read_only,
    }
}

/// What the server is sent to preview or save.
fn role_input(d: Draft) -> RoleInput {
    RoleInput {
        name: d.name.get(),
        description: d.description.get(),
        permissions: d.keys.get().iter().map(|p| p.key().to_owned()).collect(),
        scopes: d
            .scopes
            .get()
            .iter()
            .map(|(r, s)| format!("{}:{}", r.key(), s.key()))
            .collect(),
        allow_export: d.allow_export.get(),
        allow_bulk: d.allow_bulk.get(),
        max_records: d.max_records.get(),
        parent_role_id: d.parent.get(),
    }
}

#[component]
fn Editor(
    list: Vec<RoleView>,
    editing: Option<RoleView>,
    start: Start,
    can_write: bool,
) -> impl IntoView {
    let read_only_reason = read_only_reason(editing.as_ref(), can_write);
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

    let preview = ServerAction::<PreviewRole>::new();
    let create = ServerAction::<CreateRole>::new();
    let update = ServerAction::<UpdateRole>::new();
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
    let list = StoredValue::new(list);
    let d = draft(start, list, read_only, error);
    let actions = Actions {
        preview,
        create,
        update,
    };
    let save_bar = (!read_only).then(|| save_bar(actions, id.clone(), d, holders));

    view! {
        <Title text=format!("{title} · Gatehouse") />
        <PageHeader title=title.clone() lead="Permissions add up across a person's roles; per resource the widest scope wins." />
        <p><a href="/roles">"← All roles"</a></p>
        {read_only_reason.map(|r| view! { <div class="alert alert-warning" role="status">{r}</div> })}
        <form class="form role-editor" on:submit=|ev| ev.prevent_default() novalidate=true>
            {about_card(d, parent_options(list, &id, d.parent))}
            {permissions_card(d)}
            {scope_card(d)}
            {restrictions_card(d)}
            {save_bar}
        </form>
    }
}

/// The editor's three server calls.
#[derive(Clone, Copy)]
struct Actions {
    preview: ServerAction<PreviewRole>,
    create: ServerAction<CreateRole>,
    update: ServerAction<UpdateRole>,
}

/// "Review changes" (the server's diff, after every check saving makes) and "Save role",
/// which stays off until the shown diff matches the form; a saved role returns to the list.
fn save_bar(actions: Actions, id: String, d: Draft, holders: usize) -> AnyView {
    let Actions {
        preview,
        create,
        update,
    } = actions;
    let input = Memo::new(move |_| role_input(d));
    // The input the shown diff was made for: any edit after it hides the diff again.
    let previewed = RwSignal::new(None::<RoleInput>);
    let diff = Memo::new(move |_| {
        let fresh = previewed.get().as_ref() == Some(&input.get());
        match preview.value().get() {
            Some(Ok(text)) if fresh && !preview.pending().get() => Some(text),
            _ => None,
        }
    });
    let saving = Signal::derive(move || create.pending().get() || update.pending().get());
    Effect::new(move |_| {
        let created = matches!(create.value().get(), Some(Ok(_)));
        let updated = matches!(update.value().get(), Some(Ok(_)));
        if created || updated {
            window().location().set_href("/roles").ok();
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
    let save = move |_| {
        let role = input.get_untracked();
        if id.is_empty() {
            create.dispatch(CreateRole { role });
        } else {
            update.dispatch(UpdateRole {
                id: id.clone(),
                role,
            });
        }
    };
    let error = d.error;
    view! {
        <section class="card save-bar" aria-live="polite">
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {move || diff.get().map(|d| view! {
                <div class="diff" role="status">
                    <strong>"Saving this role "</strong>{d}
                </div>
            })}
            <div class="form-actions">
                {(holders > 0).then(|| view! { <span class="muted">{format!("{} hold it now.", super::roles::people(holders))}</span> })}
                <button type="button" class="btn" on:click=review disabled=move || preview.pending().get()>
                    {move || if preview.pending().get() { "Checking…" } else { "Review changes" }}
                </button>
                <button type="button" class="btn btn-primary" on:click=save
                    disabled=move || diff.get().is_none() || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save role" }}
                </button>
            </div>
        </section>
    }
    .into_any()
}
