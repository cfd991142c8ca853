//! The published catalogue: a workspace's active products as a self-service client (a shop,
//! a customer portal) may show them — SKU, name, description and price, nothing about stock
//! or who changed what. Read with a public API key's [`PublicCaller`], the only proof a public
//! call has, and confined to its workspace (in SQL, and by row-level security on PostgreSQL).

use sqlx::Row;

use crate::server::integrations::api_keys::public::PublicCaller;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// One published product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    /// Whole minor units of `currency` (cents for EUR).
    pub unit_price_minor: i64,
    /// ISO 4217.
    pub currency: String,
}

/// A page of the catalogue by SKU (whatever its case), after the SKU `after`; the next page
/// starts after the last SKU of this one, if there may be more.
pub async fn page(
    db: &Db,
    caller: &PublicCaller,
    after: &str,
    limit: u32,
) -> Result<(Vec<PublishedProduct>, Option<String>), DomainError> {
    let mut tx = db.begin_in(caller.workspace(), false).await?;
    let rows = sqlx::query(
        "SELECT sku, sku_key, name, description, unit_price_minor, currency FROM products \
         WHERE workspace_id = $1 AND active = 1 AND sku_key > $2 ORDER BY sku_key LIMIT $3",
    )
    .bind(caller.workspace().as_str())
    .bind(after.to_lowercase())
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len().min(limit as usize));
    let mut last = None;
    for row in rows.iter().take(limit as usize) {
        last = Some(row.try_get::<String, _>("sku")?);
        items.push(PublishedProduct {
            sku: row.try_get("sku")?,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            unit_price_minor: row.try_get("unit_price_minor")?,
            currency: row.try_get("currency")?,
        });
    }
    Ok((items, last.filter(|_| more)))
}
