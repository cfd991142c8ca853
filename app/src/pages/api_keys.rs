//! API keys (`integrations.manage`): the workspace's secret keys with their role, status and
//! last use; a form to make one (its secret shown once, under the form); revoke at once; and
//! "why" a key may or may not do something; and the public keys ([`super::public_keys`]).

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::api_keys::{
    list_api_keys, CreateApiKey, CreatePublicKey, RevokeApiKey, RevokePublicKey, WhyApiKey,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, last_saved, SelectField, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::components::verdict::{verdict, why_fields};
use crate::csrf_page::CsrfField;
use crate::model::{ApiKeySummary, ApiKeysView, RoleOption};
use crate::pages::key_cells::key_cells;
use crate::pages::public_keys::public_keys_card;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let public = (
        ServerAction::<CreatePublicKey>::new(),
        ServerAction::<RevokePublicKey>::new(),
    );
    let created = last_saved(create);
    let page = Resource::new(
        move || {
            (
                created.get(),
                revoke.version().get(),
                public.0.version().get(),
                public.1.version().get(),
            )
        },
        |_| list_api_keys(),
    );
    view! {
        <Title text="API keys · Gatehouse" />
        <PageHeader
            title="API keys"
            lead="Secret keys let other systems use the REST API. Each acts under a role, never beyond what its maker holds. Public keys let shops and portals read what the workspace publishes."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => keys_view(view, create, revoke, public),
                    Err(e) => list_error(e, "the API keys"),
                }
            })}
        </Suspense>
    }
}

fn keys_view(
    v: ApiKeysView,
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    public: (ServerAction<CreatePublicKey>, ServerAction<RevokePublicKey>),
) -> AnyView {
    let live: Vec<(String, String)> = v
        .keys
        .iter()
        .filter(|k| k.status == "active")
        .map(|k| (k.id.as_str().to_owned(), k.name.clone()))
        .collect();
    let rows = v
        .keys
        .into_iter()
        .map(|k| key_row(k, revoke))
        .collect::<Vec<_>>();
    view! {
        {create_card(v.roles, create)}
        <section class="card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">"Keys"</h2>
            <p>"How to call the API: " <a href="/api/v1/reference" rel="external">"the API reference"</a></p>
            <DataTable
                columns=&["Key", "Role", "Status", "Made", "Expires", "Last used", "From", ACTIONS]
                rows
                empty="No API key has been made."
            />
        </section>
        {(!live.is_empty()).then(|| why_card(live))}
        {public_keys_card(v.public_keys, public.0, public.1)}
    }
    .into_any()
}

/// "Would a call through this key pass a check of …?", with the reasons.
fn why_card(keys: Vec<(String, String)>) -> impl IntoView {
    let why = ServerAction::<WhyApiKey>::new();
    let value = why.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="key-why-heading">
            <h2 id="key-why-heading">"Why?"</h2>
            <p class="muted">"What a key may do: its role, narrowed to what its maker holds now."</p>
            <ActionForm action=why attr:class="form" attr:novalidate=true>
                <CsrfField />
                <SelectField label="Key" name="id" choices=keys error=field_error(value, "id") />
                {why_fields(value, "key")}
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Check" pending_label="Checking…" pending=why.pending() />
                </div>
            </ActionForm>
            {verdict(value)}
        </section>
    }
}

fn key_row(k: ApiKeySummary, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let c = key_cells(
        k.created_at_ms,
        k.created_by.as_deref(),
        k.expires_at_ms,
        (k.last_used_at_ms, k.last_used_ip.as_deref()),
        &k.allowed_networks,
        &k.status,
    );
    view! {
        <tr data-api-key=k.name.clone()>
            <td class="wrap">
                <span class="strong">{k.name.clone()}</span>
                <br />
                <code>{format!("sk_{}…", k.id.as_str())}</code>
            </td>
            <td>{k.role.clone()}</td>
            <td><span class=c.badge>{k.status.clone()}</span></td>
            <td class="muted">{c.made}</td>
            <td class="muted">{c.expires}</td>
            <td class="muted">{c.last}</td>
            <td class="wrap">{c.from}</td>
            <td>
                {(k.status != "revoked").then(|| view! {
                    <RowAction action=revoke fields=vec![("id", k.id.as_str().to_owned())] label="Revoke" />
                })}
            </td>
        </tr>
    }
}

fn create_card(roles: Vec<RoleOption>, create: ServerAction<CreateApiKey>) -> AnyView {
    let value = create.value();
    let choices = roles
        .into_iter()
        .map(|r| (r.id.as_str().to_owned(), r.name))
        .collect();
    let secret = move || value.get().and_then(Result::ok).map(|made| made.secret);
    view! {
        <section class="card" aria-labelledby="new-key-heading">
            <h2 id="new-key-heading">"Make a key"</h2>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <CsrfField />
                <div class="field-grid">
                    <TextField label="Name" name="name" maxlength=80 error=field_error(value, "name") hint="What uses it, such as “Billing sync”." />
                    <SelectField label="Role" name="role_id" choices error=field_error(value, "role_id") />
                    <TextField label="Expires after" name="expires_on" input_type="date" error=field_error(value, "expires_on") hint="Empty: until revoked." />
                    <TextField label="Only from" name="allowed_networks" maxlength=1000 error=field_error(value, "allowed_networks") hint="Addresses or ranges such as 203.0.113.0/24, separated by commas. Empty: anywhere." />
                    <TextField label="Your password" name="password" input_type="password" autocomplete="current-password" error=field_error(value, "password") />
                    <TextField label="Code from your second factor" name="code" inputmode="numeric" autocomplete="one-time-code" error=field_error(value, "code") hint="If you have one." />
                </div>
                <div class="form-actions">
                    <SubmitButton label="Make key" pending_label="Making…" pending=create.pending() />
                </div>
            </ActionForm>
            <Show when=move || secret().is_some()>
                <div class="alert alert-success" role="status">
                    <p>"Copy the key now: it is not shown again."</p>
                    <p><code data-secret>{secret}</code></p>
                </div>
            </Show>
        </section>
    }
    .into_any()
}
