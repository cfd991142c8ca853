//! Ticket ageing: the open and pending tickets within the caller's scope, by how long ago they
//! were opened.

use sqlx::Row;

use crate::model::{Bar, TicketAgeing};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::listing::Narrowing;
use crate::server::records::{rows, tickets};

/// The buckets: a label and the age (in days) each runs up to, exclusive.
const BUCKETS: [(&str, i64); 5] = [
    ("Under a day", 1),
    ("1–3 days", 3),
    ("3–7 days", 7),
    ("1–4 weeks", 28),
    ("Over 4 weeks", i64::MAX),
];

/// Which bucket a ticket opened `age_ms` ago falls in.
fn bucket(age_ms: i64) -> usize {
    let days = age_ms.max(0) / DAY_MS;
    BUCKETS
        .iter()
        .position(|(_, under)| days < *under)
        .unwrap_or(BUCKETS.len() - 1)
}

/// Needs `reports.read` (the first grant) besides the key of the records it counts; narrowed
/// to a person or team if the report names one.
pub async fn report(
    db: &Db,
    clock: &Clock,
    _reports: &Grant<keys::ReportsRead>,
    grant: &Grant<keys::TicketsRead>,
    narrowing: &Narrowing,
) -> Result<TicketAgeing, DomainError> {
    let mut sql = rows::reachable(&tickets::KIND, "tk.created_at FROM tickets tk", grant);
    sql.push(" AND tk.status IN ('open', 'pending')");
    narrowing.apply(&mut sql, &tickets::KIND);
    let mut tx = grant.begin(db, false).await?;
    let found = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let now = clock.now_ms();
    let mut counts = [0i64; BUCKETS.len()];
    for r in found {
        counts[bucket(now - r.try_get::<i64, _>("created_at")?)] += 1;
    }
    Ok(TicketAgeing {
        buckets: BUCKETS
            .iter()
            .zip(counts)
            .map(|((label, _), n)| Bar {
                label: (*label).to_owned(),
                value: n,
                shown: n.to_string(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_fall_in_their_bucket() {
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(DAY_MS - 1), 0);
        assert_eq!(bucket(DAY_MS), 1);
        assert_eq!(bucket(3 * DAY_MS), 2);
        assert_eq!(bucket(27 * DAY_MS), 3);
        assert_eq!(bucket(400 * DAY_MS), 4);
        assert_eq!(bucket(-5), 0);
    }
}
