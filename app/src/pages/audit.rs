//! The audit page: who changed who may do what, newest first, with the state before and after.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::audit::list_audit;
use crate::components::alert::list_error;
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, Pager};
use crate::model::{utc_datetime, AuditEntry, ChainCheck};

/// What an action code means, in words.
fn action_label(action: &str) -> &str {
    match action {
        "role.create" => "Created role",
        "role.update" => "Changed role",
        "role.delete" => "Deleted role",
        "role.assign" => "Gave a role",
        "role.unassign" => "Took a role away",
        "invitation.create" => "Invited",
        "team.create" => "Created team",
        "team.add_member" => "Added to team",
        "team.remove_member" => "Took out of team",
        "team.delete" => "Deleted team",
        "department.create" => "Created department",
        "department.delete" => "Deleted department",
        "department.set_member" => "Moved to a department",
        "sod.add" => "Kept permissions apart",
        "sod.remove" => "Stopped keeping permissions apart",
        other => other,
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before").unwrap_or_default());
    let page = Resource::new(before, list_audit);
    view! {
        <Title text="Audit log · Gatehouse" />
        <PageHeader
            title="Audit log"
            lead="Every change to roles, assignments, teams and segregation rules: who, when, and the state before and after."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let rows = page.entries.into_iter().map(entry_row).collect::<Vec<_>>();
                        let next = page.next.map(|next| format!("/audit?before={next}"));
                        let first = query
                            .with_untracked(|q| q.get("before").is_none_or(|b| b.is_empty()));
                        view! {
                            {first.then(|| chain_status(page.verification))}
                            <section class="card">
                                <DataTable
                                    columns=&["When", "Who", "What", "Of", "Change"]
                                    rows
                                    empty="Nothing recorded yet."
                                    class="audit-table"
                                />
                                <Pager next label="Older entries" name="Audit log pages" />
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => list_error(e, "the audit log"),
                }
            })}
        </Suspense>
    }
}

/// Whether the trail was last proved intact: by the server every six hours, or by an operator
/// running `server audit verify`.
fn chain_status(check: Option<ChainCheck>) -> AnyView {
    let (class, text) = match check {
        None => (
            "alert",
            "The trail has not been verified yet. The server proves it every six hours; \
             `server audit verify` does so now."
                .to_owned(),
        ),
        Some(ChainCheck {
            at_ms,
            broken: Some(broken),
            ..
        }) => (
            "alert alert-error",
            format!(
                "The trail was found broken {broken} (verified {}). Entries may have been \
                 changed or removed outside Gatehouse.",
                utc_datetime(at_ms)
            ),
        ),
        Some(check) => (
            "alert alert-success",
            format!(
                "Verified intact {}: {} entries, {}.",
                utc_datetime(check.at_ms),
                check.entries,
                match check.signed_through {
                    0 => "none yet under a signed checkpoint".to_owned(),
                    n => format!("signed through entry #{n}"),
                }
            ),
        ),
    };
    view! { <p class=class role="status" data-chain="status">{text}</p> }.into_any()
}

/// A recorded state, indented for reading (it is stored as compact JSON).
fn pretty(state: String) -> String {
    serde_json::from_str::<serde_json::Value>(&state)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(state)
}

fn entry_row(e: AuditEntry) -> AnyView {
    let change = match (&e.before, &e.after) {
        (None, None) => None,
        (before, after) => Some((before.clone(), after.clone())),
    };
    view! {
        <tr>
            <td class="muted">{utc_datetime(e.at_ms)}</td>
            <td>{e.actor.unwrap_or_else(|| "A removed account".to_owned())}</td>
            <td data-action=e.action.clone()>{action_label(&e.action).to_owned()}</td>
            <td class="strong">{e.target}</td>
            <td class="cell-wrap">
                {change.map(|(before, after)| view! {
                    <details>
                        <summary>"Before and after"</summary>
                        {before.map(|b| view! { <p class="muted">"Before"</p><pre class="state">{pretty(b)}</pre> })}
                        {after.map(|a| view! { <p class="muted">"After"</p><pre class="state">{pretty(a)}</pre> })}
                    </details>
                })}
            </td>
        </tr>
    }
    .into_any()
}
