//! `tickets/*` endpoints. Each resolves the caller and workspace from the session, requires its
//! permission, and leaves the rules (reach, the queue, the status flow, versions) to
//! `server::records::tickets`.

// One server-function argument per form field keeps the plain (JavaScript-free) form post
// working; the macro's browser-side expansion cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{DocumentFormOptions, TicketDetail, TicketPage};

/// `POST /api/tickets/list` — a page of the tickets within the caller's reach, newest first;
/// `view` is `all`, `mine` or `unassigned`; `status` and `priority` filter. Permission:
/// `tickets.read`.
/// `filters` sorts the list and narrows it (assignee, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "tickets/list", client = crate::csrf_page::ApiClient)]
pub async fn list_tickets(
    search: String,
    view: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<TicketPage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::tickets, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsRead>(&ctx).await?;
    let list = ListParams::page(search, filters, after);
    let own = |raw: &Option<String>| raw.clone().unwrap_or_default();
    let query = tickets::ListQuery::new(list, &own(&view), &own(&status), &own(&priority))?;
    Ok(tickets::list(&ctx.db, &grant, &query).await?)
}

/// `POST /api/tickets/get` — one ticket with its thread; out of reach answers 404. Permission:
/// `tickets.read`.
#[server(endpoint = "tickets/get", client = crate::csrf_page::ApiClient)]
pub async fn get_ticket(id: String) -> Result<TicketDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::tickets, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsRead>(&ctx).await?;
    let id = crate::model::TicketId::from_client(&id)?;
    Ok(tickets::get(&ctx.db, &grant, &id).await?)
}

/// `POST /api/tickets/form_options` — the customers, members and teams a ticket form offers.
/// Permission: `tickets.write` (customers only as far as the caller's `customers.read` reaches).
#[server(endpoint = "tickets/form_options", client = crate::csrf_page::ApiClient)]
pub async fn ticket_form_options() -> Result<DocumentFormOptions, AppError> {
    use crate::permissions::keys;
    use crate::server::records::documents::options;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let customers = auth::optional::<keys::CustomersRead>(&ctx).await?;
    Ok(options::form_options(&ctx.db, &grant, customers.as_ref(), None).await?)
}

#[cfg(feature = "ssr")]
fn edit_form(
    subject: String,
    priority: String,
    assigned_user_id: String,
    team_id: String,
) -> crate::server::records::tickets::EditForm {
    crate::server::records::tickets::EditForm {
        subject,
        priority,
        assigned_user_id,
        team_id,
    }
}

/// `POST /api/tickets/create` — opens a ticket for a customer the caller can see, with its
/// first (public) message; empty `assigned_user_id` leaves it in the team's queue. Permission:
/// `tickets.write`, and `customers.read` reaching the customer (else 422 on `customer_id`).
#[server(endpoint = "tickets/create", client = crate::csrf_page::ApiClient)]
pub async fn create_ticket(
    customer_id: String,
    subject: String,
    priority: String,
    assigned_user_id: String,
    team_id: String,
    message: String,
) -> Result<TicketDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::tickets, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let (_, customers) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let form = tickets::TicketForm {
        customer_id,
        fields: edit_form(subject, priority, assigned_user_id, team_id),
        message,
    };
    Ok(tickets::create(&ctx.db, &ctx.clock, &grant, &customers, &form).await?)
}

/// `POST /api/tickets/update` — changes the subject, priority, assignee or team of a ticket at
/// `version` (else 409); it must stay within the caller's reach. Permission: `tickets.write`.
#[server(endpoint = "tickets/update", client = crate::csrf_page::ApiClient)]
pub async fn update_ticket(
    id: String,
    version: i64,
    subject: String,
    priority: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<TicketDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::tickets, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let id = crate::model::TicketId::from_client(&id)?;
    let form = edit_form(subject, priority, assigned_user_id, team_id);
    Ok(tickets::update(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/tickets/add_message` — a public reply (`kind` `reply`) or an internal note
/// (`note`) on a ticket that is not closed (else 409). Permission: `tickets.write`.
#[server(endpoint = "tickets/add_message", client = crate::csrf_page::ApiClient)]
pub async fn add_ticket_message(
    id: String,
    kind: String,
    body: String,
) -> Result<TicketDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::tickets::thread, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let id = crate::model::TicketId::from_client(&id)?;
    let kind = crate::model::MessageKind::from_key(kind.trim()).ok_or_else(|| {
        AppError::validation("kind", "Choose a public reply or an internal note.")
    })?;
    Ok(thread::add_message(&ctx.db, &ctx.clock, &grant, &id, kind, &body).await?)
}

/// `POST /api/tickets/set_status` — open → pending → resolved → closed (pending and resolved
/// back to open); from the wrong state 409 with the reason. Permission: `tickets.write`.
#[server(endpoint = "tickets/set_status", client = crate::csrf_page::ApiClient)]
pub async fn set_ticket_status(
    id: String,
    version: i64,
    status: String,
) -> Result<TicketDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::tickets::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let id = crate::model::TicketId::from_client(&id)?;
    let to = crate::model::TicketStatus::from_key(status.trim())
        .ok_or_else(|| AppError::validation("status", "Choose a status from the list."))?;
    Ok(flow::set_status(&ctx.db, &ctx.clock, &grant, &id, version, to).await?)
}

/// `POST /api/tickets/take` — assigns an unassigned ticket to the caller (409 when someone has
/// it). Permission: `tickets.write`.
#[server(endpoint = "tickets/take", client = crate::csrf_page::ApiClient)]
pub async fn take_ticket(id: String, version: i64) -> Result<TicketDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::tickets::flow, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let id = crate::model::TicketId::from_client(&id)?;
    Ok(flow::take(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}

/// `POST /api/tickets/bulk_assign` — assigns the chosen tickets (`ids`, separated by commas; at
/// most 500 and the role's max-records cap) to one person, or to nobody in a team's queue, all
/// or none; answers how many changed. Permission: `tickets.write`, and a role that allows bulk
/// actions (else 403); every ticket within reach (else 409); audited as one entry.
#[server(endpoint = "tickets/bulk_assign", client = crate::csrf_page::ApiClient)]
pub async fn bulk_assign_tickets(
    ids: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<usize, AppError> {
    use crate::permissions::keys;
    use crate::server::records::{bulk::Selection, tickets};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let bulk = grant.bulk()?;
    let selection = Selection::parse(&ids)?;
    let (db, clock) = (&ctx.db, &ctx.clock);
    Ok(tickets::bulk_assign(db, clock, &bulk, &selection, &assigned_user_id, &team_id).await?)
}

/// `POST /api/tickets/bulk_status` — moves the chosen tickets to `status`, or none if any may
/// not (409 naming the first); answers how many moved. Permission: `tickets.write`, and a role
/// that allows bulk actions (else 403); limits and reach as for `bulk_assign`.
#[server(endpoint = "tickets/bulk_status", client = crate::csrf_page::ApiClient)]
pub async fn bulk_ticket_status(ids: String, status: String) -> Result<usize, AppError> {
    use crate::permissions::keys;
    use crate::server::records::{bulk::Selection, tickets::flow};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TicketsWrite>(&ctx).await?;
    let bulk = grant.bulk()?;
    let selection = Selection::parse(&ids)?;
    let to = crate::model::TicketStatus::from_key(status.trim())
        .ok_or_else(|| AppError::validation("status", "Choose a status from the list."))?;
    Ok(flow::bulk_status(&ctx.db, &ctx.clock, &bulk, &selection, to).await?)
}
