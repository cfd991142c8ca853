//! The "why" check's form fields and answer, shared by the access page (a member) and the API
//! keys page (a key): the permission chosen from the one catalogue, an optional record, and
//! the verdict with its reasons in order.

use leptos::prelude::*;

use crate::components::form::{field_error, ActionOutcome, TextField};
use crate::model::Verdict;
use crate::permissions::Permission;

/// The permission and record fields of a "why" form.
pub fn why_fields(value: impl ActionOutcome<Verdict>, id_prefix: &'static str) -> impl IntoView {
    let select_id = format!("{id_prefix}-permission");
    view! {
        <div class="field">
            <label for=select_id.clone()>"Permission"</label>
            <select id=select_id name="permission">
                {Permission::ALL
                    .iter()
                    .map(|p| view! { <option value=p.key()>{format!("{} — {}", p.key(), p.label())}</option> })
                    .collect_view()}
            </select>
        </div>
        <TextField
            label="Record id"
            name="record"
            hint="Optional: ask about one record of the permission's kind."
            error=field_error(value, "record")
            maxlength=64
        />
    }
}

/// The verdict, once there is one.
pub fn verdict(value: impl ActionOutcome<Verdict>) -> impl IntoView {
    move || {
        value.get().and_then(Result::ok).map(|v| {
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
    }
}
