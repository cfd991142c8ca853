//! The order page's payments card: what was paid and what is owed, each payment (its reference
//! masked for those without `payments.read`), and — for those whose keys allow — taking a
//! payment, refunding one and reconciling one. The server decides again on every action.

use leptos::prelude::*;

use crate::api::files::RemoveFile;
use crate::api::payments::{
    get_order_payments, get_order_proofs, ReconcilePayment, RefundPayment, TakePayment,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{
    field_error, reset_to_current, SelectField, SubmitButton, TextField,
};
use crate::components::table::{DataTable, RowAction};
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{OrderPayments, OrderProofs, Payment, PaymentMethod, RefundOutcome};
use crate::pages::orders::proofs::ProofCard;

/// The actions of the card, made with it so their answers outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    take: ServerAction<TakePayment>,
    refund: ServerAction<RefundPayment>,
    reconcile: ServerAction<ReconcilePayment>,
    /// Removing a proof file.
    remove: ServerAction<RemoveFile>,
}

type Loaded = Result<(OrderPayments, Option<OrderProofs>), AppError>;

/// The payments card's actions and data (the payments and their proof, from one resource),
/// made by the page before anything suspends. A resource made inside suspended content is
/// numbered when that content runs; two of them there (payments, then proof with a `Suspense`
/// of its own) broke hydration now and then (tachys "unreachable" on an order with payments).
#[derive(Clone, Copy)]
pub struct PaymentsData {
    a: Actions,
    data: Resource<Loaded>,
}

impl PaymentsData {
    pub fn new(order_id: impl Fn() -> String + Send + Sync + 'static) -> Self {
        let a = Actions {
            take: ServerAction::new(),
            refund: ServerAction::new(),
            reconcile: ServerAction::new(),
            remove: ServerAction::new(),
        };
        let changes = move || {
            (
                a.take.version().get(),
                a.refund.version().get(),
                a.reconcile.version().get(),
                a.remove.version().get(),
            )
        };
        let data = Resource::new(
            move || (order_id(), changes()),
            |(id, _)| async move {
                let (payments, proofs) =
                    futures::join!(get_order_payments(id.clone()), get_order_proofs(id));
                Ok((payments?, proofs?))
            },
        );
        Self { a, data }
    }
}

