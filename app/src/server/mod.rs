//! Server-only code: storage, domain logic and the context server functions run in.
//!
//! Domain modules are plain async Rust over [`db::Db`]; they know nothing of Leptos or HTTP and
//! are tested directly against SQLite and PostgreSQL.

pub mod accounts;
pub mod assignments;
pub mod audit;
pub mod auth;
pub mod base_roles;
pub mod clock;
pub mod context;
pub mod csrf;
mod customer_sql;
pub mod customers;
pub mod db;
pub mod departments;
pub mod email_tokens;
pub mod error;
pub mod expiry;
pub mod explain;
pub mod grants;
pub mod invitations;
pub mod ip_rules;
pub mod lockout;
pub mod login_hours;
pub mod mail;
pub mod members;
pub mod mfa;
pub mod password_policy;
pub mod passwords;
pub mod reauth;
pub mod role_deletion;
pub mod role_editor;
pub mod roles;
pub mod second_factors;
pub mod security_events;
pub mod sessions;
pub mod settings;
pub mod sod;
pub mod teams;
#[cfg(feature = "test-support")]
pub mod testing;
mod text;
pub mod workspaces;
