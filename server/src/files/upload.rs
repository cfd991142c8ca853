//! `POST /files/{holder}/{record}`: one file, as the `file` field of a multipart body, attached
//! to a record. Permission: the holder's write key (`customers.write`, `orders.write`,
//! `tickets.write`, `payments.process`) and the record within the caller's scope.
//! `POST /files/logo`, `POST /files/quote-template`: the workspace's company logo and its quote
//! template. Permission: `settings.write`.
//!
//! The CSRF token, the spooling and the refusals are `multipart`'s; nothing is stored until
//! every check has passed. A script gets JSON (201 and the file, or the error with its
//! status); a form post from a page (`Accept: text/html`) is sent back to the record's page
//! with the outcome in the address, so uploading works without JavaScript.

use axum::extract::{Multipart, Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use app::error::AppError;
use app::model::{FileHolder, FileSummary, OrderId, Purpose, LOGO_PAGE_HREF};
use app::permissions::keys;
use app::server::files::attachments::{self, FileError, Holder};
use app::server::files::logo;
use app::server::files::templates::quote;
use app::server::web::auth;

use super::multipart::{self, read_file, within_budget, Refusal};
use crate::error_response::error_response;
use crate::state::AppState;

/// What an upload is for, from its address.
enum Target {
    Record(FileHolder, String, Option<OrderId>),
    Logo,
    QuoteTemplate,
}

impl Target {
    /// Where a form upload returns, and what follows the outcome in the address: which card
    /// it came from, and its anchor.
    fn way_back(&self) -> (String, String) {
        match self {
            Self::Record(holder, record, order) => (
                holder.page_href(record, order.as_ref().map(OrderId::as_str)),
                format!("&on={record}#{}", FileHolder::card_id(record)),
            ),
            Self::Logo => (LOGO_PAGE_HREF.to_owned(), "&on=logo#attachments".to_owned()),
            Self::QuoteTemplate => (
                LOGO_PAGE_HREF.to_owned(),
                "&on=quote-template#quote-template".to_owned(),
            ),
        }
    }
}

/// The page a payment's proof was sent from: its order's (`?order=`). Only ever a path on this
/// site, built from an id checked for shape, so it cannot send anyone elsewhere.
#[derive(serde::Deserialize)]
pub struct From {
    order: Option<String>,
}

/// `POST /files/{holder}/{record}`.
pub async fn upload(
    State(state): State<AppState>,
    Path((holder, record)): Path<(String, String)>,
    Query(from): Query<From>,
    req: Request,
) -> Response {
    let Some(holder) = FileHolder::from_segment(&holder) else {
        return error_response(StatusCode::NOT_FOUND, &AppError::NotFound);
    };
    let order = from.order.and_then(|o| OrderId::from_client(&o).ok());
    answer(&state, Target::Record(holder, record, order), req).await
}

/// `POST /files/logo`: the workspace's company logo. Permission: `settings.write`.
pub async fn logo(State(state): State<AppState>, req: Request) -> Response {
    answer(&state, Target::Logo, req).await
}

/// `POST /files/quote-template`: the DOCX quotes are filled into. Permission: `settings.write`.
pub async fn quote_template(State(state): State<AppState>, req: Request) -> Response {
    answer(&state, Target::QuoteTemplate, req).await
}

async fn answer(state: &AppState, target: Target, req: Request) -> Response {
    let from_page = multipart::from_page(req.headers());
    let outcome = accept(state, &target, req).await;
    let (page, tail) = target.way_back();
    match (outcome, from_page) {
        (Ok(summary), false) => (StatusCode::CREATED, axum::Json(summary)).into_response(),
        (Err(refusal), false) => refusal.into_json(),
        (Ok(_), true) => Redirect::to(&format!("{page}?file=added{tail}")).into_response(),
        (Err(refusal), true) => multipart::back_to(&page, "file_error", refusal.problem, &tail),
    }
}

async fn accept(state: &AppState, target: &Target, req: Request) -> Result<FileSummary, Refusal> {
    let (scope, multipart) = multipart::open(state, req).await?;
    let work = async {
        match target {
            Target::Record(holder, record, _) => {
                app::for_holder!(*holder, H => receive::<H>(state, record, multipart).await)
            }
            Target::Logo => receive_single(state, multipart, Purpose::WorkspaceLogo).await,
            Target::QuoteTemplate => receive_single(state, multipart, Purpose::QuoteTemplate).await,
        }
    };
    crate::request_scope::run(state, scope, work).await
}

fn stored(
    attached: Result<FileSummary, FileError>,
    uploader: &str,
) -> Result<FileSummary, Refusal> {
    match attached {
        Ok(mut summary) => {
            summary.uploaded_by_name = uploader.to_owned();
            Ok(summary)
        }
        Err(FileError::Refused { problem, message }) => Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            AppError::validation("file", message),
            problem,
        )),
        Err(e) => Err(Refusal::from_app(e.into())),
    }
}

/// The logo or the quote template: a file the workspace holds one of.
async fn receive_single(
    state: &AppState,
    mut multipart: Multipart,
    purpose: Purpose,
) -> Result<FileSummary, Refusal> {
    let ctx = &state.ctx;
    let (user, grant) = auth::require::<keys::SettingsWrite>(ctx)
        .await
        .map_err(Refusal::from_app)?;
    within_budget(state, &user.id)?;
    let (name, spooled) = read_file(state, &mut multipart, purpose.max_bytes()).await?;
    let (db, clock, storage) = (&ctx.db, &ctx.clock, &ctx.storage);
    let set = if purpose == Purpose::QuoteTemplate {
        quote::set(db, clock, storage, &grant, &name, spooled).await
    } else {
        logo::set(db, clock, storage, &grant, &name, spooled).await
    };
    stored(set, &user.name)
}

async fn receive<H: Holder>(
    state: &AppState,
    record: &str,
    mut multipart: Multipart,
) -> Result<FileSummary, Refusal> {
    let ctx = &state.ctx;
    let (user, grant) = auth::require::<H::Write>(ctx)
        .await
        .map_err(Refusal::from_app)?;
    within_budget(state, &user.id)?;
    let (name, spooled) = read_file(state, &mut multipart, H::PURPOSE.max_bytes()).await?;
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