/// The payments card and, for those who may see payment details, the proof-of-payment card
/// beside it, both under one `Transition`: a payment taken redraws its proof part with it.
#[component]
pub fn PaymentsCard(
    order_id: String,
    /// Payments are taken once the order is confirmed.
    payable: bool,
    loaded: PaymentsData,
) -> impl IntoView {
    let PaymentsData { a, data } = loaded;
    view! {
        <Transition fallback=|| view! {
            <section class="card" aria-labelledby="payments-heading">
                <h2 id="payments-heading">"Payments"</h2>
                <p class="muted">"Loading…"</p>
            </section>
        }>
            {move || {
                let order_id = order_id.clone();
                Suspend::new(async move {
                    let (p, proofs) = match data.await {
                        Ok(both) => both,
                        Err(e) => return list_error(e, "the payments"),
                    };
                    let proofs = proofs.map(|proofs| {
                        view! { <ProofCard proofs order=order_id.clone() remove=a.remove /> }
                    });
                    view! {
                        <section class="card" aria-labelledby="payments-heading">
                            <h2 id="payments-heading">"Payments"</h2>
                            <Payments p order_id payable a />
                        </section>
                        {proofs}
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
}

fn row(p: Payment, may_refund: bool, may_reconcile: bool, a: Actions) -> impl IntoView {
    let fields = |extra: Vec<(&'static str, String)>| {
        let mut all = vec![
            ("id", p.id.as_str().to_owned()),
            ("version", p.version.to_string()),
        ];
        all.extend(extra);
        all
    };
    let reconcile = (may_reconcile && p.reconciled_by.is_none()).then(
        || view! { <RowAction action=a.reconcile fields=fields(vec![]) label="Reconcile" /> },
    );
    let refund = (may_refund && p.refundable_minor > 0).then(|| {
        let (id, version) = (p.id.as_str().to_owned(), p.version.to_string());
        view! {
            <details class="row-form">
                <summary>"Refund"</summary>
                <ActionForm action=a.refund node_ref=reset_to_current(a.refund.value()) attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="version" value=version />
                    <TextField label="Amount" name="amount" value=p.refundable.split(' ').next().unwrap_or_default().replace(',', "") error=field_error(a.refund.value(), "amount") scope="refund" inputmode="decimal" maxlength=20 />
                    <TextField label="Reason" name="reason" error=field_error(a.refund.value(), "reason") scope="refund" maxlength=200 />
                    <SubmitButton label="Refund" pending_label="Refunding…" pending=a.refund.pending() />
                </ActionForm>
            </details>
        }
    });
    view! {
        <tr>
            <td>{p.paid_on}</td>
            <td>{p.method.label()}</td>
            <td class="numeric">{p.amount}</td>
            <td class="numeric">{p.refunded}</td>
            <td class="wrap"><span class:muted=p.reference_masked>{p.reference}</span></td>
            <td class="wrap">{p.processed_by.unwrap_or_default()}</td>
            <td class="wrap">{p.reconciled_by.map(|who| format!("Yes, by {who}")).unwrap_or_else(|| "No".into())}</td>
            <td class="actions-cell"><div class="row-actions">{reconcile}{refund}</div></td>
        </tr>
    }
}

#[component]
fn Payments(p: OrderPayments, order_id: String, payable: bool, a: Actions) -> impl IntoView {
    let (may_refund, may_reconcile) = (p.may_refund, p.may_reconcile);
    let rows = p
        .payments
        .into_iter()
        .map(|pay| row(pay, may_refund, may_reconcile, a))
        .collect::<Vec<_>>();
    let take = (p.may_process && payable && p.balance_minor > 0).then(|| {
        let value = a.take.value();
        let methods = PaymentMethod::ALL
            .into_iter()
            .map(|m| (m.key().to_owned(), m.label().to_owned()))
            .collect();
        let owed = p.balance.split(' ').next().unwrap_or_default().replace(',', "");
        view! {
            <h3>"Take a payment"</h3>
            <ActionForm action=a.take node_ref=reset_to_current(value) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="order_id" value=order_id />
                <div class="field-grid">
                    <SelectField label="Method" name="method" choices=methods selected=Some("card".to_owned()) error=field_error(value, "method") />
                    <TextField label="Amount" name="amount" value=owed error=field_error(value, "amount") inputmode="decimal" maxlength=20 />
                    <TextField label="Reference" name="reference" hint="Card or bank reference. Sensitive: shown only to those who may see payment details." error=field_error(value, "reference") maxlength=100 />
                    <TextField label="Paid on" name="paid_on" input_type="date" hint="Empty: today." error=field_error(value, "paid_on") />
                </div>
                <FormAlert error=Signal::derive(move || value.get().and_then(Result::err)) />
                <div class="form-actions">
                    <SubmitButton label="Take payment" pending_label="Saving…" pending=a.take.pending() />
                </div>
            </ActionForm>
        }
    });
    let error = Signal::derive(move || {
        a.reconcile
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| a.refund.value().get().and_then(Result::err))
    });
    view! {
        <dl class="totals">
            <dt>"Paid"</dt><dd>{p.paid}</dd>
            <dt class="grand">"Still owed"</dt><dd class="grand">{p.balance}</dd>
        </dl>
        <DataTable columns=&["Paid on", "Method", "Amount", "Refunded", "Reference", "Taken by", "Reconciled", ""] rows empty="No payments yet." />
        {move || matches!(a.refund.value().get(), Some(Ok(RefundOutcome::AwaitingApproval))).then(|| view! {
            <p class="alert alert-warning" role="status">"This refund is over the workspace's threshold: it waits for someone else who may refund orders to approve it."</p>
        })}
        <FormAlert error />
        {take}
    }
}
