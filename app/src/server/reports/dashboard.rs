//! The dashboard (`/`): open quotes and orders with their value, revenue per week for the last
//! 12 weeks, tickets by status, the caller's open tickets and the refunds waiting for a
//! decision. Each part needs the read key of its records and counts only what that grant
//! reaches; a part the caller holds no key for is left out. Money is summed in the workspace's
//! currency (documents made in another currency before a change of currency are left out of
//! the sums, not converted). Revenue is payments received less their refunds, in the week of
//! the payment.

use chrono::NaiveDate;
use sqlx::Row;

use super::weeks;
use crate::model::{Bar, Dashboard, OpenFigure, TicketStatus};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::documents;
use crate::server::records::kind::RecordKind;
use crate::server::records::money::{Currency, Money};
use crate::server::records::sql::Sql;
use crate::server::records::{orders, payments, quotes, rows, tickets};

/// How many weeks the revenue chart shows.
pub const WEEKS: u32 = 12;
/// How many of the caller's own tickets the dashboard lists.
const MY_TICKETS: u32 = 5;

/// The grants the caller holds of the keys the dashboard's parts need.
#[derive(Default)]
pub struct Sources<'a> {
    pub quotes: Option<&'a Grant<keys::QuotesRead>>,
    pub orders: Option<&'a Grant<keys::OrdersRead>>,
    pub tickets: Option<&'a Grant<keys::TicketsRead>>,
    pub approvals: Option<&'a Grant<keys::OrdersRefund>>,
}

async fn currency<K: Key>(db: &Db, grant: &Grant<K>) -> Result<Currency, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let (currency, _) = documents::workspace_terms(&mut tx, grant).await?;
    tx.commit().await?;
    Ok(currency)
}

/// Count and value of the rows `open` narrows to among those the grant reaches.
async fn open_figure<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    kind: &RecordKind,
    open: impl FnOnce(&mut Sql),
    currency: Currency,
) -> Result<OpenFigure, DomainError> {
    let a = kind.alias;
    let columns = format!(
        "COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN {a}.currency = '{code}' THEN {a}.total_minor \
         ELSE 0 END), 0) AS BIGINT) AS value FROM {} {a}",
        kind.table,
        code = currency.code()
    );
    let mut sql = rows::reachable(kind, &columns, grant);
    open(&mut sql);
    let mut tx = grant.begin(db, false).await?;
    let row = sql.query().fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(OpenFigure {
        count: row.try_get("n")?,
        value: Money::from_minor(row.try_get("value")?, currency).display(),
    })
}

/// Net payments per week, oldest week first.
async fn revenue(
    db: &Db,
    grant: &Grant<keys::OrdersRead>,
    today: &str,
    currency: Currency,
) -> Result<Vec<Bar>, DomainError> {
    let today = NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map_err(|_| DomainError::Internal(format!("today {today:?}")))?;
    let mondays = weeks::last_weeks(today, WEEKS);
    let mut sql = rows::reachable(
        &payments::KIND,
        "pm.paid_on AS day, CAST(SUM(pm.amount_minor - pm.refunded_minor) AS BIGINT) AS net \
         FROM payments pm",
        grant,
    );
    sql.push(" AND pm.currency = ")
        .arg(currency.code())
        .push(" AND pm.paid_on >= ")
        .arg(mondays[0].format("%Y-%m-%d").to_string())
        .push(" GROUP BY pm.paid_on");
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let mut sums = vec![0i64; mondays.len()];
    for row in rows {
        let day: String = row.try_get("day")?;
        let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|_| DomainError::Internal(format!("stored day {day:?}")))?;
        if let Some(week) = weeks::week_of(&mondays, day) {
            sums[week] += row.try_get::<i64, _>("net")?;
        }
    }
    Ok(mondays
        .iter()
        .zip(sums)
        .map(|(monday, net)| Bar {
            label: weeks::label(*monday),
            value: net,
            shown: Money::from_minor(net, currency).display(),
        })
        .collect())
}

async fn tickets_by_status(
    db: &Db,
    grant: &Grant<keys::TicketsRead>,
) -> Result<Vec<(TicketStatus, i64)>, DomainError> {
    let mut sql = rows::reachable(
        &tickets::KIND,
        "tk.status, COUNT(*) AS n FROM tickets tk",
        grant,
    );
    sql.push(" GROUP BY tk.status");
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let mut counts: Vec<(TicketStatus, i64)> = TicketStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for row in rows {
        let status: String = row.try_get("status")?;
        if let Some(entry) = counts.iter_mut().find(|(s, _)| s.key() == status) {
            entry.1 = row.try_get("n")?;
        }
    }
    Ok(counts)
}

/// The dashboard of the caller whose grants `sources` holds.
pub async fn dashboard(
    db: &Db,
    clock: &Clock,
    sources: &Sources<'_>,
) -> Result<Dashboard, DomainError> {
    let mut board = Dashboard {
        open_quotes: None,
        open_orders: None,
        revenue: None,
        currency: String::new(),
        tickets_by_status: None,
        my_tickets: None,
        pending_approvals: None,
    };
    if let Some(grant) = sources.quotes {
        let (today, currency) = (
            documents::today(db, clock, grant).await?,
            currency(db, grant).await?,
        );
        board.currency = currency.code().to_owned();
        let open = move |sql: &mut Sql| {
            // The status list first, so the index seeks to open quotes instead of reading
            // every quote of the workspace.
            sql.push(
                " AND q.status IN ('draft', 'sent') AND (q.status = 'draft' OR q.valid_until >= ",
            )
            .arg(today)
            .push(")");
        };
        board.open_quotes = Some(open_figure(db, grant, &quotes::KIND, open, currency).await?);
    }
    if let Some(grant) = sources.orders {
        let (today, currency) = (
            documents::today(db, clock, grant).await?,
            currency(db, grant).await?,
        );
        board.currency = currency.code().to_owned();
        let open = |sql: &mut Sql| {
            sql.push(" AND o.status IN ('draft', 'confirmed', 'processed')");
        };
        board.open_orders = Some(open_figure(db, grant, &orders::KIND, open, currency).await?);
        board.revenue = Some(revenue(db, grant, &today, currency).await?);
    }
    if let Some(grant) = sources.tickets {
        board.tickets_by_status = Some(tickets_by_status(db, grant).await?);
        board.my_tickets = Some(tickets::my_open(db, grant, MY_TICKETS).await?);
    }
    if let Some(grant) = sources.approvals {
        board.pending_approvals = Some(payments::approvals::pending_count(db, clock, grant).await?);
    }
    Ok(board)
}
