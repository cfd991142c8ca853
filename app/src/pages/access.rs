//! One member's access, explained: every key with the roles it comes from, their scopes, and a
//! "why" check for a key (and optionally a customer).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::roles::{explain_access, WhyAccess};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::csrf::CsrfField;
use crate::model::Explanation;
use crate::permissions::Permission;

#[component]
pub fn AccessPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let explained = Resource::new(id, explain_access);
    view! {
        <Title text="Access · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match explained.await {
                    Ok(e) => view! { <Explained e user_id=id() /> }.into_any(),
                    Err(e) => list_error(e, "this member's access"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Explained(e: Explanation, user_id: String) -> impl IntoView {
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
        .collect_view();
    let scopes = e
        .scopes
        .iter()
        .map(|(resource, scope)| view! { <li><strong>{resource.clone()}</strong>": "{scope.clone()}</li> })
        .collect_view();
    let why = ServerAction::<WhyAccess>::new();
    let value = why.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <PageHeader title=format!("Access of {}", e.name) lead="What this member may do here, and where each permission comes from." />
        <section class="card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">"Permissions"</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Permission"</th>
                            <th scope="col">"From"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>"Data scopes"</h3>
            <ul class="scope-list">{scopes}</ul>
        </section>
        <section class="card" aria-labelledby="why-heading">
            <h2 id="why-heading">"Why?"</h2>
            <ActionForm action=why attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="user_id" value=user_id />
                <div class="field">
                    <label for="field-permission">"Permission"</label>
                    <select id="field-permission" name="permission">
                        {Permission::ALL
                            .iter()
                            .map(|p| view! { <option value=p.key()>{format!("{} — {}", p.key(), p.label())}</option> })
                            .collect_view()}
                    </select>
                </div>
                <TextField
                    label="Customer id"
                    name="record"
                    hint="Optional: ask about one customer record."
                    error=field_error(value, "record")
                    maxlength=64
                />
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Check" pending_label="Checking…" pending=why.pending() />
                </div>
            </ActionForm>
            {move || {
                value
                    .get()
                    .and_then(Result::ok)
                    .map(|v| {
                        let (class, verdict) = if v.allowed {
                            ("alert alert-success verdict", "Allowed")
                        } else {
                            ("alert alert-error verdict", "Denied")
                        };
                        view! {
                            <div class=class role="status">
                                <strong>{verdict}</strong>
                                <ol>{v.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ol>
                            </div>
                        }
                    })
            }}
        </section>
    }
}
