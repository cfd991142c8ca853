//! `reports/*`: the reports page's figures.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Reports;

/// `POST /api/reports/get` — sales (by month, product and assignee) for the days `from` to
/// `until` (empty: the last twelve months) and ticket ageing. Permission: `reports.read`; sales
/// only with `orders.read` and ageing only with `tickets.read`, each within the caller's
/// scope.
#[server(endpoint = "reports/get", client = crate::csrf_page::ApiClient)]
pub async fn get_reports(from: String, until: String) -> Result<Reports, AppError> {
    use crate::permissions::keys;
    use crate::server::reports::{ageing, sales};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, reports) = auth::require::<keys::ReportsRead>(&ctx).await?;
    let (db, clock) = (&ctx.db, &ctx.clock);
    let sales = match auth::optional::<keys::OrdersRead>(&ctx).await? {
        Some(orders) => Some(sales::report(db, clock, &reports, &orders, &from, &until).await?),
        None => None,
    };
    let ageing = match auth::optional::<keys::TicketsRead>(&ctx).await? {
        Some(tickets) => Some(ageing::report(db, clock, &reports, &tickets).await?),
        None => None,
    };
    Ok(Reports { sales, ageing })
}
