//! A workspace's sales terms: the currency new prices, quotes and orders are in, the tax rate
//! taken once on a document's subtotal, and the refund amount above which a second person must
//! approve (with how many days such a request stands). A document keeps the currency and tax
//! rate it was made with; changing them here changes only what comes after. Audited.

use sqlx::Row;

use crate::model::SalesTerms;
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::money::{display_percent, parse_percent, Currency, Money};

/// The terms as sent.
#[derive(Debug, Default, Clone)]
pub struct TermsForm {
    pub currency: String,
    /// A percentage; empty: none.
    pub tax_rate: String,
    /// An amount in the currency; empty: refunds need no approval.
    pub refund_approval_over: String,
    /// 1–90; empty: 7.
    pub approval_expiry_days: String,
}

async fn read(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<SalesTerms, DomainError> {
    let row = sqlx::query(
        "SELECT currency, tax_rate_bp, refund_approval_over_minor, approval_expiry_days \
         FROM workspaces WHERE id = $1",
    )
    .bind(grant.workspace().as_str())
    .fetch_one(&mut *conn)
    .await?;
    let code: String = row.try_get("currency")?;
    let currency = Currency::parse(&code, "currency")?;
    let over: Option<i64> = row.try_get("refund_approval_over_minor")?;
    Ok(SalesTerms {
        tax_rate: display_percent(row.try_get("tax_rate_bp")?)
            .trim_end_matches(" %")
            .to_owned(),
        refund_approval_over: over
            .map(|m| {
                Money::from_minor(m, currency)
                    .display()
                    .trim_end_matches(code.as_str())
                    .trim()
                    .replace(',', "")
            })
            .unwrap_or_default(),
        approval_expiry_days: row.try_get("approval_expiry_days")?,
        currency: code,
    })
}

/// The grant's workspace's terms.
pub async fn get(db: &Db, grant: &Grant<keys::SettingsWrite>) -> Result<SalesTerms, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let current = read(&mut tx, grant).await?;
    tx.commit().await?;
    Ok(current)
}

/// Sets the terms; each bad field is named, and nothing changes then.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    form: &TermsForm,
) -> Result<SalesTerms, DomainError> {
    let currency = Currency::parse(form.currency.trim().to_uppercase().as_str(), "currency")?;
    let tax_bp = match form.tax_rate.trim() {
        "" => 0,
        raw => parse_percent(raw, "tax_rate")?,
    };
    let over = match form.refund_approval_over.trim() {
        "" => None,
        raw => Some(Money::parse(raw, currency, "refund_approval_over")?.minor()),
    };
    let days = match form.approval_expiry_days.trim() {
        "" => 7,
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=90).contains(d))
            .ok_or_else(|| {
                DomainError::invalid(
                    "approval_expiry_days",
                    "Enter a number of days from 1 to 90.",
                )
            })?,
    };
    let mut tx = grant.begin(db, true).await?;
    let before = read(&mut tx, grant).await?;
    sqlx::query(
        "UPDATE workspaces SET currency = $1, tax_rate_bp = $2, refund_approval_over_minor = $3, \
         approval_expiry_days = $4 WHERE id = $5",
    )
    .bind(currency.code())
    .bind(tax_bp)
    .bind(over)
    .bind(days)
    .bind(grant.workspace().as_str())
    .execute(&mut *tx)
    .await?;
    let after = read(&mut tx, grant).await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "settings.sales_terms",
            target: grant.workspace().as_str(),
            before: Some(as_json(&before)),
            after: Some(as_json(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn as_json(t: &SalesTerms) -> serde_json::Value {
    serde_json::json!({
        "currency": t.currency,
        "tax_rate": t.tax_rate,
        "refund_approval_over": t.refund_approval_over,
        "approval_expiry_days": t.approval_expiry_days,
    })
}
