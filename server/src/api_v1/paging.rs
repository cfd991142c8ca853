//! What every list operation shares: the page size it accepts and the `Link` header that
//! names its next page.

use axum::response::Response;
use http::{header, HeaderValue};

use app::error::AppError;
use app::server::records::pages::MAX_PAGE_SIZE;

/// `limit`, if asked, within 1..=[`MAX_PAGE_SIZE`]; else 422 naming it.
pub fn check_limit(limit: Option<u32>, nouns: &str) -> Result<(), AppError> {
    if limit.is_some_and(|l| l == 0 || l > MAX_PAGE_SIZE) {
        return Err(AppError::validation(
            "limit",
            format!("Ask for 1 to {MAX_PAGE_SIZE} {nouns} per page."),
        ));
    }
    Ok(())
}

/// `res` with `Link: <next>; rel="next"` when there is a next page.
pub fn with_next(mut res: Response, next: Option<String>) -> Response {
    if let Some(v) = next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok())
    {
        res.headers_mut().insert(header::LINK, v);
    }
    res
}
