//! A new order: customer, assignment and notes. Lines are added on the order's own page once
//! it exists.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::orders::{order_form_options, CreateOrder};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::SubmitButton;
use crate::components::layout::PageHeader;
use crate::csrf_page::CsrfField;
use crate::pages::documents::HeaderFields;

#[component]
pub fn NewOrderPage() -> impl IntoView {
    let query = use_query_map();
    let customer = query.with_untracked(|q| q.get("customer"));
    let options = Resource::new(|| (), |_| order_form_options());
    let action = ServerAction::<CreateOrder>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(detail)) = value.get() {
            window()
                .location()
                .set_href(&format!("/orders/{}", detail.order.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="New order · Gatehouse" />
        <PageHeader title="New order" lead="Start with the customer; add lines on the next page." />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let customer = customer.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(options) => view! {
                            <section class="card">
                                <ActionForm action attr:class="form" attr:novalidate=true>
                                    <CsrfField />
                                    <HeaderFields options current=None errors customer=customer />
                                    <FormAlert error=errors />
                                    <div class="form-actions">
                                        <SubmitButton label="Create order" pending_label="Creating…" pending=action.pending() />
                                        <a href="/orders">"Cancel"</a>
                                    </div>
                                </ActionForm>
                            </section>
                        }
                        .into_any(),
                        Err(e) => list_error(e, "the order form"),
                    }
                })
            }}
        </Suspense>
    }
}
