//! The audit page: who changed what, newest first, with the state before and after; filtered
//! by the address (who, what, of what, which days), exported as NDJSON with the chain's hashes,
//! and headed by the chain's last verification.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::accounts::me;
use crate::api::audit::{list_audit, SetAuditRetention};
use crate::components::alert::list_error;
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::list_controls::with_param;
use crate::components::table::{DataTable, Pager};
use crate::csrf_page::CsrfField;
use crate::model::{
    utc_datetime, AuditEntry, AuditFilter, AuditRetention, ChainCheck, AUDIT_EXPORT_CSV_PATH,
    AUDIT_EXPORT_PATH, AUDIT_OUTCOMES,
};

/// The viewer's filters as they stand in the address.
fn filter_from(query: &ParamsMap) -> AuditFilter {
    let get = |name| query.get(name).unwrap_or_default();
    AuditFilter {
        actor: get("actor"),
        action: get("action"),
        outcome: get("outcome"),
        target: get("target"),
        from: get("from"),
        until: get("until"),
    }
}

/// `path` with the filters that narrow, as its query.
fn with_filter(path: &str, filter: &AuditFilter) -> String {
    filter
        .params()
        .iter()
        .fold(path.to_owned(), |address, (name, value)| {
            with_param(&address, name, value)
        })
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let keep = ServerAction::<SetAuditRetention>::new();
    let asked = move || {
        let kept = keep.version().get();
        query.with(|q| (q.get("before").unwrap_or_default(), filter_from(q), kept))
    };
    let page = Resource::new(asked, |(before, filter, _)| {
        list_audit(before, Some(filter))
    });
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Audit log · Gatehouse" />
        <PageHeader
            title="Audit log"
            lead="Who changed what, when: access, settings and records, with the state before and after."
        />
        <p>
            <a href="/audit/security">"Security events over time →"</a>
            " · "
            <a href="/audit/sensitive">"Who saw sensitive data →"</a>
            " · "
            <a href="/audit/alerts">"Alerts →"</a>
            " · "
            <a href="/audit/backups">"Backups →"</a>
            " · "
            <a href="/audit/registers">"Registers →"</a>
        </p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                let user = current.await.ok().flatten();
                match page.await {
                    Ok(page) => {
                        let filter = query.with_untracked(filter_from);
                        let first = query
                            .with_untracked(|q| q.get("before").is_none_or(|b| b.is_empty()));
                        let rows = page.entries.into_iter().map(entry_row).collect::<Vec<_>>();
                        let next = page
                            .next
                            .map(|next| with_param(&with_filter("/audit", &filter), "before", &next));
                        let export = user.filter(|u| u.export_allowed).map(|_| {
                            let ndjson = with_filter(AUDIT_EXPORT_PATH, &filter);
                            let csv = with_filter(AUDIT_EXPORT_CSV_PATH, &filter);
                            view! {
                                <a class="btn" href=csv download="">"Export CSV"</a>
                                <a class="btn" href=ndjson download="">"Export NDJSON"</a>
                            }
                        });
                        view! {
                            {first.then(|| chain_status(page.verification))}
                            <section class="card">
                                <div class="toolbar">
                                    {filters(&filter, page.actors, page.families)}
                                    <div class="toolbar-actions">{export}</div>
                                </div>
                                <DataTable
                                    columns=&["When", "Who", "What", "Of", "From", "Change"]
                                    rows
                                    empty="No entry matches."
                                    class="audit-table"
                                />
                                <Pager next label="Older entries" name="Audit log pages" />
                            </section>
                            {page.retention.map(|r| retention_card(r, keep))}
                        }
                        .into_any()
                    }
                    Err(e) => list_error(e, "the audit log"),
                }
            })}
        </Suspense>
    }
}

