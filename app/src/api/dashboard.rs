//! `dashboard/*`: the overview's figures.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Dashboard;

/// `POST /api/dashboard/get` — the dashboard of the active workspace. Permission: signed in;
/// each part only with the key that reaches its records (`quotes.read`, `orders.read`,
/// `tickets.read`, `orders.refund`), every figure within the caller's scope.
#[server(endpoint = "dashboard/get", client = crate::csrf_page::ApiClient)]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::permissions::keys;
    use crate::server::reports::dashboard::{self, Sources};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let quotes = auth::optional::<keys::QuotesRead>(&ctx).await?;
    let orders = auth::optional::<keys::OrdersRead>(&ctx).await?;
    let tickets = auth::optional::<keys::TicketsRead>(&ctx).await?;
    let approvals = auth::optional::<keys::OrdersRefund>(&ctx).await?;
    let sources = Sources {
        quotes: quotes.as_ref(),
        orders: orders.as_ref(),
        tickets: tickets.as_ref(),
        approvals: approvals.as_ref(),
    };
    Ok(dashboard::dashboard(&ctx.db, &ctx.clock, &sources).await?)
}
