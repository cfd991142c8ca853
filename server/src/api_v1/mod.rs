//! `/api/v1/…`: the REST API, for secret API keys (`Authorization: Bearer sk_…`). It sits
//! outside the session and CSRF layers: a key is its only credential. Each handler resolves
//! the key once ([`caller::KeyCaller`]), cuts the grant its permission names, and calls the same
//! domain functions as the pages; errors are problem details ([`problem`]).

mod caller;
mod customers;
mod problem;

use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use crate::state::AppState;

/// The largest request body the API takes.
pub const MAX_BODY: usize = 256 * 1024;

/// Every route of the API, as the router knows it: the isolation test calls each of them with
/// every kind of stranger's key.
pub const ROUTES: &[&str] = &[CUSTOMERS, CUSTOMER];
const CUSTOMERS: &str = "/api/v1/customers";
const CUSTOMER: &str = "/api/v1/customers/{id}";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(CUSTOMERS, get(customers::list))
        .route(CUSTOMER, get(customers::get))
        .route("/api/v1/{*rest}", any(unknown))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
}

/// An address under `/api/v1/` that names nothing: a problem, not the pages' 404.
async fn unknown() -> Response {
    problem::problem(&app::error::AppError::NotFound)
}
