//! Server-only code: storage, domain logic and the context server functions run in.
//!
//! Domain modules are plain async Rust over [`db::Db`]; they know nothing of Leptos or HTTP and
//! are tested directly against SQLite and PostgreSQL.

pub mod access;
pub mod audit;
pub mod backups;
pub mod exports;
pub mod files;
pub mod identity;
pub mod imports;
pub mod integrations;
pub mod platform;
pub mod privacy;
pub mod records;
pub mod registers;
pub mod reports;
pub mod web;
pub mod workspace;
