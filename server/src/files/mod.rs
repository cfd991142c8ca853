//! The file endpoints: uploads to a record (`POST /files/{holder}/{record}`, multipart) and
//! downloads (`GET /files/{id}`). They are plain axum handlers rather than server functions,
//! because they stream bodies; each resolves the caller from the session once, in the same
//! request scope server functions get (`request_scope`), and checks its key before it touches
//! a file.

mod disposition;
mod download;
pub mod multipart;
mod quote_docx;
mod ranges;
mod upload;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use app::model::Purpose;

/// `Content-Disposition: attachment` with a file's name, in both RFC 6266 forms.
pub fn disposition_header(name: &str) -> String {
    disposition::header(false, name)
}

use crate::state::AppState;

/// The policy every file's answer carries: whatever the bytes are, they never run as the app.
pub const SANDBOX: &str = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";

/// Room in an upload's body for the multipart framing and the CSRF field around the file.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The largest body any upload may send: the largest file any purpose takes, plus framing.
/// Each purpose's own limit is enforced while the file streams in.
pub fn max_upload_body() -> usize {
    let largest = Purpose::ALL
        .into_iter()
        .map(Purpose::max_bytes)
        .max()
        .unwrap_or(0);
    usize::try_from(largest + MULTIPART_OVERHEAD).unwrap_or(usize::MAX)
}

/// The file routes, with their own body limit (the rest of the app keeps 1 MB).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/files/{holder}/{record}", post(upload::upload))
        .route("/files/logo", post(upload::logo))
        .route("/files/quote-template", post(upload::quote_template))
        .route("/files/{id}", get(download::download))
        .route("/quotes/{id}/docx", get(quote_docx::download))
        .layer(RequestBodyLimitLayer::new(max_upload_body()))
        // axum's own 2 MB default for extractors would cut every larger file short; the layer
        // above is the bound, and each purpose's limit is enforced while the file streams.
        .layer(DefaultBodyLimit::disable())
}
