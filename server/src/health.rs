//! Liveness and readiness for orchestrators and load balancers.

use axum::extract::State;
use http::StatusCode;

use crate::state::AppState;

/// `GET /healthz`: the process is up and answering.
pub async fn healthz() -> (StatusCode, &'static str) {
    (StatusCode::OK, "ok\n")
}

/// `GET /readyz`: the database answers too. The reason for a failure goes to the log only.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.ctx.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
