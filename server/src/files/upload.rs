//! `POST /files/{holder}/{record}`: one file, as the `file` field of a multipart body, attached
//! to a record. Permission: the write key of the record's kind (`customers.write`,
//! `orders.write`) and the record within the caller's scope. `POST /files/logo`: the
//! workspace's company logo. Permission: `settings.write`.
//!
//! The CSRF token travels in the `X-CSRF-Token` header, or — from a plain form, which cannot
//! set headers — as the body's first field, `csrf_token`; either way it is checked before the
//! file is read. The file streams to a spool file and is cut off with 413 at its purpose's
//! limit; nothing is stored until every check has passed. A script gets JSON (201 and the
//! file, or the error with its status); a form post from a page (`Accept: text/html`) is sent
//! back to the record's page with the outcome in the address, so uploading works without
//! JavaScript.

use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};

use app::csrf_page::{FIELD, HEADER};
use app::error::AppError;
use app::model::{FileHolder, FileSummary, Purpose, UploadProblem, LOGO_PAGE_HREF};
use app::permissions::keys;
use app::server::files::attachments::{self, FileError, Holder, OnCustomer, OnOrder};
use app::server::files::logo;
use app::server::files::spool::{self, SpoolError, Spooled};
use app::server::web::auth;

use crate::error_response::error_response;
use crate::state::AppState;

/// How an upload ended.
enum Outcome {
    Added(FileSummary),
    Refused {
        status: StatusCode,
        error: AppError,
        problem: UploadProblem,
    },
}

impl Outcome {
    fn refused(status: StatusCode, error: AppError, problem: UploadProblem) -> Self {
        Self::Refused {
            status,
            error,
            problem,
        }
    }

    fn from_app(error: AppError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let problem = match &error {
            AppError::RateLimited { .. } => UploadProblem::TooMany,
            AppError::PageExpired => UploadProblem::Expired,
            _ => UploadProblem::Failed,
        };
        Self::refused(status, error, problem)
    }

    fn bad_request(message: &str, problem: UploadProblem) -> Self {
        let error = AppError::BadRequest {
            message: message.into(),
        };
        Self::refused(StatusCode::BAD_REQUEST, error, problem)
    }

    fn multipart(e: &MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let error = AppError::validation("file", "The upload is larger than any file allowed.");
            return Self::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                error,
                UploadProblem::TooLarge,
            );
        }
        Self::bad_request(&e.body_text(), UploadProblem::Failed)
    }
}

/// What an upload is for, from its address.
enum Target {
    Record(FileHolder, String),
    Logo,
}

impl Target {
    fn page_href(&self) -> String {
        match self {
            Self::Record(holder, record) => holder.page_href(record),
            Self::Logo => LOGO_PAGE_HREF.to_owned(),
        }
    }
}

/// `POST /files/{holder}/{record}`.
pub async fn upload(
    State(state): State<AppState>,
    Path((holder, record)): Path<(String, String)>,
    req: Request,
) -> Response {
    let Some(holder) = FileHolder::from_segment(&holder) else {
        return error_response(StatusCode::NOT_FOUND, &AppError::NotFound);
    };
    answer(&state, Target::Record(holder, record), req).await
}

/// `POST /files/logo`: the workspace's company logo. Permission: `settings.write`.
pub async fn logo(State(state): State<AppState>, req: Request) -> Response {
    answer(&state, Target::Logo, req).await
}

async fn answer(state: &AppState, target: Target, req: Request) -> Response {
    let from_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let outcome = accept(state, &target, req).await;
    let page = target.page_href();
    match (outcome, from_page) {
        (Outcome::Added(summary), false) => {
            (StatusCode::CREATED, axum::Json(summary)).into_response()
        }
        (Outcome::Refused { status, error, .. }, false) => {
            let mut res = error_response(status, &error);
            if let AppError::RateLimited { retry_after_secs } = error {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            res
        }
        (Outcome::Added(_), true) => {
            Redirect::to(&format!("{page}?file=added#attachments")).into_response()
        }
        (Outcome::Refused { problem, .. }, true) => {
            Redirect::to(&format!("{page}?file_error={}#attachments", problem.code()))
                .into_response()
        }
    }
}

async fn accept(state: &AppState, target: &Target, req: Request) -> Outcome {
    let (parts, body) = req.into_parts();
    let header_token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(token) = &header_token {
        if let Err(refusal) = crate::csrf_guard::check_presented(state, &parts, Some(token)).await {
            return Outcome::refused(
                refusal.status(),
                AppError::PageExpired,
                UploadProblem::Expired,
            );
        }
    }
    let scope = parts.clone();
    let mut multipart = match Multipart::from_request(Request::from_parts(parts, body), state).await
    {
        Ok(m) => m,
        Err(e) => return Outcome::bad_request(&e.body_text(), UploadProblem::Failed),
    };
    if header_token.is_none() {
        let token = match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some(FIELD) => field.text().await.ok(),
            Ok(_) => None,
            Err(e) => return Outcome::multipart(&e),
        };
        if let Err(refusal) =
            crate::csrf_guard::check_presented(state, &scope, token.as_deref()).await
        {
            return Outcome::refused(
                refusal.status(),
                AppError::PageExpired,
                UploadProblem::Expired,
            );
        }
    }
    let work = async {
        match target {
            Target::Record(FileHolder::Customer, record) => {
                receive::<OnCustomer>(state, record, multipart).await
            }
            Target::Record(FileHolder::Order, record) => {
                receive::<OnOrder>(state, record, multipart).await
            }
            Target::Logo => receive_logo(state, multipart).await,
        }
    };
    crate::request_scope::run(state, scope, work).await
}

