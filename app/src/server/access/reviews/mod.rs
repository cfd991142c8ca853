//! Access reviews: a campaign lists who holds which role ([`campaigns`]), its reviewers
//! ([`reviewers`]: named when it starts, or any holder of `team.write`) keep or revoke each
//! assignment ([`decisions`]), closing applies the revocations and keeps the
//! report ([`closing`]), and open campaigns near their due day remind the reviewers
//! ([`reminders`]). Read with `team.read`; started, decided and closed with `team.write`.

pub mod campaigns;
pub mod closing;
pub mod decisions;
pub mod reminders;
pub mod reviewers;

use chrono::NaiveDate;

use crate::model::ReviewSummary;

/// A summary row's columns, shared by the list and a campaign's page.
pub(crate) const SUMMARY_SQL: &str = "SELECT r.id, r.number, r.name, r.scope, r.due_on, r.status, \
     r.started_at_ms, r.closed_at_ms, s.display_name AS started_name, c.display_name AS closed_name, \
     (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id) AS items, \
     (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id \
        AND i.decision IS NOT NULL) AS decided, \
     (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id \
        AND i.decision = 'revoke') AS revoke \
     FROM access_reviews r LEFT JOIN users s ON s.id = r.started_by \
     LEFT JOIN users c ON c.id = r.closed_by";

pub(crate) fn summary(
    row: &sqlx::any::AnyRow,
    today: NaiveDate,
) -> Result<ReviewSummary, sqlx::Error> {
    use sqlx::Row;
    let scope: String = row.try_get("scope")?;
    let due_on: String = row.try_get("due_on")?;
    let status: String = row.try_get("status")?;
    let overdue = status == "open"
        && NaiveDate::parse_from_str(&due_on, "%Y-%m-%d").is_ok_and(|due| due < today);
    Ok(ReviewSummary {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        name: row.try_get("name")?,
        scope: serde_json::from_str(&scope).unwrap_or_default(),
        due_on,
        status,
        overdue,
        started_by: row.try_get("started_name")?,
        started_at_ms: row.try_get("started_at_ms")?,
        closed_by: row.try_get("closed_name")?,
        closed_at_ms: row.try_get("closed_at_ms")?,
        items: row.try_get("items")?,
        decided: row.try_get("decided")?,
        revoke: row.try_get("revoke")?,
    })
}
