//! `exports/*` endpoints: a list exported in the background, its progress and its cancel. The
//! file itself (`GET /export/{list}/{id}/file`) and the streamed export
//! (`GET /export/{list}.csv`) are the server binary's own routes. The keys are the list's
//! exporter's — its read key and the key its `ExportList` entry names — and a role must allow
//! exports; only the person who started an export reaches it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ExportId, ExportView};

/// `POST /api/exports/start` — starts exporting `list` (`customers`, `products`, `quotes`,
/// `orders`, `licences`, `tickets`, `documents`) in the background, with the filters of the
/// list page's address in `query` (`status=open&q=acme`); answers the export's id. Permission:
/// the list's read and export keys and a role that allows exports; an unknown or repeated
/// parameter is 400, a refused value 422 on its field.
#[server(endpoint = "exports/start", client = crate::csrf_page::ApiClient)]
pub async fn start_export(list: String, query: String) -> Result<ExportId, AppError> {
    use crate::server::exports::endpoints;
    endpoints::start(&list, &query).await
}

/// `POST /api/exports/get` — one of the caller's background exports of `list`: its progress,
/// or how it ended. Permission: the key the list's entry names; another person's export
/// answers 404.
#[server(endpoint = "exports/get", client = crate::csrf_page::ApiClient)]
pub async fn get_export(list: String, id: String) -> Result<ExportView, AppError> {
    use crate::server::exports::endpoints;
    endpoints::view(&list, &id).await
}

/// `POST /api/exports/cancel` — asks one of the caller's running exports to stop at its next
/// batch; no file is kept. Permission: the key the list's entry names.
#[server(endpoint = "exports/cancel", client = crate::csrf_page::ApiClient)]
pub async fn cancel_export(list: String, id: String) -> Result<(), AppError> {
    use crate::server::exports::endpoints;
    endpoints::cancel(&list, &id).await
}
