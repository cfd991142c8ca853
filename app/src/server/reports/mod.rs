//! Figures across records: the dashboard and the reports. Every figure is computed with the
//! record kit's scope and max-records clauses for the caller's grant of that kind, so a chart
//! never counts a record its reader could not open.

pub mod ageing;
pub mod dashboard;
mod period;
pub mod sales;
pub(crate) mod weeks;
