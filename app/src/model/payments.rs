//! Payments against orders, as they travel to the browser.

use serde::{Deserialize, Serialize};

use super::OrderId;

id_type!(
    /// A payment against an order.
    PaymentId
);

#[cfg(feature = "ssr")]
impl PaymentId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// An id sent by the client, checked for shape only (see `CustomerId::from_client`).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        super::UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

/// How the money came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Card,
    BankTransfer,
    Cash,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [Self::Card, Self::BankTransfer, Self::Cash, Self::Other];

    pub fn key(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::BankTransfer => "bank_transfer",
            Self::Cash => "cash",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Card => "Card",
            Self::BankTransfer => "Bank transfer",
            Self::Cash => "Cash",
            Self::Other => "Other",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// A payment as the caller may see it: its reference (card or bank details) is masked for
/// those without `payments.read`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: PaymentId,
    pub order_id: OrderId,
    pub method: PaymentMethod,
    pub amount: String,
    pub refunded: String,
    /// What may still be refunded.
    pub refundable: String,
    pub refundable_minor: i64,
    /// The reference, or its last four characters behind bullets when masked.
    pub reference: String,
    pub reference_masked: bool,
    pub paid_on: String,
    pub processed_by: Option<String>,
    pub reconciled_by: Option<String>,
    pub version: i64,
}

/// An order's payments, what they add up to, and what the caller may do with them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPayments {
    pub payments: Vec<Payment>,
    /// Paid less refunded.
    pub paid: String,
    /// The order's total less what was paid (never below zero).
    pub balance: String,
    pub balance_minor: i64,
    pub may_process: bool,
    pub may_refund: bool,
    pub may_reconcile: bool,
}
