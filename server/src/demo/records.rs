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

use rand::rngs::StdRng;
use rand::SeedableRng;

use app::model::{UserId, WorkspaceId};
use app::permissions::keys;
use app::server::access::audit::{self, Change};
use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::error::DomainError;
use app::server::records::money::Currency;

use super::draw::{Counts, Fill};
use super::people::Staff;
use super::{catalogue, customers, sales, support};

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
    let by = app::server::audit::append::Acting {
        workspace,
        user: owner,
        key: None,
        automation: None,
        origin: None,
    };
    audit::record(&mut tx, clock, by, change).await?;
    tx.commit().await?;
    Ok(written)
}