/// The file field, spooled within `limit`, and nothing after it.
async fn read_file(
    state: &AppState,
    multipart: &mut Multipart,
    limit: u64,
) -> Result<(String, Spooled), Outcome> {
    let field = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("file") => field,
        Ok(_) => {
            return Err(Outcome::bad_request(
                "Send the file as the field \"file\".",
                UploadProblem::Missing,
            ))
        }
        Err(e) => return Err(Outcome::multipart(&e)),
    };
    let name = field.file_name().unwrap_or_default().to_owned();
    let spooled = match spool::spool(state.ctx.storage.spool_dir(), field, limit).await {
        Ok(spooled) => spooled,
        Err(SpoolError::TooLarge { .. }) => {
            let message = format!("The file is larger than {} MB.", limit / 1024 / 1024);
            let error = AppError::validation("file", message);
            return Err(Outcome::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                error,
                UploadProblem::TooLarge,
            ));
        }
        Err(SpoolError::Broken(e)) => return Err(Outcome::multipart(&e)),
        Err(SpoolError::Io(e)) => {
            return Err(Outcome::from_app(AppError::internal(format!("spool: {e}"))))
        }
    };
    if name.is_empty() && spooled.size == 0 {
        return Err(Outcome::bad_request(
            "Choose a file to upload.",
            UploadProblem::Missing,
        ));
    }
    match multipart.next_field().await {
        Ok(None) => Ok((name, spooled)),
        Ok(Some(_)) => Err(Outcome::bad_request(
            "Send one file per upload, and nothing else.",
            UploadProblem::Failed,
        )),
        Err(e) => Err(Outcome::multipart(&e)),
    }
}

fn within_budget(state: &AppState, user: &app::model::UserId) -> Result<(), Outcome> {
    state
        .rate_limits
        .check_upload(user.as_str())
        .map_err(|wait| {
            Outcome::from_app(AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            })
        })
}

fn stored(attached: Result<FileSummary, FileError>, uploader: &str) -> Outcome {
    match attached {
        Ok(mut summary) => {
            summary.uploaded_by_name = uploader.to_owned();
            Outcome::Added(summary)
        }
        Err(FileError::Refused { problem, message }) => Outcome::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            AppError::validation("file", message),
            problem,
        ),
        Err(FileError::Domain(e)) => Outcome::from_app(e.into()),
        Err(FileError::Storage(e)) => Outcome::from_app(AppError::internal(e)),
    }
}

async fn receive_logo(state: &AppState, mut multipart: Multipart) -> Outcome {
    let ctx = &state.ctx;
    let (user, grant) = match auth::require::<keys::SettingsWrite>(ctx).await {
        Ok(checked) => checked,
        Err(e) => return Outcome::from_app(e),
    };
    if let Err(refused) = within_budget(state, &user.id) {
        return refused;
    }
    let (name, spooled) =
        match read_file(state, &mut multipart, Purpose::WorkspaceLogo.max_bytes()).await {
            Ok(file) => file,
            Err(refused) => return refused,
        };
    let set = logo::set(&ctx.db, &ctx.clock, &ctx.storage, &grant, &name, spooled).await;
    stored(set, &user.name)
}

async fn receive<H: Holder>(state: &AppState, record: &str, mut multipart: Multipart) -> Outcome {
    let ctx = &state.ctx;
    let (user, grant) = match auth::require::<H::Write>(ctx).await {
        Ok(checked) => checked,
        Err(e) => return Outcome::from_app(e),
    };
    if let Err(refused) = within_budget(state, &user.id) {
        return refused;
    }
    let (name, spooled) = match read_file(state, &mut multipart, H::PURPOSE.max_bytes()).await {
        Ok(file) => file,
        Err(refused) => return refused,
    };
    let attached = attachments::attach::<H>(
        &ctx.db,
        &ctx.clock,
        &ctx.storage,
        &grant,
        record,
        &name,
        spooled,
    )
    .await;
    stored(attached, &user.name)
}
