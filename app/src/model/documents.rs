//! Quotes and orders as they travel to the browser: numbered documents of a customer with line
//! items and totals the server computed.

use serde::{Deserialize, Serialize};

use super::{CustomerId, ProductId, TeamId, UserId};

id_type!(
    /// A quote.
    QuoteId
);
id_type!(
    /// An order.
    OrderId
);
id_type!(
    /// One line of a quote or an order.
    LineId
);

#[cfg(feature = "ssr")]
client_ids!(QuoteId, OrderId, LineId);

/// Where a quote stands. `Expired` is never stored: a sent quote reads so once its last day
/// has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Sent,
    Accepted,
    Declined,
    Expired,
}

impl QuoteStatus {
    pub const ALL: [QuoteStatus; 5] = [
        Self::Draft,
        Self::Sent,
        Self::Accepted,
        Self::Declined,
        Self::Expired,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Sent => "Sent",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
            Self::Expired => "Expired",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Draft,
    Confirmed,
    Processed,
    Fulfilled,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        Self::Draft,
        Self::Confirmed,
        Self::Processed,
        Self::Fulfilled,
        Self::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Confirmed => "confirmed",
            Self::Processed => "processed",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Confirmed => "Confirmed",
            Self::Processed => "Processed",
            Self::Fulfilled => "Fulfilled",
            Self::Cancelled => "Cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A step an order can take, each guarded by its own key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStep {
    /// draft → confirmed (`orders.write`).
    Confirm,
    /// confirmed → processed (`orders.process`).
    Process,
    /// processed → fulfilled (`orders.process`).
    Fulfil,
    /// draft, confirmed or processed → cancelled (`orders.cancel`).
    Cancel,
}

impl OrderStep {
    pub const ALL: [OrderStep; 4] = [Self::Confirm, Self::Process, Self::Fulfil, Self::Cancel];

    pub fn key(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Process => "process",
            Self::Fulfil => "fulfil",
            Self::Cancel => "cancel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Confirm => "Confirm order",
            Self::Process => "Mark processed",
            Self::Fulfil => "Mark fulfilled",
            Self::Cancel => "Cancel order",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A document's sums, for people and as numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentTotals {
    pub currency: String,
    /// "20 %".
    pub tax_rate: String,
    pub tax_rate_bp: i64,
    pub subtotal: String,
    pub tax: String,
    pub total: String,
    pub total_minor: i64,
}

/// One line of a quote or order: the product as it was when the line was added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub id: LineId,
    pub product_id: Option<ProductId>,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: String,
    /// "10 %", or empty for none.
    pub discount: String,
    pub total: String,
}

/// The header every quote and order shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentHeader {
    pub number: i64,
    pub customer_id: CustomerId,
    pub customer: String,
    pub notes: String,
    pub assigned_user_id: UserId,
    pub assigned_to: Option<String>,
    pub team_id: Option<TeamId>,
    pub team: Option<String>,
    pub totals: DocumentTotals,
    /// Changes with every save, line and step; a change names the version it was based on.
    pub version: i64,
    pub updated_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub id: QuoteId,
    /// "Q-1042".
    pub reference: String,
    pub title: String,
    pub status: QuoteStatus,
    /// The last day the offer stands, YYYY-MM-DD.
    pub valid_until: String,
    /// The order it became, once converted.
    pub order_id: Option<OrderId>,
    pub header: DocumentHeader,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    /// "O-1042".
    pub reference: String,
    pub status: OrderStatus,
    pub quote_id: Option<QuoteId>,
    pub header: DocumentHeader,
}

/// A quote with its lines and what the caller may do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteDetail {
    pub quote: Quote,
    pub lines: Vec<LineItem>,
    /// The workspace has a quote template: the page offers "Download as DOCX".
    pub has_template: bool,
    /// Holds `quotes.write`.
    pub may_edit: bool,
    /// Holds `orders.write` too: an accepted quote can become an order.
    pub may_convert: bool,
    /// Holds `products.pricing`: may give a line a discount.
    pub may_discount: bool,
}

/// An order with its lines and the steps the caller may take from where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub order: Order,
    pub lines: Vec<LineItem>,
    pub may_edit: bool,
    pub may_discount: bool,
    pub steps: Vec<OrderStep>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotePage {
    pub items: Vec<Quote>,
    pub next: Option<String>,
    /// The people and teams the list can be narrowed to.
    pub choices: super::FilterChoices,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub items: Vec<Order>,
    pub next: Option<String>,
    /// The people and teams the list can be narrowed to.
    pub choices: super::FilterChoices,
}

/// A choice in a document form: a customer or an active product the caller can reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// What a document's forms offer: customers and active products within reach, assignees and
/// teams.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFormOptions {
    pub customers: Vec<Choice>,
    pub products: Vec<Choice>,
    pub members: Vec<super::MemberOption>,
    pub teams: Vec<super::TeamOption>,
}

/// The terms new quotes and orders of a workspace take: its currency and tax rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesTerms {
    /// ISO 4217 code.
    pub currency: String,
    /// As typed back into the form ("20", "7.5").
    pub tax_rate: String,
    /// Refunds above this amount wait for a second person's approval; empty: none do.
    pub refund_approval_over: String,
    /// Days an approval request stands before it expires.
    pub approval_expiry_days: i64,
}
