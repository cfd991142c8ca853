//! Products: the workspace's catalogue, a record kind on the record kit. Every holder of
//! `products.read` sees every product (the `Catalogue` reach: data scopes do not narrow it, the
//! max-records restriction still caps it). Prices are [`Money`] — whole minor units of an ISO
//! 4217 currency — and only holders of `products.pricing` change them; stock only holders of
//! `products.inventory`. Updates are optimistic (`version`); the SKU is unique per workspace
//! whatever its case.

pub mod catalogue;
mod form;
pub mod import;

use sqlx::Row;

pub use self::form::ProductForm;
use crate::model::{Product, ProductId, ProductPage};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::{Reach, RecordKind};
use crate::server::records::listing::{ListParams, Listing};
use crate::server::records::money::{Currency, Money};
use crate::server::records::scope::scope_filter;
use crate::server::records::sql::Sql;
use crate::server::records::version;
use crate::server::records::{history, rows};

/// Products, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "products",
    noun: "product",
    path: "/products",
    alias: "p",
    resource: Resource::Products,
    sorts: &crate::model::PRODUCT_SORTS,
    search: &["p.name_key", "p.sku_key"],
    reach: Reach::Catalogue,
    sensitive: &[],
    versioned: true,
    customer: None,
    retention: None,
};

const COLUMNS: &str = "p.id, p.sku, p.name, p.description, p.unit_price_minor, p.currency, \
     p.stock, p.active, p.version, p.updated_at FROM products p";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Product, DomainError> {
    let currency: String = row.try_get("currency")?;
    let minor: i64 = row.try_get("unit_price_minor")?;
    let price = Money::from_minor(minor, Currency::parse(&currency, "currency")?);
    Ok(Product {
        id: ProductId::from_db(row.try_get("id")?),
        sku: row.try_get("sku")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        unit_price_minor: minor,
        currency,
        unit_price: price.display(),
        stock: row.try_get("stock")?,
        active: row.try_get::<i64, _>("active")? == 1,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The search (Matches name or SKU, without regard to case.), the sort, the shared filters and the page.
    pub list: ListParams,
}

/// How many products the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    grant: &Grant<keys::ProductsRead>,
    query: &ListQuery,
) -> Result<u64, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    listing
        .count(listing.select(COLUMNS, grant), db, grant)
        .await
}

/// One page of the catalogue, by name.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::ProductsRead>,
    query: &ListQuery,
) -> Result<ProductPage, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, &query.list).await?;
    let mut sql = listing.select(COLUMNS, grant);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |p| p.id.as_str().to_owned());
    Ok(ProductPage { items, next })
}

async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &ProductId,
) -> Result<Product, DomainError> {
    let row = rows::find_one(conn, &KIND, COLUMNS, grant, id.as_str()).await?;
    from_row(&row)
}

/// One product of the grant's workspace; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    grant: &Grant<keys::ProductsRead>,
    id: &ProductId,
) -> Result<Product, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let product = find(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(product)
}

/// The currency new prices of the grant's workspace are in.
async fn workspace_currency<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
) -> Result<String, DomainError> {
    Ok(sqlx::query("SELECT currency FROM workspaces WHERE id = $1")
        .bind(grant.workspace().as_str())
        .fetch_one(&mut *conn)
        .await?
        .try_get("currency")?)
}

/// Refuses a change to the price or the stock by a caller without the key that guards it.
fn guard(
    grant: &Grant<keys::ProductsWrite>,
    price_changes: bool,
    stock_changes: bool,
) -> Result<(), DomainError> {
    if price_changes && !grant.also_holds(Permission::ProductsPricing) {
        return Err(DomainError::invalid(
            "unit_price",
            "Setting a price needs the products.pricing permission.",
        ));
    }
    if stock_changes && !grant.also_holds(Permission::ProductsInventory) {
        return Err(DomainError::invalid(
            "stock",
            "Changing the stock needs the products.inventory permission.",
        ));
    }
    Ok(())
}

