//! Line items of a quote or order. A line copies the product's SKU, name and price when it is
//! added, so later catalogue changes leave the document as agreed; its total and the
//! document's totals are computed here, by the rules of `money`, and stored in the same
//! transaction as the change that moved them.

use sqlx::Row;

use super::DocumentKind;
use crate::model::{LineId, LineItem, ProductId};
use crate::permissions::{Key, Permission};
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::records::money::{self, display_percent, Currency, Line, Money};

/// The most lines one document holds.
pub const MAX_LINES: i64 = 200;
/// The most units one line orders.
const MAX_QUANTITY: i64 = 1_000_000;

/// A line as sent.
#[derive(Debug, Default, Clone)]
pub struct LineForm {
    pub product_id: String,
    pub quantity: String,
    /// A percentage ("10", "12.5 %"); empty for none. Needs `products.pricing`.
    pub discount: String,
}

/// The lines of document `id`, in order.
pub async fn load(
    conn: &mut sqlx::AnyConnection,
    doc: &DocumentKind,
    id: &str,
    currency: Currency,
) -> Result<Vec<LineItem>, DomainError> {
    let rows = sqlx::query(&format!(
        "SELECT id, product_id, sku, name, quantity, unit_price_minor, discount_bp, total_minor \
         FROM {} WHERE {} = $1 ORDER BY position",
        doc.lines_table, doc.parent_column
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let discount: i64 = row.try_get("discount_bp")?;
            Ok(LineItem {
                id: LineId::from_db(row.try_get("id")?),
                product_id: row
                    .try_get::<Option<String>, _>("product_id")?
                    .map(ProductId::from_db),
                sku: row.try_get("sku")?,
                name: row.try_get("name")?,
                quantity: row.try_get("quantity")?,
                unit_price: Money::from_minor(row.try_get("unit_price_minor")?, currency).display(),
                discount: if discount == 0 {
                    String::new()
                } else {
                    display_percent(discount)
                },
                total: Money::from_minor(row.try_get("total_minor")?, currency).display(),
            })
        })
        .collect()
}

/// Adds a line for a product of the grant's workspace to document `id` (already claimed by the
/// caller), in the document's `currency`. A discount needs `products.pricing`.
pub async fn add<K: Key>(
    conn: &mut sqlx::AnyConnection,
    doc: &DocumentKind,
    grant: &Grant<K>,
    id: &str,
    currency: Currency,
    form: &LineForm,
) -> Result<(), DomainError> {
    let quantity = form
        .quantity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|q| (1..=MAX_QUANTITY).contains(q))
        .ok_or_else(|| {
            DomainError::invalid(
                "quantity",
                format!("Enter a whole number of units from 1 to {MAX_QUANTITY}."),
            )
        })?;
    let discount_bp = match form.discount.trim() {
        "" => 0,
        raw => money::parse_percent(raw, "discount")?,
    };
    if discount_bp > 0 && !grant.also_holds(Permission::ProductsPricing) {
        return Err(DomainError::invalid(
            "discount",
            "Giving a discount needs the products.pricing permission.",
        ));
    }
    let product = sqlx::query(
        "SELECT id, sku, name, unit_price_minor, currency FROM products \
         WHERE workspace_id = $1 AND id = $2 AND active = 1",
    )
    .bind(grant.workspace().as_str())
    .bind(form.product_id.trim())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| DomainError::invalid("product_id", "Choose an active product."))?;
    let product_currency: String = product.try_get("currency")?;
    if product_currency != currency.code() {
        return Err(DomainError::invalid(
            "product_id",
            format!(
                "This product is priced in {product_currency}; the document is in {}.",
                currency.code()
            ),
        ));
    }
    let unit_price = Money::from_minor(product.try_get("unit_price_minor")?, currency);
    let line = Line {
        quantity,
        unit_price,
        discount_bp,
    };
    let (count, position) = count_and_next_position(conn, doc, id).await?;
    if count >= MAX_LINES {
        return Err(DomainError::invalid(
            "product_id",
            format!("A document holds at most {MAX_LINES} lines."),
        ));
    }
    sqlx::query(&format!(
        "INSERT INTO {} (id, workspace_id, {}, position, product_id, sku, name, quantity, \
         unit_price_minor, discount_bp, total_minor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        doc.lines_table, doc.parent_column
    ))
    .bind(LineId::fresh().as_str())
    .bind(grant.workspace().as_str())
    .bind(id)
    .bind(position)
    .bind(product.try_get::<String, _>("id")?)
    .bind(product.try_get::<String, _>("sku")?)
    .bind(product.try_get::<String, _>("name")?)
    .bind(quantity)
    .bind(unit_price.minor())
    .bind(discount_bp)
    .bind(line.total()?.minor())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn count_and_next_position(
    conn: &mut sqlx::AnyConnection,
    doc: &DocumentKind,
    id: &str,
) -> Result<(i64, i64), DomainError> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) + 1 AS next FROM {} WHERE {} = $1",
        doc.lines_table, doc.parent_column
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("n")?, row.try_get("next")?))
}

