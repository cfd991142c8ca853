//! Data leaving Gatehouse as CSV: every export runs the list's own query within the caller's
//! scope and cap, needs the kind's export key and a role that allows exports, leaves out the
//! fields the caller may not see, neutralises cells a spreadsheet would run as formulas, streams
//! in batches so memory stays flat, and is recorded.

pub mod cells;
pub mod customers;
pub mod log;