fn duplicate_sku(e: sqlx::Error) -> DomainError {
    DomainError::on_unique(e, || {
        DomainError::invalid("sku", "Another product already has this SKU.")
    })
}

/// Adds a product to the grant's workspace's catalogue. A price needs `products.pricing`, a
/// stock count `products.inventory`.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::ProductsWrite>,
    form: &ProductForm,
) -> Result<Product, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let v = form::validate(form, &workspace_currency(&mut tx, grant).await?)?;
    guard(grant, v.price.minor() != 0, v.stock.is_some())?;
    let id = insert_row(&mut tx, clock, grant, &v).await?;
    let product = find(&mut tx, grant, &id).await?;
    history::record(
        &mut tx,
        clock,
        grant,
        &KIND,
        history::Event {
            action: "create",
            id: id.as_str(),
            before: None,
            after: Some(history::fields(&product)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(product)
}

/// Inserts a checked product; a SKU the catalogue has answers 422 on `sku`.
async fn insert_row<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    v: &form::Valid,
) -> Result<ProductId, DomainError> {
    let id = ProductId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO products (id, workspace_id, sku, sku_key, name, name_key, description, \
         unit_price_minor, currency, stock, active, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&v.sku)
    .bind(v.sku.to_lowercase())
    .bind(&v.name)
    .bind(v.name.to_lowercase())
    .bind(&v.description)
    .bind(v.price.minor())
    .bind(v.price.currency().code())
    .bind(v.stock)
    .bind(i64::from(v.active))
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *conn)
    .await
    .map_err(duplicate_sku)?;
    Ok(id)
}

/// Changes a product of the grant's workspace (else `NotFound`) if it is still at `version`
/// (else `Conflict`). The price and the stock may stay as they are without their keys, never
/// change.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::ProductsWrite>,
    id: &ProductId,
    version: i64,
    form: &ProductForm,
) -> Result<Product, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let current = find(&mut tx, grant, id).await?;
    let v = form::validate(form, &current.currency)?;
    let price_changes = v.price.minor() != current.unit_price_minor
        || v.price.currency().code() != current.currency;
    guard(grant, price_changes, v.stock != current.stock)?;
    let mut sql = Sql::default();
    sql.push("UPDATE products SET sku = ")
        .arg(v.sku.clone())
        .push(", sku_key = ")
        .arg(v.sku.to_lowercase())
        .push(", name = ")
        .arg(v.name.clone())
        .push(", name_key = ")
        .arg(v.name.to_lowercase())
        .push(", description = ")
        .arg(v.description)
        .push(", unit_price_minor = ")
        .int(v.price.minor())
        .push(", currency = ")
        .arg(v.price.currency().code())
        .push(", stock = ");
    match v.stock {
        Some(n) => sql.int(n),
        None => sql.push("NULL"),
    };
    sql.push(", active = ").int(i64::from(v.active));
    version::bump(&mut sql, &KIND);
    sql.push(", updated_at = ")
        .int(clock.now_ms())
        .push(" WHERE id IN (SELECT p.id FROM products p WHERE");
    scope_filter(&mut sql, &KIND, grant);
    sql.push(" AND p.id = ").arg(id.as_str()).push(")");
    version::version_clause(&mut sql, &KIND, version);
    let changed = sql
        .query()
        .execute(&mut *tx)
        .await
        .map_err(duplicate_sku)?
        .rows_affected();
    if changed == 0 {
        return Err(version::stale(&KIND));
    }
    let product = find(&mut tx, grant, id).await?;
    history::record(
        &mut tx,
        clock,
        grant,
        &KIND,
        history::Event {
            action: "update",
            id: id.as_str(),
            before: Some(history::fields(&current)),
            after: Some(history::fields(&product)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(product)
}

/// Removes a product of the grant's workspace (else `NotFound`).
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::ProductsDelete>,
    id: &ProductId,
) -> Result<(), DomainError> {
    rows::delete_one(db, clock, &KIND, grant, id.as_str(), None).await
}
