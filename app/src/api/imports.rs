//! `imports/*` endpoints: one of the caller's CSV imports, starting it with a mapping, and
//! cancelling it. The upload (`POST /import/{list}`) and the report
//! (`GET /import/{id}/report.csv`) are the server binary's own routes. The key is the list's
//! importer's (`customers.import`, `products.write`), named once in its declaration; a role
//! must also allow bulk work, and only the uploader reaches an import.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ImportPlan, ImportView};

/// `POST /api/imports/get` — one of the caller's imports into `list` (`customers`,
/// `products`): its columns and first rows, the fields with a guessed column each, and how far
/// its run got. Permission: the list's import key; another person's import answers 404.
#[server(endpoint = "imports/get", client = crate::csrf_page::ApiClient)]
pub async fn get_import(list: String, id: String) -> Result<ImportView, AppError> {
    use crate::server::imports::endpoints;
    endpoints::view(&list, &id).await
}

/// `POST /api/imports/start` — starts a mapped import in the background: `plan` names the
/// column of each field, whether a refused row stops the import (`import_nothing`) or only
/// itself (`import_valid`), whether a duplicate is refused or `update`s its record (then the
/// list's write key too), and the team new records join. Permission: the list's import key
/// and a role that allows bulk work.
#[server(
    endpoint = "imports/start",
    client = crate::csrf_page::ApiClient,
    input = server_fn::codec::Json
)]
pub async fn start_import(list: String, id: String, plan: ImportPlan) -> Result<(), AppError> {
    use crate::server::imports::endpoints;
    endpoints::start(&list, &id, plan).await
}

/// `POST /api/imports/cancel` — asks one of the caller's running imports to stop at its next
/// batch. Permission: the list's import key.
#[server(endpoint = "imports/cancel", client = crate::csrf_page::ApiClient)]
pub async fn cancel_import(list: String, id: String) -> Result<(), AppError> {
    use crate::server::imports::endpoints;
    endpoints::cancel(&list, &id).await
}
