//! Server functions: the only door from the browser to server code.
//!
//! Each is a public POST endpoint under `/api/<endpoint>`, callable with curl, so each one is
//! thin: resolve the context, validate, call the domain, map errors. Endpoint names are stable
//! and explicit so logs, docs and tests can name them.

pub mod accounts;
pub mod audit;
pub mod customers;
pub mod invitations;
pub mod mfa;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod team;
pub mod teams;
pub mod workspaces;
