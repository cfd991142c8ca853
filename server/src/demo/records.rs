//! A demo workspace's records: customers, products, quotes, orders, payments, tickets and
//! licences, spread over its people and the last eighteen months. The content is drawn from a
//! seeded generator, so the same scale gives the same company every time; ids and licence
//! keys are fresh.
//!
//! Rows go in with multi-row statements inside one transaction of the Owner's grant rather than
//! through the record functions one by one: a million orders for the benchmarks would take
//! hours that way. What those functions would check holds by construction here — totals come
//! from the same money rules, assignees are members, numbers count from 1 — and one audit
//! entry says the demo wrote them.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use app::model::{UserId, WorkspaceId};
use app::permissions::keys;
use app::server::access::audit::{self, Change};
use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::error::DomainError;
use app::server::records::money::Currency;

use super::people::Staff;
use super::{catalogue, customers, sales, support};

pub const DAY_MS: i64 = 86_400_000;
/// How far back the demo company's history reaches.
const HISTORY_DAYS: i64 = 540;

/// How many records of each kind a workspace gets at scale 1.
pub struct Counts {
    pub customers: usize,
    pub products: usize,
    pub quotes: usize,
    pub orders: usize,
    pub tickets: usize,
    pub licences: usize,
}

impl Counts {
    pub fn at(scale: usize) -> Self {
        let scale = scale.max(1);
        Self {
            customers: 2_000 * scale,
            products: 200 * scale,
            quotes: 1_500 * scale,
            orders: 3_000 * scale,
            tickets: 400 * scale,
            licences: 300 * scale,
        }
    }
}

/// What every generator needs: the draw, the workspace's terms and people, and the clock.
pub struct Fill<'s> {
    pub rng: StdRng,
    pub workspace: String,
    pub staff: &'s Staff,
    pub now_ms: i64,
    pub currency: Currency,
    pub tax_bp: i64,
}

impl Fill<'_> {
    pub fn id(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }

    /// A moment in the company's history, more of them recent than old.
    pub fn past_ms(&mut self) -> i64 {
        let f: f64 = self.rng.random::<f64>().powf(1.3);
        self.now_ms - (f * (HISTORY_DAYS * DAY_MS) as f64) as i64 - self.rng.random_range(0..DAY_MS)
    }

    /// The moment of the `k`th of `n` events spread over the company's history in order, more
    /// of them recent than old.
    pub fn at_fraction(&mut self, k: usize, n: usize) -> i64 {
        let t = k as f64 / n.max(1) as f64;
        let age = (1.0 - t).powf(1.3) * (HISTORY_DAYS * DAY_MS) as f64;
        self.now_ms - age as i64 - self.rng.random_range(0..DAY_MS / 4)
    }

    pub fn day_of(ms: i64) -> NaiveDate {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }

    pub fn day_string(day: NaiveDate) -> String {
        day.format("%Y-%m-%d").to_string()
    }

    pub fn days_after(ms: i64, days: u64) -> NaiveDate {
        Self::day_of(ms)
            .checked_add_days(Days::new(days))
            .unwrap_or_default()
    }

    pub fn pick<'a>(&mut self, list: &'a [String]) -> &'a str {
        &list[self.rng.random_range(0..list.len())]
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.rng.random_range(0..100) < percent
    }
}

/// Whether the workspace has no records yet (the demo fills a workspace once).
pub async fn is_empty(
    db: &Db,
    clock: &Clock,
    owner: &UserId,
    workspace: &WorkspaceId,
) -> Result<bool, DomainError> {
    let grant = grants::require::<keys::CustomersRead>(db, clock, owner, workspace).await?;
    let mut tx = grant.begin(db, false).await?;
    let found = sqlx::query("SELECT id FROM customers WHERE workspace_id = $1 LIMIT 1")
        .bind(workspace.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(found.is_none())
}

/// Writes the workspace's records in one transaction and returns how many of each.
pub async fn fill(
    db: &Db,
    clock: &Clock,
    owner: &UserId,
    workspace: &WorkspaceId,
    staff: &Staff,
    seed: u64,
    counts: &Counts,
) -> Result<serde_json::Value, DomainError> {
    let grant = grants::require::<keys::CustomersWrite>(db, clock, owner, workspace).await?;
    let mut tx = grant.begin(db, true).await?;
    let terms = sqlx::query_as::<_, (String, i64)>(
        "SELECT currency, tax_rate_bp FROM workspaces WHERE id = $1",
    )
    .bind(workspace.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let mut fill = Fill {
        rng: StdRng::seed_from_u64(seed),
        workspace: workspace.as_str().to_owned(),
        staff,
        now_ms: clock.now_ms(),
        currency: Currency::parse(&terms.0, "currency")?,
        tax_bp: terms.1,
    };
    let customers = customers::write(&mut tx, &mut fill, counts.customers).await?;
    let products = catalogue::write(&mut tx, &mut fill, counts.products).await?;
    let documents = sales::write(&mut tx, &mut fill, &customers, &products, counts).await?;
    let support = support::write(&mut tx, &mut fill, &customers, &products, counts).await?;
    let written = serde_json::json!({
        "customers": customers.len(),
        "products": products.len(),
        "quotes": documents.quotes,
        "orders": documents.orders,
        "payments": documents.payments,
        "tickets": support.tickets,
        "licences": support.licences,
    });
    let change = Change {
        action: "demo.seed",
        target: workspace.as_str(),
        before: None,
        after: Some(written.clone()),
    };
    audit::record(&mut tx, clock, workspace, owner, change).await?;
    tx.commit().await?;
    Ok(written)
}
