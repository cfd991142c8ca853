//! Assembles the axum router: pages, the server-function gate, assets, health, middleware.

use std::sync::OnceLock;

use axum::routing::{any, get};
use axum::{middleware, Router};
use http::StatusCode;
use leptos::prelude::provide_context;
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list_with_exclusions, AxumRouteListing,
    LeptosRoutes,
};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

use app::server::web::session_store::DbSessionStore;

use app::error::AppError;
use app::{shell, App};

use crate::state::AppState;
use crate::{
    audit_export, client_ip, csrf_guard, error_response, exports, gate, health, security, telemetry,
};

/// Idle sessions end after this long; each request renews it.
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;

/// The session cookie: HttpOnly, SameSite=Lax, and in production `Secure` with the `__Host-`
/// prefix (no Domain, Path=/, so no sibling host can set or read it).
fn session_layer(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    let store = DbSessionStore::new(state.ctx.db.clone(), state.ctx.clock.clone());
    SessionManagerLayer::new(store)
        .with_name(if state.production {
            "__Host-gatehouse_session"
        } else {
            "gatehouse_session"
        })
        .with_secure(state.production)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(Duration::minutes(
            IDLE_TIMEOUT_MINUTES,
        )))
        // A session is written only when it changed: `auth` moves a signed-in session's
        // last-seen time (and so its expiry and the cookie's) at most once a minute, so a page
        // view usually costs no write. Anonymous visitors have no session at all: their CSRF
        // token is the signed double-submit cookie (`csrf`).
        .with_always_save(false)
}

/// Gives each request an empty cell for its caller, resolved at most once (`caller_cache`).
async fn caller_cache(
    mut req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    req.extensions_mut()
        .insert(app::server::web::caller_cache::CallerCache::default());
    next.run(req).await
}

/// A backstop for every route; endpoints that accept more (uploads) raise it for themselves.
pub const MAX_BODY: usize = 1024 * 1024;

/// The app's page routes, worked out once per process.
///
/// Leptos finds them by rendering the app with resource loading switched off by a
/// process-wide flag; a page rendered by another server in the same process at that moment
/// would wait forever (leptos-rs/leptos#4773). One server per process never sees this, but the
/// integration tests run many: building the list once, before any server serves, closes the
/// window.
fn page_routes() -> &'static [AxumRouteListing] {
    static PAGES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    PAGES.get_or_init(|| {
        // Server functions are served by `gate::server_fn_gate`, not by Leptos's own routes.
        let server_fns = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_owned())
            .collect();
        generate_route_list_with_exclusions(App, Some(server_fns))
    })
}

pub fn build(state: AppState) -> Router {
    let pages = page_routes().to_vec();

    let ctx = state.ctx.clone();
    let render_context = move || {
        provide_context(ctx.clone());
        security::provide_request_nonce();
    };
    let options = state.leptos_options.clone();
    let pkg_dir =
        std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());

    let app = crate::workspace_export::routes(crate::privacy_archive::routes(exports::routes(
        Router::new(),
    )))
    .route(audit_export::PATH, get(audit_export::ndjson))
    .route(audit_export::CSV_PATH, get(audit_export::csv))
    .route("/healthz", get(health::healthz))
    .route("/readyz", get(health::readyz))
    .route("/api/{*endpoint}", any(gate::server_fn_gate))
    // Only static assets are compressed: compressing pages that mix secrets with
    // reflected input would open them to BREACH-style guessing.
    .nest_service(
        "/pkg",
        tower::ServiceBuilder::new()
            .layer(CompressionLayer::new())
            .service(ServeDir::new(pkg_dir)),
    )
    .leptos_routes_with_context(&state, pages, render_context.clone(), move || {
        shell(options.clone())
    })
    .fallback(file_and_error_handler_with_context::<AppState, _>(
        render_context,
        shell,
    ))
    .layer(RequestBodyLimitLayer::new(MAX_BODY));

    // The file routes carry their own, larger body limit.
    app.merge(crate::files::routes())
        .merge(crate::imports::routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf_guard::page_token,
        ))
        .layer(middleware::from_fn(caller_cache))
        .layer(session_layer(&state))
        .layer(middleware::from_fn_with_state(
            state.headers.clone(),
            security::refuse_cross_site,
        ))
        // The REST API answers to keys alone: outside the session and CSRF layers, so no
        // cookie is read there and no browser session can be ridden into it.
        .merge(crate::api_v1::routes())
        .layer(middleware::from_fn_with_state(
            state.client_ip_header.clone(),
            client_ip::client_ip,
        ))
        .layer(middleware::map_response(body_limit_in_json))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outside everything that can answer on its own (the body limit, a panic), so every
        // response carries the headers.
        .layer(middleware::from_fn_with_state(
            state.headers.clone(),
            security::security_headers,
        ))
        .layer(middleware::from_fn(telemetry::request_span))
        .with_state(state)
}

/// The body limit answers a declared oversized body with a bare `413 text/plain`; give it the
/// JSON error shape every other refusal has (the REST API shapes its own as a problem).
async fn body_limit_in_json(response: axum::response::Response) -> axum::response::Response {
    let is_json = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|ct| {
            let ct = ct.as_bytes();
            ct.starts_with(b"application/json") || ct.starts_with(b"application/problem+json")
        });
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || is_json {
        return response;
    }
    error_response::error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &AppError::BadRequest {
            message: format!("the request body is over {MAX_BODY} bytes"),
        },
    )
}

/// A panic in a handler is a bug: log it, answer 500 with a reference, leak nothing.
fn panic_response(detail: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let detail = detail
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| detail.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic payload");
    error_response::error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &AppError::internal(format!("panic: {detail}")),
    )
}
