//! Sales: orders confirmed, processed or fulfilled — placed (created) within the report's
//! period — by month, by product (their lines) and by the person they are assigned to. Only
//! orders within the caller's order scope count, and only amounts in the workspace's currency
//! (documents keep the currency they were made in; none is converted).

use chrono::{NaiveDate, TimeZone};
use sqlx::Row;

use super::period::{self, Period};
use crate::model::{Bar, ReportRow, SalesReport};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::listing::Narrowing;
use crate::server::records::money::{Currency, Money};
use crate::server::records::sql::Sql;
use crate::server::records::{documents, orders, rows};

/// How many products the report lists.
const TOP_PRODUCTS: i64 = 20;

/// What makes an order a sale of this report: its state, the period, the currency, and the
/// person and team the report is narrowed to.
struct Sales<'a> {
    bounds: (i64, i64),
    currency: Currency,
    narrowing: &'a Narrowing,
}

impl Sales<'_> {
    /// Narrows an order query to the report's sales.
    fn filter(&self, sql: &mut Sql) {
        let (start, end) = self.bounds;
        sql.push(" AND o.status IN ('confirmed', 'processed', 'fulfilled') AND o.currency = ")
            .arg(self.currency.code())
            .push(" AND o.created_at >= ")
            .int(start)
            .push(" AND o.created_at < ")
            .int(end);
        self.narrowing.apply(sql, &orders::KIND);
    }
}

fn row(label: String, count: i64, minor: i64, currency: Currency) -> ReportRow {
    ReportRow {
        label,
        count,
        value: Money::from_minor(minor, currency).display(),
    }
}

/// The sales report of the order grant's reach for the period the form names, narrowed to a
/// person or team if it names one; needs `reports.read` too.
pub async fn report(
    db: &Db,
    clock: &Clock,
    _reports: &Grant<keys::ReportsRead>,
    grant: &Grant<keys::OrdersRead>,
    from: &str,
    until: &str,
    narrowing: &Narrowing,
) -> Result<SalesReport, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let today = NaiveDate::parse_from_str(&today, "%Y-%m-%d")
        .map_err(|_| DomainError::Internal(format!("today {today:?}")))?;
    let period = Period::parse(from, until, today)?;
    let tz = crate::server::workspace::login_hours::time_zone(db, grant.workspace()).await?;
    let bounds = period.bounds_ms(tz);
    let mut tx = grant.begin(db, false).await?;
    let (currency, _) = documents::workspace_terms(&mut tx, grant).await?;
    let sales = Sales {
        bounds,
        currency,
        narrowing,
    };

    let mut placed = rows::reachable(
        &orders::KIND,
        "o.created_at, o.total_minor FROM orders o",
        grant,
    );
    sales.filter(&mut placed);
    let months = period.months();
    let mut per_month = vec![(0i64, 0i64); months.len()];
    for r in placed.query().fetch_all(&mut *tx).await? {
        let at: i64 = r.try_get("created_at")?;
        let Some(local) = tz.timestamp_millis_opt(at).single() else {
            continue;
        };
        let first = period::first_of_month(local.date_naive());
        if let Some(i) = months.iter().position(|m| *m == first) {
            per_month[i].0 += 1;
            per_month[i].1 += r.try_get::<i64, _>("total_minor")?;
        }
    }

    let by_product = by_product(&mut tx, grant, &sales).await?;
    let by_assignee = by_assignee(&mut tx, grant, &sales).await?;
    tx.commit().await?;

    Ok(SalesReport {
        from: period.from.format("%Y-%m-%d").to_string(),
        until: period.until.format("%Y-%m-%d").to_string(),
        currency: currency.code().to_owned(),
        by_month: months
            .iter()
            .zip(per_month)
            .map(|(first, (_, minor))| Bar {
                label: period::month_label(*first),
                value: minor,
                shown: Money::from_minor(minor, currency).display(),
            })
            .collect(),
        by_product,
        by_assignee,
    })
}

/// The best-selling products of the period, best first.
async fn by_product(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::OrdersRead>,
    sales: &Sales<'_>,
) -> Result<Vec<ReportRow>, DomainError> {
    let currency = sales.currency;
    let mut products = rows::reachable(
        &orders::KIND,
        "l.sku, l.name, CAST(SUM(l.quantity) AS BIGINT) AS n, \
         CAST(SUM(l.total_minor) AS BIGINT) AS total FROM orders o \
         JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.order_id = o.id",
        grant,
    );
    sales.filter(&mut products);
    products
        .push(" GROUP BY l.sku, l.name ORDER BY total DESC, l.sku LIMIT ")
        .int(TOP_PRODUCTS);
    products
        .query()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let label = format!(
                "{} · {}",
                r.try_get::<String, _>("sku")?,
                r.try_get::<String, _>("name")?
            );
            Ok(row(label, r.try_get("n")?, r.try_get("total")?, currency))
        })
        .collect()
}

/// Sales of the period per person the orders are assigned to, largest first.
async fn by_assignee(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::OrdersRead>,
    sales: &Sales<'_>,
) -> Result<Vec<ReportRow>, DomainError> {
    let currency = sales.currency;
    let mut people = rows::reachable(
        &orders::KIND,
        "o.assigned_user_id, u.display_name, COUNT(*) AS n, CAST(SUM(o.total_minor) AS BIGINT) AS total \
         FROM orders o LEFT JOIN users u ON u.id = o.assigned_user_id",
        grant,
    );
    sales.filter(&mut people);
    people.push(" GROUP BY o.assigned_user_id, u.display_name ORDER BY total DESC, u.display_name");
    people
        .query()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let who: Option<String> = r.try_get("display_name")?;
            Ok(row(
                who.unwrap_or_else(|| "Former member".into()),
                r.try_get("n")?,
                r.try_get("total")?,
                currency,
            ))
        })
        .collect()
}
