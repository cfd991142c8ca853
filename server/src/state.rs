//! What every handler can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use app::server::web::context::ServerContext;

use crate::security::HeaderPolicy;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: ServerContext,
    pub headers: Arc<HeaderPolicy>,
    /// Production mode: `__Host-` session cookie, `Secure`.
    pub production: bool,
    /// The trusted reverse proxy's client-address header, if configured.
    pub client_ip_header: Option<String>,
    pub rate_limits: Arc<crate::rate_limits::RateLimits>,
    /// Signs anonymous visitors' CSRF tokens; the key is read from the database on first use.
    pub anonymous_tokens:
        Arc<tokio::sync::OnceCell<app::server::web::csrf_tokens::AnonymousTokens>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<HeaderPolicy> {
    fn from_ref(state: &AppState) -> Self {
        state.headers.clone()
    }
}
