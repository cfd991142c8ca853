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

/// One payment's proof, as the order page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentProof {
    pub payment_id: PaymentId,
    /// "120.00 EUR on 2026-11-24".
    pub label: String,
    pub files: Vec<super::FileSummary>,
}

/// The proof of an order's payments, for those whose keys unmask payment details; `may_add`
/// with `payments.process`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderProofs {
    pub payments: Vec<PaymentProof>,
    pub may_add: bool,
}

id_type!(
    /// A request for approval of a sensitive operation (a large refund).
    ApprovalId
);

#[cfg(feature = "ssr")]
impl ApprovalId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// An id sent by the client, checked for shape only (see `CustomerId::from_client`).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        super::UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
    }
}

/// What became of a refund the caller asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundOutcome {
    /// The money went back.
    Refunded,
    /// It is over the workspace's threshold: it waits for someone else to approve it.
    AwaitingApproval,
}

/// Where an approval request stands. `Expired` is never stored: a pending request past its
/// day reads so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Rejected,
    Expired,
}

impl ApprovalStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Approved => "Approved",
            Self::Rejected => "Rejected",
            Self::Expired => "Expired",
        }
    }
}

/// A refund waiting for (or given) a second person's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub id: ApprovalId,
    pub order_id: OrderId,
    /// "O-1042".
    pub order_reference: String,
    pub customer: String,
    pub amount: String,
    pub reason: String,
    pub status: ApprovalStatus,
    pub requested_by: Option<String>,
    /// The caller asked for it, so may not decide it.
    pub mine: bool,
    pub requested_at_ms: i64,
    /// The last day it may be decided, YYYY-MM-DD (UTC).
    pub expires_on: String,
    pub decided_by: Option<String>,
    pub comment: String,
}
