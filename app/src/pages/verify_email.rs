use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::VerifyEmail;
use crate::components::form::field_error;
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;

/// Confirms with a button rather than on load: mail scanners that open links must not
/// confirm an address for its owner.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    let action = ServerAction::<VerifyEmail>::new();
    let value = action.value();
    let refused = field_error(value, "token");
    view! {
        <Title text="Confirm your email · Gatehouse" />
        <PageHeader title="Confirm your email address" />
        <section class="card">
            <Show
                when=move || matches!(value.get(), Some(Ok(())))
                fallback=move || {
                    view! {
                        <ActionForm action attr:class="form">
                            <CsrfField />
                            <input type="hidden" name="token" value=token />
                            <p>"One click and your address is confirmed."</p>
                            <p class="field-error" role="alert">
                                {move || refused.get()}
                            </p>
                            <div class="form-actions">
                                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                                    "Confirm my address"
                                </button>
                            </div>
                        </ActionForm>
                    }
                }
            >
                <div class="alert alert-success" role="status">
                    "Your email address is confirmed. "
                    <a href="/">"Continue to Gatehouse"</a>
                </div>
            </Show>
        </section>
    }
}
