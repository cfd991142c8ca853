//! Gatehouse's shared half: components, routes and server functions.
//!
//! Everything here compiles twice — for the server (`ssr`) and for the browser (`hydrate`).
//! Server-only code lives behind one gate, [`server`], so a database handle or a secret cannot
//! end up in the wasm by accident.

pub mod api;
pub mod components;
pub mod csrf_page;
pub mod error;
pub mod model;
pub mod pages;
pub mod permissions;
mod redact;
#[cfg(feature = "ssr")]
pub mod server;
mod shell;

pub use shell::{shell, App};
