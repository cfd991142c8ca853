//! `reports/*`: the reports page's figures.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Reports;

/// `POST /api/reports/get` — sales (by month, product and assignee) for the days `from` to
/// `until` (empty: the last twelve months) and ticket ageing, narrowed to a person (`assignee`:
/// `me` or a member's id) and a `team` if given. Permission: `reports.read`; sales only with
/// `orders.read` and ageing only with `tickets.read`, each within the caller's scope; the
/// people and teams offered are those the order (else ticket) scope reaches.
#[server(endpoint = "reports/get", client = crate::csrf_page::ApiClient)]
pub async fn get_reports(
    from: String,
    until: String,
    assignee: Option<String>,
    team: Option<String>,
) -> Result<Reports, AppError> {
    use crate::model::{FilterChoices, ListFilters};
    use crate::permissions::keys;
    use crate::server::records::{filter_choices, listing::Narrowing, orders, tickets};
    use crate::server::reports::{ageing, sales};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, reports) = auth::require::<keys::ReportsRead>(&ctx).await?;
    let (db, clock) = (&ctx.db, &ctx.clock);
    let filters = ListFilters {
        assignee: assignee.unwrap_or_default(),
        team: team.unwrap_or_default(),
        ..ListFilters::default()
    };
    let orders_grant = auth::optional::<keys::OrdersRead>(&ctx).await?;
    let tickets_grant = auth::optional::<keys::TicketsRead>(&ctx).await?;
    let sales = match &orders_grant {
        Some(g) => {
            let narrowing = Narrowing::parse(&orders::KIND, g, &filters)?;
            Some(sales::report(db, clock, &reports, g, &from, &until, &narrowing).await?)
        }
        None => None,
    };
    let ageing = match &tickets_grant {
        Some(g) => {
            let narrowing = Narrowing::parse(&tickets::KIND, g, &filters)?;
            Some(ageing::report(db, clock, &reports, g, &narrowing).await?)
        }
        None => None,
    };
    let choices = match (&orders_grant, &tickets_grant) {
        (Some(g), _) => filter_choices::read(db, g).await?,
        (None, Some(g)) => filter_choices::read(db, g).await?,
        (None, None) => FilterChoices::default(),
    };
    Ok(Reports {
        sales,
        ageing,
        choices,
    })
}
