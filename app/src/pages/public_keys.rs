//! The public keys card of the API keys page: keys that tell the public endpoints which
//! workspace a self-service client speaks for. Not secrets, so each is shown whole; made
//! without a password; revoked at once.

use leptos::prelude::*;

use crate::api::api_keys::{CreatePublicKey, RevokePublicKey};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::csrf_page::CsrfField;
use crate::model::PublicKeySummary;
use crate::pages::key_cells::key_cells;

pub fn public_keys_card(
    keys: Vec<PublicKeySummary>,
    create: ServerAction<CreatePublicKey>,
    revoke: ServerAction<RevokePublicKey>,
) -> impl IntoView {
    let value = create.value();
    let rows = keys
        .into_iter()
        .map(|k| key_row(k, revoke))
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="public-keys-heading">
            <h2 id="public-keys-heading">"Public keys"</h2>
            <p class="muted">"For shops and portals: a public key opens only the public endpoints (the published catalogue of active products). It is no secret and can ship in client code."</p>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <CsrfField />
                <div class="field-grid">
                    <TextField label="Name" name="name" scope="public" maxlength=80 error=field_error(value, "name") hint="What uses it, such as “Web shop”." />
                    <TextField label="Expires after" name="expires_on" scope="public" input_type="date" error=field_error(value, "expires_on") hint="Empty: until revoked." />
                    <TextField label="Only from" name="allowed_networks" scope="public" maxlength=1000 error=field_error(value, "allowed_networks") hint="Addresses or ranges, separated by commas. Empty: anywhere." />
                </div>
                <div class="form-actions">
                    <SubmitButton label="Make public key" pending_label="Making…" pending=create.pending() />
                </div>
            </ActionForm>
            <DataTable
                columns=&["Key", "Status", "Made", "Expires", "Last used", "From", ACTIONS]
                rows
                empty="No public key has been made."
            />
        </section>
    }
}

fn key_row(k: PublicKeySummary, revoke: ServerAction<RevokePublicKey>) -> impl IntoView {
    let c = key_cells(
        k.created_at_ms,
        k.created_by.as_deref(),
        k.expires_at_ms,
        (k.last_used_at_ms, k.last_used_ip.as_deref()),
        &k.allowed_networks,
        &k.status,
    );
    view! {
        <tr data-public-key=k.name.clone()>
            <td class="wrap">
                <span class="strong">{k.name.clone()}</span>
                <br />
                <code data-key>{k.key.clone()}</code>
            </td>
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
