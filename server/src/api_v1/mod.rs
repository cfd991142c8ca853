//! `/api/v1/…`: the REST API, for secret API keys (`Authorization: Bearer sk_…`), and under
//! `/api/v1/public/` for public keys (`pk_…`, [`public_caller`]). It sits
//! outside the session and CSRF layers: a key is its only credential. Each handler resolves
//! the key once ([`caller::KeyCaller`]), cuts the grant its permission names, and calls the same
//! domain functions as the pages; errors are problem details ([`problem`]). Each handler's
//! route, parameters and answers are declared once, in its `#[utoipa::path]`: the router and
//! the OpenAPI document (`GET /api/v1/openapi.json`) are both built from them.

mod body;
mod caller;
mod catalogue;
mod customers;
mod fields;
mod paging;
mod preconditions;
mod problem;
mod public_caller;
mod reference;
mod text;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use http::{header, HeaderValue};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The largest request body the API takes.
pub const MAX_BODY: usize = 256 * 1024;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
/// Where its reference page is.
pub const REFERENCE_PATH: &str = "/api/v1/reference";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse API",
        version = "1",
        description = "The records a secret API key's role reaches. Authenticate with \
            `Authorization: Bearer sk_…`; errors are RFC 9457 problem details."
    ),
    modifiers(&SecretKey),
)]
struct Base;

/// Every operation needs a secret key as a bearer token, but the public ones (tagged
/// `public`), which name the public key instead.
struct SecretKey;

impl Modify for SecretKey {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "secret_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("sk_…")
                    .description(Some("A secret API key made on the API keys page."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "public_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pk_…")
                    .description(Some(
                        "A public API key made on the API keys page: only for the operations \
                         tagged `public`.",
                    ))
                    .build(),
            ),
        );
        doc.security = Some(vec![SecurityRequirement::new(
            "secret_key",
            Vec::<String>::new(),
        )]);
    }
}

/// The API's routes and its document, from the same declarations.
fn api() -> (Router<AppState>, Document) {
    OpenApiRouter::with_openapi(Base::openapi())
        .routes(routes!(customers::read::list, customers::write::create))
        .routes(routes!(catalogue::list))
        .routes(routes!(
            customers::read::get,
            customers::write::update,
            customers::write::delete
        ))
        .split_for_parts()
}

/// The OpenAPI 3.1 document: the API's contract.
pub fn document() -> Document {
    api().1
}

pub fn routes() -> Router<AppState> {
    let (router, doc) = api();
    let json: Arc<str> = doc.to_pretty_json().unwrap_or_default().into();
    let value = serde_json::from_str(&json).unwrap_or_default();
    let html: Arc<str> = reference::page(&value).into();
    router
        .route(DOCUMENT_PATH, get(move || serve_document(json.clone())))
        .route(REFERENCE_PATH, get(move || serve_reference(html.clone())))
        .route("/api/v1/{*rest}", any(unknown))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

async fn serve_document(json: Arc<str>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.to_string(),
    )
        .into_response()
}

async fn serve_reference(html: Arc<str>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html.to_string(),
    )
        .into_response()
}

/// An address under `/api/v1/` that names nothing: a problem, not the pages' 404.
async fn unknown() -> Response {
    problem::problem(&app::error::AppError::NotFound.into())
}
