//! The product form: every field checked on the server and named when it is wrong. The price
//! and the stock are guarded by keys of their own (`products.pricing`, `products.inventory`):
//! without the key a caller may leave them as they are, never change them.

use crate::server::platform::error::DomainError;
use crate::server::platform::text::{BlockField, LineField};
use crate::server::records::money::{Currency, Money};

const DESCRIPTION_MAX_CHARS: usize = 4000;
/// The most units a stock count may hold.
const STOCK_MAX: i64 = 1_000_000_000;

/// The product form as sent.
#[derive(Debug, Default, Clone)]
pub struct ProductForm {
    pub sku: String,
    pub name: String,
    pub description: String,
    /// As typed ("1,234.50"); empty: no price yet (0).
    pub unit_price: String,
    /// ISO 4217 code; empty: the workspace's currency.
    pub currency: String,
    /// Empty: stock is not tracked.
    pub stock: String,
    pub active: bool,
}

pub(super) struct Valid {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub stock: Option<i64>,
    pub active: bool,
}

/// Checks every field; `default_currency` is the workspace's.
pub(super) fn validate(form: &ProductForm, default_currency: &str) -> Result<Valid, DomainError> {
    let sku = LineField {
        field: "sku",
        subject: "The SKU",
        empty_message: "Give the product a SKU.",
        max_chars: 64,
    }
    .clean(&form.sku)?;
    let name = LineField {
        field: "name",
        subject: "The name",
        empty_message: "Name the product.",
        max_chars: 200,
    }
    .clean(&form.name)?;
    let description = BlockField {
        field: "description",
        empty_message: "",
        max_chars: DESCRIPTION_MAX_CHARS,
    }
    .clean_or_empty(&form.description)?;
    let code = Some(form.currency.trim())
        .filter(|c| !c.is_empty())
        .unwrap_or(default_currency);
    let currency = Currency::parse(code, "currency")?;
    let price = if form.unit_price.trim().is_empty() {
        Money::zero(currency)
    } else {
        Money::parse(&form.unit_price, currency, "unit_price")?
    };
    let stock = match form.stock.trim() {
        "" => None,
        raw => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|n| (0..=STOCK_MAX).contains(n))
                .ok_or_else(|| {
                    DomainError::invalid(
                        "stock",
                        "Enter the units in stock as a whole number, or leave it empty.",
                    )
                })?,
        ),
    };
    Ok(Valid {
        sku,
        name,
        description,
        price,
        stock,
        active: form.active,
    })
}
