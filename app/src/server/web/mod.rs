//! The request edge: who is calling (the session, resolved once per request), the context server functions run in, and CSRF tokens. The only part of the server code that reads the Leptos context or the session.

pub mod auth;
pub mod caller_cache;
pub mod context;
pub mod csrf_tokens;
pub mod session_store;
