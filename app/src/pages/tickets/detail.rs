//! One ticket: its summary with the status steps and "take it" for an unassigned one, the
//! thread (public replies and internal notes, told apart), the reply form, the edit form and
//! the history. After any answer the ticket is read again, so a refused step leaves the current
//! state on screen beside the reason.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::me;
use crate::api::tickets::{
    get_ticket, ticket_form_options, AddTicketMessage, SetTicketStatus, TakeTicket, UpdateTicket,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{cleared_on_success, reset_to_current, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::raw_text::TextArea;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::model::{
    utc_datetime, DocumentFormOptions, FileHolder, MessageKind, Ticket, TicketDetail,
    TicketMessage, TicketStatus,
};
use crate::pages::attachments::AttachmentsCard;
use crate::pages::documents::message;
use crate::pages::documents::status_pill;
use crate::pages::history::HistoryCard;
use crate::pages::tickets::new::TicketFields;
use crate::permissions::Permission;

/// The actions of the page, made once at its top so their answers outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateTicket>,
    reply: ServerAction<AddTicketMessage>,
    status: ServerAction<SetTicketStatus>,
    take: ServerAction<TakeTicket>,
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let a = Actions {
        update: ServerAction::new(),
        reply: ServerAction::new(),
        status: ServerAction::new(),
        take: ServerAction::new(),
    };
    let changes = move || {
        (
            a.update.version().get(),
            a.reply.version().get(),
            a.status.version().get(),
            a.take.version().get(),
        )
    };
    let ticket = Resource::new(move || (id(), changes()), |(id, _)| get_ticket(id));
    // The form choices, only for those who may work on tickets (no refused call for readers).
    let options = Resource::new(
        || (),
        |_| async {
            match me().await {
                Ok(Some(u)) if u.can(Permission::TicketsWrite) => ticket_form_options().await.ok(),
                _ => None,
            }
        },
    );
    view! {
        <Title text="Ticket · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await;
                match ticket.await {
                    Ok(detail) => view! { <TicketView detail options a /> }.into_any(),
                    Err(e) => list_error(e, "this ticket"),
                }
            })}
        </Suspense>
    }
}

/// The button text for moving a ticket to `to`.
fn step_label(to: TicketStatus) -> &'static str {
    match to {
        TicketStatus::Open => "Reopen",
        TicketStatus::Pending => "Wait for the customer",
        TicketStatus::Resolved => "Mark resolved",
        TicketStatus::Closed => "Close",
    }
}

#[component]
fn TicketView(
    detail: TicketDetail,
    options: Option<DocumentFormOptions>,
    a: Actions,
) -> impl IntoView {
    let t = detail.ticket;
    let fields = {
        let (id, version) = (t.id.as_str().to_owned(), t.version.to_string());
        move |extra: Option<(&'static str, String)>| {
            let mut all = vec![("id", id.clone()), ("version", version.clone())];
            all.extend(extra);
            all
        }
    };
    let steps = detail.can_write.then(|| {
        let take = t
            .assigned_user_id
            .is_none()
            .then(|| view! { <RowAction action=a.take fields=fields(None) label="Take it" /> });
        let moves = t
            .status
            .next()
            .iter()
            .map(|to| view! { <RowAction action=a.status fields=fields(Some(("status", to.key().to_owned()))) label=step_label(*to) /> })
            .collect_view();
        view! { <div class="step-actions">{take}{moves}</div> }
    });
    let step_error = Signal::derive(move || {
        a.status
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| a.take.value().get().and_then(Result::err))
    });
    let reply = (detail.can_write && t.status != TicketStatus::Closed)
        .then(|| reply_form(a, t.id.as_str().to_owned()));
    let edit = detail
        .can_write
        .then_some(options)
        .flatten()
        .map(|options| edit_form(a, t.clone(), options));
    let history_id = t.id.as_str().to_owned();
    view! {
        <PageHeader title=format!("{} · {}", t.reference, t.subject) lead=t.customer.clone() />
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="sr-only">"Summary"</h2>
            <dl class="details">
                <dt>"Status"</dt><dd>{status_pill(t.status.key(), t.status.label())}</dd>
                <dt>"Priority"</dt><dd>{status_pill(t.priority.key(), t.priority.label())}</dd>
                <dt>"Customer"</dt><dd><a href=format!("/customers/{}", t.customer_id)>{t.customer.clone()}</a></dd>
                <dt>"Assigned to"</dt><dd>{t.assigned_to.clone().unwrap_or_else(|| "Unassigned".into())}</dd>
                <dt>"Team"</dt><dd>{t.team.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
            {steps}
            <FormAlert error=step_error />
            <p><a href="/tickets">"← All tickets"</a></p>
        </section>
        <section class="card" aria-labelledby="thread-heading">
            <h2 id="thread-heading">"Conversation"</h2>
            <ol class="thread">{detail.messages.into_iter().map(message_view).collect_view()}</ol>
            {reply}
        </section>
        <AttachmentsCard holder=FileHolder::Ticket record=history_id.clone() />
        {edit}
        <HistoryCard target=history_id />
    }
}

fn message_view(m: TicketMessage) -> impl IntoView {
    let note = m.kind == MessageKind::Note;
    view! {
        <li class="message" class:message-note=note>
            <p class="message-meta">
                <strong>{m.author.unwrap_or_else(|| "Former member".into())}</strong>
                " · "{m.kind.label()}" · "
                <span class="muted">{utc_datetime(m.at_ms)}</span>
            </p>
            <p class="message-body">{m.body}</p>
        </li>
    }
}

fn reply_form(a: Actions, id: String) -> impl IntoView {
    let errors = Signal::derive(move || a.reply.value().get().and_then(Result::err));
    view! {
        <ActionForm action=a.reply node_ref=cleared_on_success(a.reply.value()) attr:class="form reply-form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="id" value=id />
            <div class="field">
                <label for="field-body">"Your message"</label>
                <TextArea id="field-body" name="body" rows=4 maxlength=10000 value=String::new() />
                <p class="field-error" aria-live="polite">{move || message(errors, "body").get()}</p>
            </div>
            <fieldset class="choice-row">
                <legend class="sr-only">"Who sees it"</legend>
                {MessageKind::ALL.into_iter().map(|k| view! {
                    <label><input type="radio" name="kind" value=k.key() checked={k == MessageKind::Reply} />" "{k.label()}</label>
                }).collect_view()}
            </fieldset>
            <FormAlert error=errors />
            <div class="form-actions">
                <SubmitButton label="Send" pending_label="Sending…" pending=a.reply.pending() />
            </div>
        </ActionForm>
    }
}

fn edit_form(a: Actions, t: Ticket, options: DocumentFormOptions) -> impl IntoView {
    let errors = Signal::derive(move || a.update.value().get().and_then(Result::err));
    let (id, version) = (t.id.as_str().to_owned(), t.version.to_string());
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <ActionForm action=a.update node_ref=reset_to_current(a.update.value()) attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <TicketFields members=options.members teams=options.teams current=Some(t) errors />
                <FormAlert error=errors />
                <div class="form-actions">
                    <SubmitButton label="Save ticket" pending_label="Saving…" pending=a.update.pending() />
                </div>
            </ActionForm>
        </section>
    }
}
