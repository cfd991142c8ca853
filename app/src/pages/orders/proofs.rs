//! The order page's proof-of-payment card: each payment with its receipts and statements, for
//! those who hold `payments.read` (proof shows what a masked reference hides); adding and
//! removing proof with `payments.process`. Its data comes with the payments card's (see
//! `PaymentsCard`), so a payment taken or refunded redraws its part.

use leptos::prelude::*;

use crate::api::files::RemoveFile;
use crate::components::alert::FormAlert;
use crate::model::{FileHolder, OrderProofs, PaymentProof};
use crate::pages::attachments::{file_rows, remove_button, UploadForm, UploadOutcome};

#[component]
pub fn ProofCard(
    proofs: OrderProofs,
    order: String,
    remove: ServerAction<RemoveFile>,
) -> impl IntoView {
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    view! {
        <section class="card" id="proofs" aria-labelledby="proofs-heading">
            <h2 id="proofs-heading">"Proof of payment"</h2>
            <Proofs proofs order remove />
            <FormAlert error=remove_error />
        </section>
    }
}

#[component]
fn Proofs(proofs: OrderProofs, order: String, remove: ServerAction<RemoveFile>) -> impl IntoView {
    if proofs.payments.is_empty() {
        return view! { <p class="muted">"No payments yet."</p> }.into_any();
    }
    let may_add = proofs.may_add;
    proofs
        .payments
        .into_iter()
        .map(|p| one(p, &order, may_add, remove))
        .collect_view()
        .into_any()
}

fn one(
    p: PaymentProof,
    order: &str,
    may_add: bool,
    remove: ServerAction<RemoveFile>,
) -> impl IntoView {
    let holder = FileHolder::Payment;
    let record = p.payment_id.as_str().to_owned();
    let card_id = FileHolder::card_id(&record);
    let heading_id = format!("{card_id}-heading");
    let button = remove_button(remove, holder, StoredValue::new(record.clone()));
    let rows = file_rows(&p.files, may_add.then_some(&button));
    let upload = may_add.then(|| {
        let purpose = holder.purpose();
        view! {
            <UploadForm href=format!("{}?order={order}", holder.upload_href(&record))
                hint=purpose.limits_text() accept=purpose.accept()
                label="Add proof" id=card_id.clone() />
        }
    });
    let labelled_by = heading_id.clone();
    view! {
        <div class="proof" id=card_id.clone() role="region" aria-labelledby=labelled_by>
            <h3 id=heading_id>{format!("Proof of payment: {}", p.label)}</h3>
            <UploadOutcome purpose=holder.purpose() record=record.clone() />
            {rows}
            {upload}
        </div>
    }
}
