//! A workspace's sales terms: the currency new prices, quotes and orders are in, and the tax
//! rate taken once on a document's subtotal. A document keeps the terms it was made with;
//! changing them here changes only what comes after. Audited.

use sqlx::Row;

use crate::model::SalesTerms;
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::money::{parse_percent, Currency};

fn terms(currency: String, tax_bp: i64) -> SalesTerms {
    SalesTerms {
        currency,
        tax_rate: crate::server::records::money::display_percent(tax_bp)
            .trim_end_matches(" %")
            .to_owned(),
    }
}

async fn read(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<SalesTerms, DomainError> {
    let row = sqlx::query("SELECT currency, tax_rate_bp FROM workspaces WHERE id = $1")
        .bind(grant.workspace().as_str())
        .fetch_one(&mut *conn)
        .await?;
    Ok(terms(row.try_get("currency")?, row.try_get("tax_rate_bp")?))
}

/// The grant's workspace's terms.
pub async fn get(db: &Db, grant: &Grant<keys::SettingsWrite>) -> Result<SalesTerms, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let current = read(&mut tx, grant).await?;
    tx.commit().await?;
    Ok(current)
}

/// Sets the currency (an ISO 4217 code with minor units) and the tax rate (a percentage, 0–100
/// with at most two decimals); each is named when wrong, and nothing changes then.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    currency: &str,
    tax_rate: &str,
) -> Result<SalesTerms, DomainError> {
    let currency = Currency::parse(currency.trim().to_uppercase().as_str(), "currency")?;
    let tax_bp = match tax_rate.trim() {
        "" => 0,
        raw => parse_percent(raw, "tax_rate")?,
    };
    let mut tx = grant.begin(db, true).await?;
    let before = read(&mut tx, grant).await?;
    sqlx::query("UPDATE workspaces SET currency = $1, tax_rate_bp = $2 WHERE id = $3")
        .bind(currency.code())
        .bind(tax_bp)
        .bind(grant.workspace().as_str())
        .execute(&mut *tx)
        .await?;
    let after = terms(currency.code().to_owned(), tax_bp);
    audit::record(
        &mut tx,
        clock,
        grant.workspace(),
        grant.user(),
        Change {
            action: "settings.sales_terms",
            target: grant.workspace().as_str(),
            before: Some(
                serde_json::json!({"currency": before.currency, "tax_rate": before.tax_rate}),
            ),
            after: Some(
                serde_json::json!({"currency": after.currency, "tax_rate": after.tax_rate}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
