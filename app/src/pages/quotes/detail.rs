//! One quote: its summary and the steps it may take next, its lines and totals (with the
//! add-line form while it is a draft), and its edit form. Every form names the version the
//! page showed; after any answer the quote is read again, so a change refused as stale leaves
//! the current values on screen beside the reason.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::me;
use crate::api::quotes::{
    get_quote, quote_form_options, AddQuoteLine, ConvertQuote, RemoveQuoteLine, SetQuoteStatus,
    UpdateQuote,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{reset_to_current, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::model::{quote_docx_href, DocumentFormOptions, QuoteDetail, QuoteStatus};
use crate::pages::documents::{status_pill, HeaderFields, LineFields, LinesTable};
use crate::pages::history::HistoryCard;
use crate::pages::quotes::new::QuoteFields;
use crate::permissions::Permission;

/// The actions of the page, made once at its top so their answers outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateQuote>,
    add: ServerAction<AddQuoteLine>,
    remove: ServerAction<RemoveQuoteLine>,
    status: ServerAction<SetQuoteStatus>,
    convert: ServerAction<ConvertQuote>,
}

#[component]
pub fn QuotePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let a = Actions {
        update: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
        status: ServerAction::new(),
        convert: ServerAction::new(),
    };
    let changes = move || {
        (
            a.update.version().get(),
            a.add.version().get(),
            a.remove.version().get(),
            a.status.version().get(),
            a.convert.version().get(),
        )
    };
    let quote = Resource::new(move || (id(), changes()), |(id, _)| get_quote(id));
    // The form choices, only for those who may change quotes (no refused call for readers).
    let options = Resource::new(
        || (),
        |_| async {
            match me().await {
                Ok(Some(u)) if u.can(Permission::QuotesWrite) => quote_form_options().await.ok(),
                _ => None,
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(order)) = a.convert.value().get() {
            window()
                .location()
                .set_href(&format!("/orders/{order}"))
                .ok();
        }
    });
    view! {
        <Title text="Quote · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await;
                match quote.await {
                    Ok(detail) => view! { <QuoteView detail options a /> }.into_any(),
                    Err(e) => list_error(e, "this quote"),
                }
            })}
        </Suspense>
    }
}

/// The steps a quote at `status` offers: (status to move to, button text).
fn next_steps(status: QuoteStatus) -> &'static [(QuoteStatus, &'static str)] {
    use QuoteStatus::*;
    match status {
        Draft => &[(Sent, "Mark sent")],
        Sent => &[
            (Accepted, "Mark accepted"),
            (Declined, "Mark declined"),
            (Draft, "Reopen as draft"),
        ],
        Expired => &[(Declined, "Mark declined"), (Draft, "Reopen as draft")],
        Declined => &[(Draft, "Reopen as draft")],
        Accepted => &[],
    }
}

#[component]
fn QuoteView(
    detail: QuoteDetail,
    options: Option<DocumentFormOptions>,
    a: Actions,
) -> impl IntoView {
    let q = detail.quote;
    let (id, version) = (q.id.as_str().to_owned(), q.header.version.to_string());
    let draft = q.status == QuoteStatus::Draft;
    let fields = {
        let (id, version) = (id.clone(), version.clone());
        move |extra: Vec<(&'static str, String)>| {
            let mut all = vec![("id", id.clone()), ("version", version.clone())];
            all.extend(extra);
            all
        }
    };
    let steps = detail.may_edit.then(|| {
        next_steps(q.status)
            .iter()
            .map(|(to, label)| view! { <RowAction action=a.status fields=fields(vec![("status", to.key().to_owned())]) label=*label /> })
            .collect_view()
    });
    let convert = (q.status == QuoteStatus::Accepted && q.order_id.is_none() && detail.may_convert)
        .then(|| view! { <RowAction action=a.convert fields=fields(vec![]) label="Convert to order" /> });
    let order = q.order_id.clone().map(|o| {
        view! { <dt>"Order"</dt><dd><a href=format!("/orders/{o}")>"View the order"</a></dd> }
    });
    let step_error = Signal::derive(move || {
        a.status
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| a.convert.value().get().and_then(Result::err))
    });
    let editable = draft && detail.may_edit;
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
    let (header, title, valid_until) = (q.header.clone(), q.title.clone(), q.valid_until.clone());
    let edit = editable.then(|| options.clone()).flatten().map(|options| {
        edit_form(
            a,
            id.clone(),
            version.clone(),
            options,
            header.clone(),
            title.clone(),
            valid_until.clone(),
        )
    });
    let remove_error = Signal::derive(move || a.remove.value().get().and_then(Result::err));
    // A plain link: the file comes from the server's download route, like any stored file's.
    let docx = detail.has_template.then(|| {
        view! { <a class="btn btn-small" href=quote_docx_href(q.id.as_str()) rel="external" download="">"Download as DOCX"</a> }
    });
    let history_id = q.id.as_str().to_owned();
    let h = q.header;
    view! {
        <PageHeader title=format!("{} · {}", q.reference, q.title) lead=h.customer.clone() />
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="sr-only">"Summary"</h2>
            <dl class="details">
                <dt>"Status"</dt><dd>{status_pill(q.status.key(), q.status.label())}</dd>
                <dt>"Customer"</dt><dd><a href=format!("/customers/{}", h.customer_id)>{h.customer.clone()}</a></dd>
                <dt>"Valid until"</dt><dd>{q.valid_until.clone()}</dd>
                <dt>"Assigned to"</dt><dd>{h.assigned_to.clone().unwrap_or_default()}</dd>
                <dt>"Team"</dt><dd>{h.team.clone().unwrap_or_else(|| "—".into())}</dd>
                {order}
                <dt>"Notes"</dt><dd class="notes">{if h.notes.is_empty() { "—".to_owned() } else { h.notes.clone() }}</dd>
            </dl>
            <div class="step-actions">{steps}{convert}{docx}</div>
            <FormAlert error=step_error />
            <p><a href="/quotes">"← All quotes"</a></p>
        </section>
        <section class="card" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"Lines"</h2>
            <LinesTable lines=detail.lines totals=h.totals actions=removes />
            <FormAlert error=remove_error />
            {add}
        </section>
        {edit}
        <HistoryCard target=history_id />
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
    title: String,
    valid_until: String,
) -> impl IntoView {
    let errors = Signal::derive(move || a.update.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <ActionForm action=a.update node_ref=reset_to_current(a.update.value()) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <QuoteFields title valid_until errors />
                <HeaderFields options current=Some(header) errors />
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Save quote" pending_label="Saving…" pending=a.update.pending() />
                </div>
            </ActionForm>
        </section>
    }
}
