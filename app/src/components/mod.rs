//! Building blocks shared by pages.

pub mod alert;
pub mod bulk;
pub mod chart;
pub mod export;
pub mod form;
pub mod hydrated;
pub mod layout;
pub mod list_controls;
pub mod notifications;
pub mod polling;
pub mod raw_text;
pub mod table;
pub mod verdict;
