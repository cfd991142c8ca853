//! `files/*` endpoints: the files attached to a record, and removing one. Uploads and downloads
//! stream, so they are the server binary's own routes (`POST /files/{holder}/{id}`,
//! `GET /files/{id}`); these list and remove. Each names its key; reach is the record's.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{FileHolder, FileSummary, QuoteTemplateInfo};

/// `POST /api/files/list` — the files on a record the caller reaches (else 404), newest first.
/// `holder` is `customer`, `order`, `ticket` or `payment`. Permission: the holder's read key —
/// `customers.read`, `orders.read`, `tickets.read`, `payments.read` (proof of payment shows
/// what a masked reference hides).
#[server(endpoint = "files/list", client = crate::csrf_page::ApiClient)]
pub async fn record_files(
    holder: FileHolder,
    record: String,
) -> Result<Vec<FileSummary>, AppError> {
    use crate::server::files::attachments::{self, Holder};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    crate::for_holder!(holder, H => {
        let (_, grant) = auth::require::<<H as Holder>::Read>(&ctx).await?;
        let record = H::record_id(&record)?;
        Ok(attachments::list::<H>(&ctx.db, &grant, &record).await?)
    })
}

/// `POST /api/files/remove` — removes a file from a record the caller reaches (else 404), and
/// its stored bytes; the file must be that record's (else 404). Permission: the holder's write
/// key — `customers.write`, `orders.write`, `tickets.write`, `payments.process`,
/// `documents.write`. The record's history names the file removed.
#[server(endpoint = "files/remove", client = crate::csrf_page::ApiClient)]
pub async fn remove_file(holder: FileHolder, record: String, file: String) -> Result<(), AppError> {
    use crate::server::files::attachments::{self, Holder};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    crate::for_holder!(holder, H => {
        let (_, grant) = auth::require::<<H as Holder>::Write>(&ctx).await?;
        let record = H::record_id(&record)?;
        let file = crate::model::FileId::from_client(&file)?;
        attachments::remove::<H>(&ctx.db, &ctx.clock, &ctx.storage, &grant, &record, &file)
            .await
            .map_err(AppError::from)
    })
}

/// `POST /api/files/remove_logo` — removes the workspace's company logo, row and bytes.
/// Permission: `settings.write`.
#[server(endpoint = "files/remove_logo", client = crate::csrf_page::ApiClient)]
pub async fn remove_logo() -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::files::logo;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    logo::remove(&ctx.db, &ctx.storage, &grant)
        .await
        .map_err(AppError::from)
}

/// `POST /api/files/quote_template` — the workspace's quote template, if any, and the
/// placeholders a template may name. Permission: `settings.write`.
#[server(endpoint = "files/quote_template", client = crate::csrf_page::ApiClient)]
pub async fn quote_template() -> Result<QuoteTemplateInfo, AppError> {
    use crate::permissions::keys;
    use crate::server::files::templates::quote;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    Ok(QuoteTemplateInfo {
        current: quote::current(&ctx.db, &grant).await?,
        placeholders: quote::catalogue(),
    })
}

/// `POST /api/files/remove_quote_template` — removes the quote template, row and bytes; quotes
/// no longer offer "Download as DOCX". Permission: `settings.write`.
#[server(endpoint = "files/remove_quote_template", client = crate::csrf_page::ApiClient)]
pub async fn remove_quote_template() -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::files::templates::quote;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::SettingsWrite>(&ctx).await?;
    quote::remove(&ctx.db, &ctx.storage, &grant)
        .await
        .map_err(AppError::from)
}
