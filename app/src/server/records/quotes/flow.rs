//! Where a quote goes: draft → sent → accepted or declined (a sent quote past its last day
//! reads as expired and can only be declined or reopened), back to draft to be revised, and
//! from accepted into an order — the order, its lines and totals made in one transaction.

use super::{claim, detail, Quote, DOC};
use crate::model::{OrderId, QuoteDetail, QuoteId, QuoteStatus};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::documents::{self, lines};
use crate::server::records::orders;

/// Why a quote standing at `from` cannot move to `to`, if it cannot.
fn refusal(quote: &Quote, to: QuoteStatus, line_count: usize, today: &str) -> Option<String> {
    use QuoteStatus::*;
    let from = quote.status;
    let allowed = match to {
        Sent => from == Draft,
        Accepted => from == Sent,
        Declined => matches!(from, Sent | Expired),
        Draft => matches!(from, Sent | Expired | Declined),
        Expired => false,
    };
    if !allowed {
        return Some(match (from, to) {
            (Expired, Accepted) => "This quote has expired: reopen it as a draft, give it a new \
                                    last day and send it again."
                .into(),
            (_, Expired) => "A quote expires by itself after its last day.".into(),
            _ => format!(
                "A quote that is {} can't be marked {}.",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
        });
    }
    if to == Sent && line_count == 0 {
        return Some("Add at least one line before sending the quote.".into());
    }
    if to == Sent && quote.valid_until.as_str() < today {
        return Some("The last day has passed: change it before sending.".into());
    }
    None
}

/// Moves a quote to `to` if it may go there from where it stands (else `Conflict`, naming
/// why), based on `version`.
pub async fn set_status(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    id: &QuoteId,
    version: i64,
    to: QuoteStatus,
) -> Result<QuoteDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let quote = claim(&mut tx, clock, grant, id, version, &today).await?;
    let currency = super::Currency::parse(&quote.header.totals.currency, "currency")?;
    let line_count = lines::load(&mut tx, &DOC, id.as_str(), currency)
        .await?
        .len();
    if let Some(why) = refusal(&quote, to, line_count, &today) {
        return Err(DomainError::Conflict(why));
    }
    sqlx::query("UPDATE quotes SET status = $1 WHERE id = $2")
        .bind(to.key())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let detail = detail(&mut tx, grant, id, &today).await?;
    let (before, after) = (
        serde_json::json!({"status": quote.status.key()}),
        serde_json::json!({"status": to.key()}),
    );
    super::log(
        &mut tx,
        clock,
        grant,
        id,
        "status",
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// Makes an accepted quote (based on `version`) into a draft order of the same customer,
/// assignment, lines and totals, in one transaction. Needs `orders.write` too; a quote
/// becomes at most one order.
pub async fn convert(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::QuotesWrite>,
    orders_grant: &Grant<keys::OrdersWrite>,
    id: &QuoteId,
    version: i64,
) -> Result<OrderId, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let quote = claim(&mut tx, clock, grant, id, version, &today).await?;
    if let Some(order) = &quote.order_id {
        return Err(DomainError::Conflict(format!(
            "This quote already became an order ({order})."
        )));
    }
    if quote.status != QuoteStatus::Accepted {
        return Err(DomainError::Conflict(
            "Only an accepted quote can become an order.".into(),
        ));
    }
    let order = orders::insert_from_quote(&mut tx, clock, orders_grant, &quote).await?;
    lines::copy(&mut tx, &DOC, id.as_str(), &orders::DOC, order.as_str()).await?;
    lines::retotal(&mut tx, &orders::DOC, order.as_str()).await?;
    let after = serde_json::json!({"order": order.as_str()});
    super::log(&mut tx, clock, grant, id, "converted", None, Some(after)).await?;
    tx.commit().await?;
    Ok(order)
}
