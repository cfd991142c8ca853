use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::workspaces::{list_workspaces, CheckWorkspaceName};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{NameCheck, WorkspaceSummary};

/// Case-insensitive match on name or address; an empty query matches everything.
pub fn matches_filter(workspace: &WorkspaceSummary, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || workspace.name.to_lowercase().contains(&query)
        || workspace.slug.contains(&query)
}

#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let workspaces = Resource::new(|| (), |_| list_workspaces());
    view! {
        <Title text="Workspaces · Gatehouse" />
        <PageHeader
            title="Workspaces"
            lead="The workspaces you belong to. Each organisation works in its own; nothing in one is visible from another."
        />
        <section class="card" aria-labelledby="ws-list-title">
            <h2 id="ws-list-title" class="sr-only">
                "All workspaces"
            </h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading workspaces…"</p> }>
                {move || Suspend::new(async move {
                    match workspaces.await {
                        Ok(list) => view! { <WorkspaceTable list /> }.into_any(),
                        Err(e) => list_error(e, "your workspaces"),
                    }
                })}
            </Suspense>
        </section>
        <NameCheckForm />
    }
}

#[component]
fn WorkspaceTable(list: Vec<WorkspaceSummary>) -> impl IntoView {
    let total = list.len();
    let list = StoredValue::new(list);
    let (query, set_query) = signal(String::new());
    let visible = Memo::new(move |_| {
        query.with(|q| {
            list.with_value(|l| {
                l.iter()
                    .filter(|w| matches_filter(w, q))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        <div class="toolbar">
            <label class="sr-only" for="ws-filter">
                "Filter workspaces"
            </label>
            <input
                id="ws-filter"
                class="search"
                type="search"
                placeholder="Filter by name or address"
                autocomplete="off"
                prop:value=query
                on:input=move |ev| set_query.set(event_target_value(&ev))
            />
            <span class="muted count" aria-live="polite">
                {move || format!("Showing {} of {}", visible.with(Vec::len), total)}
            </span>
        </div>
        {move || {
            let rows = visible
                .get()
                .into_iter()
                .map(|w| {
                    let created = w.created_on();
                    view! {
                        <tr>
                            <td class="strong">{w.name}</td>
                            <td>
                                <code>{w.slug}</code>
                            </td>
                            <td class="muted">{created}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>();
            let empty = if total == 0 {
                "No workspaces yet.".to_owned()
            } else {
                format!("No workspace matches “{}”.", query.get().trim())
            };
            view! { <DataTable columns=&["Name", "Address", "Created"] rows empty /> }
        }}
    }
}

/// Asks the server whether a name would be accepted, as the sign-up form will.
#[component]
fn NameCheckForm() -> impl IntoView {
    let check = ServerAction::<CheckWorkspaceName>::new();
    let result = check.value();
    let error = Signal::derive(move || result.get().and_then(Result::err));
    let name_error =
        Signal::derive(move || error.get().and_then(|e| e.field_message("workspace_name")));
    view! {
        <section class="card" aria-labelledby="name-check-title">
            <h2 id="name-check-title">"Check a workspace name"</h2>
            <p class="muted">"See whether a name is accepted and which address it would get."</p>
            <ActionForm action=check attr:class="form" attr:novalidate=true>
                <CsrfField />
                <TextField
                    label="Workspace name"
                    name="workspace_name"
                    hint="Up to 80 characters, any language."
                    error=name_error
                    maxlength=200
                    autocomplete="organization"
                />
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Check name" pending_label="Checking…" pending=check.pending() />
                </div>
            </ActionForm>
            {move || result.get().and_then(Result::ok).map(|c| view! { <NameCheckResult check=c /> })}
        </section>
    }
}

#[component]
fn NameCheckResult(check: NameCheck) -> impl IntoView {
    let detail = if check.slug_was_taken {
        "Its plain address is taken, so it would get this one:"
    } else {
        "It would get the address:"
    };
    view! {
        <div class="alert alert-success" role="status">
            <strong>{format!("“{}” is accepted.", check.name)}</strong>
            " "
            {detail}
            " "
            <code>{check.slug}</code>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(name: &str, slug: &str) -> WorkspaceSummary {
        serde_json::from_value(serde_json::json!({
            "id": "x", "name": name, "slug": slug, "created_at_ms": 0
        }))
        .unwrap()
    }

    #[test]
    fn filter_matches_name_or_address_ignoring_case() {
        let w = ws("Zürich Dental", "zurich-dental");
        assert!(matches_filter(&w, ""));
        assert!(matches_filter(&w, "  zÜR "));
        assert!(matches_filter(&w, "zurich-d"));
        assert!(!matches_filter(&w, "acme"));
    }
}
