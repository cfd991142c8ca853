//! The settings page's network card: the workspace's allow and deny entries.

use leptos::prelude::*;

use crate::api::settings::{get_network_access, AddIpRule, RemoveIpRule};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::csrf_page::CsrfField;
use crate::model::{IpRuleKind, NetworkAccess};

#[component]
pub fn NetworkCard() -> impl IntoView {
    let add = ServerAction::<AddIpRule>::new();
    let remove = ServerAction::<RemoveIpRule>::new();
    let access = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| get_network_access(),
    );
    view! {
        <section class="card" id="network" aria-labelledby="network-heading">
            <h2 id="network-heading">"Network access"</h2>
            <p class="muted">
                "Deny entries always win. Once an allow entry applies to someone, they can sign in only from an allowed address; an entry for one person adds to the workspace’s. Sessions that move to a blocked address end."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match access.await {
                        Ok(access) => view! { <Rules access add remove /> }.into_any(),
                        Err(e) => list_error(e, "the network rules"),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Rules(
    access: NetworkAccess,
    add: ServerAction<AddIpRule>,
    remove: ServerAction<RemoveIpRule>,
) -> impl IntoView {
    let removed = remove.value();
    let remove_error = Signal::derive(move || removed.get().and_then(Result::err));
    let rows = access
        .rules
        .into_iter()
        .map(|rule| {
            let kind = match rule.kind {
                IpRuleKind::Allow => {
                    view! { <span class="badge badge-first">"Allow"</span> }.into_any()
                }
                IpRuleKind::Deny => {
                    view! { <span class="badge badge-first badge-danger">"Deny"</span> }.into_any()
                }
            };
            view! {
                <tr>
                    <td>{kind}</td>
                    <td><code>{rule.cidr.clone()}</code></td>
                    <td>{rule.person.unwrap_or_else(|| "Everyone".into())}</td>
                    <td>{rule.note}</td>
                    <td class="actions-cell">
                        <RowAction
                            action=remove
                            fields=vec![("id", rule.id.to_string())]
                            label="Remove"
                            aria_label=format!("Remove {}", rule.cidr)
                            danger=true
                        />
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        {access
            .your_address
            .map(|ip| view! { <p>"Your address now: " <code data-testid="your-address">{ip}</code></p> })}
        <FormAlert error=remove_error />
        <DataTable
            columns=&["Rule", "Address or range", "Applies to", "Note", ACTIONS]
            rows
            empty="No entries: every address may sign in."
        />
        <AddRuleForm add members=access.members />
    }
}

#[component]
fn AddRuleForm(
    add: ServerAction<AddIpRule>,
    members: Vec<crate::model::MemberOption>,
) -> impl IntoView {
    let value = add.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let confirm_error = field_error(value, "block_me_too");
    view! {
        <h3>"Add an entry"</h3>
        <ActionForm action=add attr:class="form" attr:novalidate=true>
            <CsrfField />
            <div class="field-grid">
                <div class="field">
                    <label for="field-kind">"Rule"</label>
                    <select id="field-kind" name="kind">
                        <option value="allow">"Allow"</option>
                        <option value="deny">"Deny"</option>
                    </select>
                </div>
                <TextField
                    label="Address or range"
                    name="cidr"
                    hint="An IPv4 or IPv6 address, or a range in CIDR notation: 203.0.113.0/24, 2001:db8::/32."
                    error=field_error(value, "cidr")
                    maxlength=64
                />
                <div class="field">
                    <label for="field-user_id">"Applies to"</label>
                    <select id="field-user_id" name="user_id">
                        <option value="">"Everyone"</option>
                        {members
                            .into_iter()
                            .map(|m| view! { <option value=m.user_id.as_str().to_owned()>{m.label}</option> })
                            .collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{move || field_error(value, "user_id").get()}</p>
                </div>
                <TextField label="Note" name="note" hint="Optional: what the address is." error=field_error(value, "note") maxlength=100 />
            </div>
            {move || {
                confirm_error
                    .get()
                    .map(|message| {
                        view! {
                            <div class="alert alert-warning" role="alert">
                                <p>{message}</p>
                                <div class="check">
                                    <input type="checkbox" id="field-block_me_too" name="block_me_too" value="on" />
                                    <label for="field-block_me_too">"Yes, block my own address too"</label>
                                </div>
                            </div>
                        }
                    })
            }}
            <FormAlert error />
            <Show when=move || matches!(value.get(), Some(Ok(())))>
                <p class="alert alert-success" role="status">"Entry added."</p>
            </Show>
            <div class="form-actions">
                <SubmitButton label="Add entry" pending_label="Adding…" pending=add.pending() />
            </div>
        </ActionForm>
    }
}
