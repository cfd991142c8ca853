//! Data leaving Gatehouse as CSV. A list declares itself once ([`kit::Exporter`]: its keys,
//! columns and address); [`stream`] does the rest alike for every list: it runs the list's own
//! query within the caller's scope and cap, needs the list's key and a role that allows
//! exports, leaves out the columns the caller may not see, neutralises cells a spreadsheet
//! would run as formulas, streams in batches so memory stays flat, and records the export.
//! A list page's export runs in the [`background`]: the same walk written to file storage,
//! with progress, a cancel and a download for the person who started it.

pub mod background;
pub mod cells;
pub mod customers;
pub mod endpoints;
pub mod kit;
pub mod library;
pub mod licences;
pub mod log;
pub mod orders;
pub mod products;
pub mod quotes;
pub mod runs;
pub mod stream;
pub mod tickets;