/// Removes line `line` of document `id` (already claimed by the caller); `NotFound` if the
/// document has no such line.
pub async fn remove(
    conn: &mut sqlx::AnyConnection,
    doc: &DocumentKind,
    id: &str,
    line: &LineId,
) -> Result<(), DomainError> {
    let removed = sqlx::query(&format!(
        "DELETE FROM {} WHERE {} = $1 AND id = $2",
        doc.lines_table, doc.parent_column
    ))
    .bind(id)
    .bind(line.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(DomainError::NotFound);
    }
    Ok(())
}

/// Recomputes document `id`'s totals from its stored lines and its own tax rate, and stores
/// them.
pub async fn retotal(
    conn: &mut sqlx::AnyConnection,
    doc: &DocumentKind,
    id: &str,
) -> Result<(), DomainError> {
    let table = doc.kind.table;
    let terms = sqlx::query(&format!(
        "SELECT currency, tax_rate_bp FROM {table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let currency = Currency::parse(&terms.try_get::<String, _>("currency")?, "currency")?;
    let rows = sqlx::query(&format!(
        "SELECT quantity, unit_price_minor, discount_bp FROM {} WHERE {} = $1",
        doc.lines_table, doc.parent_column
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let lines = rows
        .iter()
        .map(|row| {
            Ok(Line {
                quantity: row.try_get("quantity")?,
                unit_price: Money::from_minor(row.try_get("unit_price_minor")?, currency),
                discount_bp: row.try_get("discount_bp")?,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    let totals = money::totals(&lines, terms.try_get("tax_rate_bp")?, currency)?;
    sqlx::query(&format!(
        "UPDATE {table} SET subtotal_minor = $1, tax_minor = $2, total_minor = $3 WHERE id = $4"
    ))
    .bind(totals.subtotal.minor())
    .bind(totals.tax.minor())
    .bind(totals.total.minor())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Copies every line of `from_id` to `to_id` as it stands (a quote becoming an order).
pub async fn copy(
    conn: &mut sqlx::AnyConnection,
    from: &DocumentKind,
    from_id: &str,
    to: &DocumentKind,
    to_id: &str,
) -> Result<(), DomainError> {
    let rows = sqlx::query(&format!(
        "SELECT workspace_id, position, product_id, sku, name, quantity, unit_price_minor, \
         discount_bp, total_minor FROM {} WHERE {} = $1 ORDER BY position",
        from.lines_table, from.parent_column
    ))
    .bind(from_id)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        sqlx::query(&format!(
            "INSERT INTO {} (id, workspace_id, {}, position, product_id, sku, name, quantity, \
             unit_price_minor, discount_bp, total_minor) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            to.lines_table, to.parent_column
        ))
        .bind(LineId::fresh().as_str())
        .bind(row.try_get::<String, _>("workspace_id")?)
        .bind(to_id)
        .bind(row.try_get::<i64, _>("position")?)
        .bind(row.try_get::<Option<String>, _>("product_id")?)
        .bind(row.try_get::<String, _>("sku")?)
        .bind(row.try_get::<String, _>("name")?)
        .bind(row.try_get::<i64, _>("quantity")?)
        .bind(row.try_get::<i64, _>("unit_price_minor")?)
        .bind(row.try_get::<i64, _>("discount_bp")?)
        .bind(row.try_get::<i64, _>("total_minor")?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
