//! One order: its summary and the steps the caller may take (each its own key), its lines and
//! totals (with the add-line form while it is a draft), and its edit form. Every form names the
//! version the page showed; after any answer the order is read again, so a change refused as
//! stale leaves the current values on screen beside the reason.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::me;
use crate::api::orders::{
    get_order, order_form_options, AddOrderLine, CancelOrder, ConfirmOrder, FulfilOrder,
    ProcessOrder, RemoveOrderLine, UpdateOrder,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{reset_to_current, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::FileHolder;
use crate::model::{DocumentFormOptions, OrderDetail, OrderStatus, OrderStep};
use crate::pages::attachments::AttachmentsCard;
use crate::pages::documents::{status_pill, HeaderFields, LineFields, LinesTable};
use crate::pages::history::HistoryCard;
use crate::pages::orders::payments::{PaymentsCard, PaymentsData};
use crate::permissions::Permission;

/// The actions of the page, made once at its top so their answers outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateOrder>,
    add: ServerAction<AddOrderLine>,
    remove: ServerAction<RemoveOrderLine>,
    confirm: ServerAction<ConfirmOrder>,
    process: ServerAction<ProcessOrder>,
    fulfil: ServerAction<FulfilOrder>,
    cancel: ServerAction<CancelOrder>,
}

impl Actions {
    /// The last refusal of any step.
    fn step_error(self) -> Option<AppError> {
        let err = |v: Option<Result<OrderDetail, AppError>>| v.and_then(Result::err);
        err(self.confirm.value().get())
            .or_else(|| err(self.process.value().get()))
            .or_else(|| err(self.fulfil.value().get()))
            .or_else(|| err(self.cancel.value().get()))
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let a = Actions {
        update: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
        confirm: ServerAction::new(),
        process: ServerAction::new(),
        fulfil: ServerAction::new(),
        cancel: ServerAction::new(),
    };
    let changes = move || {
        (
            a.update.version().get(),
            a.add.version().get(),
            a.remove.version().get(),
            a.confirm.version().get(),
            a.process.version().get(),
            a.fulfil.version().get(),
            a.cancel.version().get(),
        )
    };
    let order = Resource::new(move || (id(), changes()), |(id, _)| get_order(id));
    let payments = PaymentsData::new(id);
    // The form choices, only for those who may change orders (no refused call for readers).
    let options = Resource::new(
        || (),
        |_| async {
            match me().await {
                Ok(Some(u)) if u.can(Permission::OrdersWrite) => order_form_options().await.ok(),
                _ => None,
            }
        },
    );
    view! {
        <Title text="Order · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await;
                match order.await {
                    Ok(detail) => view! { <OrderView detail options a payments /> }.into_any(),
                    Err(e) => list_error(e, "this order"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderView(
    detail: OrderDetail,
    options: Option<DocumentFormOptions>,
    a: Actions,
    payments: PaymentsData,
) -> impl IntoView {
    let o = detail.order;
    let (id, version) = (o.id.as_str().to_owned(), o.header.version.to_string());
    let fields = {
        let (id, version) = (id.clone(), version.clone());
        move |extra: Vec<(&'static str, String)>| {
            let mut all = vec![("id", id.clone()), ("version", version.clone())];
            all.extend(extra);
            all
        }
    };
    let steps = step_buttons(&detail.steps, a, fields(vec![]));
    let editable = o.status == OrderStatus::Draft && detail.may_edit;
    let removes = if editable {
        detail.lines.iter().map(|l| view! {
            <RowAction action=a.remove fields=fields(vec![("line_id", l.id.as_str().to_owned())]) label="Remove" aria_label=format!("Remove {}", l.name) danger=true />
        }.into_any()).collect()
    } else {
        Vec::new()
    };
    let add = (editable && options.is_some()).then(|| {
        let products = options
            .as_ref()
            .map(|o| o.products.clone())
            .unwrap_or_default();
        add_line_form(
            a,
            id.clone(),
            version.clone(),
            products,
            detail.may_discount,
        )
    });
    let header = o.header.clone();
    let edit = editable
        .then(|| options.clone())
        .flatten()
        .map(|options| edit_form(a, id.clone(), version.clone(), options, header.clone()));
    let step_error = Signal::derive(move || a.step_error());
    let remove_error = Signal::derive(move || a.remove.value().get().and_then(Result::err));
    let quote = o.quote_id.clone().map(|q| {
        view! { <dt>"From quote"</dt><dd><a href=format!("/quotes/{q}")>"View the quote"</a></dd> }
    });
    let payable = matches!(
        o.status,
        OrderStatus::Confirmed | OrderStatus::Processed | OrderStatus::Fulfilled
    );
    let payments = (o.status != OrderStatus::Draft).then(|| {
        let order_id = o.id.as_str().to_owned();
        view! { <PaymentsCard order_id payable loaded=payments /> }
    });
    let history_id = o.id.as_str().to_owned();
    let h = o.header;
    view! {
        <PageHeader title=format!("Order {}", o.reference) lead=h.customer.clone() />
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="sr-only">"Summary"</h2>
            <dl class="details">
                <dt>"Status"</dt><dd>{status_pill(o.status.key(), o.status.label())}</dd>
                <dt>"Customer"</dt><dd><a href=format!("/customers/{}", h.customer_id)>{h.customer.clone()}</a></dd>
                <dt>"Assigned to"</dt><dd>{h.assigned_to.clone().unwrap_or_default()}</dd>
                <dt>"Team"</dt><dd>{h.team.clone().unwrap_or_else(|| "—".into())}</dd>
                {quote}
                <dt>"Notes"</dt><dd class="notes">{if h.notes.is_empty() { "—".to_owned() } else { h.notes.clone() }}</dd>
            </dl>
            <div class="step-actions">{steps}</div>
            <FormAlert error=step_error />
            <p><a href="/orders">"← All orders"</a></p>
        </section>
        <section class="card" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"Lines"</h2>
            <LinesTable lines=detail.lines totals=h.totals actions=removes />
            <FormAlert error=remove_error />
            {add}
        </section>
        {payments}
        <AttachmentsCard holder=FileHolder::Order record=history_id.clone() />
        {edit}
        <HistoryCard target=history_id sensitive=true />
    }
}

fn add_line_form(
    a: Actions,
    id: String,
    version: String,
    products: Vec<crate::model::Choice>,
    may_discount: bool,
) -> impl IntoView {
    let errors = Signal::derive(move || a.add.value().get().and_then(Result::err));
    view! {
        <ActionForm action=a.add node_ref=reset_to_current(a.add.value()) attr:class="form add-line" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            <LineFields products may_discount errors />
            <FormAlert error=errors />
            <div class="form-actions">
                <SubmitButton label="Add line" pending_label="Adding…" pending=a.add.pending() />
            </div>
        </ActionForm>
    }
}

fn edit_form(
    a: Actions,
    id: String,
    version: String,
    options: DocumentFormOptions,
    header: crate::model::DocumentHeader,
) -> impl IntoView {
    let errors = Signal::derive(move || a.update.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <ActionForm action=a.update node_ref=reset_to_current(a.update.value()) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <HeaderFields options current=Some(header) errors />
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Save order" pending_label="Saving…" pending=a.update.pending() />
                </div>
            </ActionForm>
        </section>
    }
}

/// A button for each step the caller may take, each posting to its own endpoint.
fn step_buttons(
    steps: &[OrderStep],
    a: Actions,
    fields: Vec<(&'static str, String)>,
) -> impl IntoView {
    steps
        .iter()
        .map(|step| {
            let (f, label) = (fields.clone(), step.label());
            match step {
                OrderStep::Confirm => {
                    view! { <RowAction action=a.confirm fields=f label /> }.into_any()
                }
                OrderStep::Process => {
                    view! { <RowAction action=a.process fields=f label /> }.into_any()
                }
                OrderStep::Fulfil => {
                    view! { <RowAction action=a.fulfil fields=f label /> }.into_any()
                }
                OrderStep::Cancel => {
                    view! { <RowAction action=a.cancel fields=f label danger=true /> }.into_any()
                }
            }
        })
        .collect_view()
}
