//! Products as they travel to the browser.

use serde::{Deserialize, Serialize};

id_type!(
    /// A product of the workspace's catalogue.
    ProductId
);

#[cfg(feature = "ssr")]
impl ProductId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// A product id sent by the client, checked for shape only: look-ups with it are bound to
    /// the caller's workspace, where an unknown id is not found (so garbage answers 404).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        super::UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

/// A product as the caller sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub description: String,
    /// The unit price in whole minor units of `currency` (cents for EUR).
    pub unit_price_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The price for people ("1,234.50 EUR").
    pub unit_price: String,
    /// `None`: stock is not tracked.
    pub stock: Option<i64>,
    pub active: bool,
    pub version: i64,
    pub updated_at_ms: i64,
}

/// One page of a product list, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub items: Vec<Product>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
}
