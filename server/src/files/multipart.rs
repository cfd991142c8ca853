//! What every upload shares, before it is a file for some purpose: the CSRF token checked
//! before the body is read (from the `X-CSRF-Token` header, or — from a plain form, which
//! cannot set headers — the body's first field, `csrf_token`), the file streamed to a spool
//! file and cut off with 413 at its limit, nothing but that one field accepted, a per-person
//! upload rate, and the refusal answered as JSON to a script or as a code in the address to a
//! page.

use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use http::{header, HeaderMap, HeaderValue, StatusCode};

use app::csrf_page::{FIELD, HEADER};
use app::error::AppError;
use app::model::UploadProblem;
use app::server::files::spool::{self, SpoolError, Spooled};

use crate::error_response::error_response;
use crate::state::AppState;

/// Why an upload was refused: the status and error for a script, the code for a page.
pub struct Refusal {
    pub status: StatusCode,
    pub error: AppError,
    pub problem: UploadProblem,
}

impl Refusal {
    pub fn new(status: StatusCode, error: AppError, problem: UploadProblem) -> Self {
        Self {
            status,
            error,
            problem,
        }
    }

    pub fn from_app(error: AppError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let problem = match &error {
            AppError::RateLimited { .. } => UploadProblem::TooMany,
            AppError::PageExpired => UploadProblem::Expired,
            _ => UploadProblem::Failed,
        };
        Self::new(status, error, problem)
    }

    pub fn bad_request(message: &str, problem: UploadProblem) -> Self {
        let error = AppError::BadRequest {
            message: message.into(),
        };
        Self::new(StatusCode::BAD_REQUEST, error, problem)
    }

    fn multipart(e: &MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let error = AppError::validation("file", "The upload is larger than any file allowed.");
            return Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                error,
                UploadProblem::TooLarge,
            );
        }
        // The parser's own wording stays in the log: it describes our parser, not the upload.
        tracing::info!(error = %e, "multipart body refused");
        Self::bad_request(
            "The upload is not a complete multipart form.",
            UploadProblem::Failed,
        )
    }

    fn expired(status: StatusCode) -> Self {
        Self::new(status, AppError::PageExpired, UploadProblem::Expired)
    }

    /// The refusal as a script gets it.
    pub fn into_json(self) -> Response {
        let mut res = error_response(self.status, &self.error);
        if let AppError::RateLimited { retry_after_secs } = self.error {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        res
    }
}

/// Whether the request comes from a page's plain form (it wants a page back).
pub fn from_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// A page's way back: `page` with the refusal's code as `param`, then `tail` (more of the
/// query, the anchor).
pub fn back_to(page: &str, param: &str, problem: UploadProblem, tail: &str) -> Response {
    Redirect::to(&format!("{page}?{param}={}{tail}", problem.code())).into_response()
}

/// The request's parts (for its scope) and its multipart body, the CSRF token checked.
pub async fn open(state: &AppState, req: Request) -> Result<(Parts, Multipart), Refusal> {
    let (parts, body) = req.into_parts();
    let header_token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(token) = &header_token {
        crate::csrf_guard::check_presented(state, &parts, Some(token))
            .await
            .map_err(|refusal| Refusal::expired(refusal.status()))?;
    }
    let scope = parts.clone();
    let mut multipart = Multipart::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(|e| {
            tracing::info!(error = %e.body_text(), "not a multipart body");
            Refusal::bad_request(
                "Send the file as multipart/form-data.",
                UploadProblem::Failed,
            )
        })?;
    if header_token.is_none() {
        let token = match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some(FIELD) => field.text().await.ok(),
            Ok(_) => None,
            Err(e) => return Err(Refusal::multipart(&e)),
        };
        crate::csrf_guard::check_presented(state, &scope, token.as_deref())
            .await
            .map_err(|refusal| Refusal::expired(refusal.status()))?;
    }
    Ok((scope, multipart))
}

/// The file field, spooled within `limit`, and nothing after it.
pub async fn read_file(
    state: &AppState,
    multipart: &mut Multipart,
    limit: u64,
) -> Result<(String, Spooled), Refusal> {
    let field = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("file") => field,
        Ok(_) => {
            return Err(Refusal::bad_request(
                "Send the file as the field \"file\".",
                UploadProblem::Missing,
            ))
        }
        Err(e) => return Err(Refusal::multipart(&e)),
    };
    let name = field.file_name().unwrap_or_default().to_owned();
    let spooled = match spool::spool(state.ctx.storage.spool_dir(), field, limit).await {
        Ok(spooled) => spooled,
        Err(SpoolError::TooLarge { .. }) => {
            let message = format!("The file is larger than {} MB.", limit / 1024 / 1024);
            let error = AppError::validation("file", message);
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                error,
                UploadProblem::TooLarge,
            ));
        }
        Err(SpoolError::Broken(e)) => return Err(Refusal::multipart(&e)),
        Err(SpoolError::Io(e)) => {
            return Err(Refusal::from_app(AppError::internal(format!("spool: {e}"))))
        }
    };
    if name.is_empty() && spooled.size == 0 {
        return Err(Refusal::bad_request(
            "Choose a file to upload.",
            UploadProblem::Missing,
        ));
    }
    match multipart.next_field().await {
        Ok(None) => Ok((name, spooled)),
        Ok(Some(_)) => Err(Refusal::bad_request(
            "Send one file per upload, and nothing else.",
            UploadProblem::Failed,
        )),
        Err(e) => Err(Refusal::multipart(&e)),
    }
}

/// The person's upload rate (30 a minute).
pub fn within_budget(state: &AppState, user: &app::model::UserId) -> Result<(), Refusal> {
    state
        .rate_limits
        .check_upload(user.as_str())
        .map_err(|wait| {
            Refusal::from_app(AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            })
        })
}