/// The filter form: a plain GET, so a filtered view is an address and works without
/// JavaScript.
fn filters(
    filter: &AuditFilter,
    actors: Vec<(String, String)>,
    families: Vec<(String, String)>,
) -> AnyView {
    let actor = filter.actor.clone();
    let action = filter.action.clone();
    let outcome = filter.outcome.clone();
    let outcomes = AUDIT_OUTCOMES
        .iter()
        .map(|(value, label)| {
            view! { <option value=*value selected=*value == outcome>{*label}</option> }
        })
        .collect_view();
    let people = actors
        .into_iter()
        .map(|(id, name)| {
            let selected = id == actor;
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view();
    let families = families
        .into_iter()
        .map(|(value, label)| {
            let selected = value == action;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/audit" class="search-form" role="search" aria-label="Filter the audit log">
            <label for="audit-actor" class="sr-only">"Who"</label>
            <select id="audit-actor" name="actor">
                <option value="">"Anyone"</option>
                {people}
            </select>
            <label for="audit-action" class="sr-only">"What"</label>
            <select id="audit-action" name="action">
                <option value="">"Any action"</option>
                {families}
            </select>
            <label for="audit-outcome" class="sr-only">"Outcome"</label>
            <select id="audit-outcome" name="outcome">
                <option value="">"Any outcome"</option>
                {outcomes}
            </select>
            <label for="audit-target" class="sr-only">"Of (an id)"</label>
            <input id="audit-target" type="search" name="target" placeholder="Of (an id)" value=filter.target.clone() maxlength=64 />
            <span class="filter-days">
                <label for="audit-from" class="filter-label">"From"</label>
                <input id="audit-from" type="date" name="from" value=filter.from.clone() />
                <label for="audit-until" class="filter-label">"to"</label>
                <input id="audit-until" type="date" name="until" value=filter.until.clone() />
            </span>
            <button type="submit" class="btn">"Filter"</button>
        </form>
    }
    .into_any()
}

/// Whether the trail was last proved intact: by the server on its schedule, or by an operator
/// running `server audit verify`.
fn chain_status(check: Option<ChainCheck>) -> AnyView {
    let (class, text) = match check {
        None => (
            "alert alert-warning",
            "The trail has not been verified yet. The server proves it a minute after it \
             starts, then every six hours."
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

/// How long the trail is kept and its last purge; the form for whoever may change it.
fn retention_card(r: AuditRetention, keep: ServerAction<SetAuditRetention>) -> AnyView {
    let value = keep.value();
    view! {
        <section class="card" aria-labelledby="retention-heading" data-retention=r.days>
            <h2 id="retention-heading">"Retention"</h2>
            <p>{r.summary}</p>
            {r.editable.then(|| view! {
                <ActionForm action=keep attr:class="form inline-form" attr:novalidate=true>
                    <CsrfField />
                    <TextField
                        label="Keep entries for (days)"
                        name="days"
                        hint="30 to 3650."
                        value=r.days.to_string()
                        inputmode="numeric"
                        error=field_error(value, "days")
                    />
                    <Show when=move || matches!(value.get(), Some(Ok(_)))>
                        <p class="alert alert-success" role="status">"Retention saved."</p>
                    </Show>
                    <div class="form-actions">
                        <SubmitButton label="Save retention" pending_label="Saving…" pending=keep.pending() />
                    </div>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

/// A recorded state, indented for reading (it is stored as compact JSON).
fn pretty(state: String) -> String {
    serde_json::from_str::<serde_json::Value>(&state)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(state)
}

fn entry_row(e: AuditEntry) -> AnyView {
    let who = match (e.actor_kind.as_deref(), e.actor) {
        (Some("visitor"), _) => "Someone signing in".to_owned(),
        (Some("system"), _) => "Gatehouse".to_owned(),
        (_, Some(name)) => name,
        (_, None) => "A removed account".to_owned(),
    };
    let outcome = e.outcome.unwrap_or_else(|| "done".to_owned());
    let count = e.count.unwrap_or(1);
    let change = match (&e.before, &e.after) {
        (None, None) => None,
        (before, after) => Some((before.clone(), after.clone())),
    };
    view! {
        <tr>
            // Its place and hash, to match against an exported file or a checkpoint.
            <td class="muted" title=format!("Entry #{} · {}", e.seq, e.entry_hash)>{utc_datetime(e.at_ms)}</td>
            <td>{who}</td>
            <td data-action=e.action.clone() data-outcome=outcome>
                {e.label.clone()}
                {(outcome != "done").then(|| view! { <span class="badge badge-danger">{outcome.clone()}</span> })}
                {(count > 1).then(|| view! { <span class="muted">{format!(" ×{count}")}</span> })}
                {e.reason.map(|r| view! { <div class="muted">{r}</div> })}
            </td>
            <td class="strong target">{e.target}</td>
            <td class="muted" title=e.user_agent.unwrap_or_default()>{e.ip.unwrap_or_default()}</td>
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
