//! Reports as they travel to the browser.

use serde::{Deserialize, Serialize};

use super::Bar;

/// One line of a report's table: who or what, how many, and how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub label: String,
    pub count: i64,
    /// "1,234.50 EUR".
    pub value: String,
}

/// Sales: orders confirmed, processed or fulfilled, in the workspace's currency, within the
/// caller's order scope and the report's dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    /// The first and last day the report covers, YYYY-MM-DD.
    pub from: String,
    pub until: String,
    pub currency: String,
    /// Per calendar month, oldest first.
    pub by_month: Vec<Bar>,
    /// The best-selling products (by line totals), best first.
    pub by_product: Vec<ReportRow>,
    /// Per person the orders are assigned to, largest first.
    pub by_assignee: Vec<ReportRow>,
}

/// How long the open and pending tickets within the caller's scope have been waiting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketAgeing {
    pub buckets: Vec<Bar>,
}

/// The reports page: each part only with the key that reaches its records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reports {
    pub sales: Option<SalesReport>,
    pub ageing: Option<TicketAgeing>,
    /// The people and teams the reports can be narrowed to.
    pub choices: super::FilterChoices,
}
