//! What every handler can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use app::server::context::ServerContext;

use crate::security::HeaderPolicy;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: ServerContext,
    pub headers: Arc<HeaderPolicy>,
    /// Production mode: `__Host-` session cookie, `Secure`.
    pub production: bool,
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
