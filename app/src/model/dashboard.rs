//! The dashboard as it travels to the browser: each part present only for those whose keys
//! reach its records, every figure within their scope.

use serde::{Deserialize, Serialize};

use super::{Ticket, TicketStatus};

/// How many records are open, and what they are worth in the workspace's currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenFigure {
    pub count: i64,
    /// "12,400.00 EUR".
    pub value: String,
}

/// One bar of a chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    /// "24 Nov".
    pub label: String,
    /// What the bar's height stands for, in whole minor units (or a count).
    pub value: i64,
    /// The value for people ("1,234.50 EUR", "7").
    pub shown: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Draft and sent quotes not past their day (`quotes.read`).
    pub open_quotes: Option<OpenFigure>,
    /// Draft, confirmed and processed orders (`orders.read`).
    pub open_orders: Option<OpenFigure>,
    /// Payments received less refunds, per week (Monday to Sunday, the workspace's calendar)
    /// for the last 12 weeks, oldest first (`orders.read`, payments of orders in scope).
    pub revenue: Option<Vec<Bar>>,
    /// The workspace's currency, which the money figures are in.
    pub currency: String,
    /// Tickets per status (`tickets.read`).
    pub tickets_by_status: Option<Vec<(TicketStatus, i64)>>,
    /// Open and pending tickets assigned to the caller, most recently changed first.
    pub my_tickets: Option<Vec<Ticket>>,
    /// Refund requests waiting for a decision (`orders.refund`).
    pub pending_approvals: Option<i64>,
}
