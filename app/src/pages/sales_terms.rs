//! The settings page's sales-terms card: the currency and tax rate new quotes and orders take.

use leptos::prelude::*;

use crate::api::settings::{get_sales_terms, SetSalesTerms};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::csrf_page::CsrfField;

#[component]
pub fn SalesTermsCard() -> impl IntoView {
    let save = ServerAction::<SetSalesTerms>::new();
    let current = Resource::new(move || save.version().get(), |_| get_sales_terms());
    let value = save.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <section class="card" id="sales-terms" aria-labelledby="sales-terms-heading">
            <h2 id="sales-terms-heading">"Sales terms and approvals"</h2>
            <p class="muted">"The currency and tax rate new quotes and orders take (documents already made keep theirs), and which refunds wait for a second person's approval."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(terms) => view! {
                            <ActionForm action=save attr:class="form form-inline" attr:novalidate=true>
                                <CsrfField />
                                <TextField label="Currency" name="currency" value=terms.currency hint="ISO 4217 code, like EUR or JPY." error=field_error(value, "currency") maxlength=3 />
                                <TextField label="Tax rate %" name="tax_rate" value=terms.tax_rate hint="Taken once on a document's subtotal." error=field_error(value, "tax_rate") inputmode="decimal" maxlength=6 />
                                <TextField label="Refunds above this need approval" name="refund_approval_over" value=terms.refund_approval_over hint="In the currency above. Another person who may refund orders approves. Empty: no approval." error=field_error(value, "refund_approval_over") inputmode="decimal" maxlength=20 />
                                <TextField label="Approval requests expire after (days)" name="approval_expiry_days" value=terms.approval_expiry_days.to_string() error=field_error(value, "approval_expiry_days") inputmode="numeric" maxlength=2 />
                                <FormAlert error />
                                <div class="form-actions">
                                    <SubmitButton label="Save sales terms" pending_label="Saving…" pending=save.pending() />
                                    {move || matches!(value.get(), Some(Ok(_))).then(|| view! { <span class="muted" role="status">"Saved."</span> })}
                                </div>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(e) => list_error(e, "the sales terms"),
                    }
                })}
            </Transition>
        </section>
    }
}
