//! The `imports/*` server functions and the import routes, for every importable list: each
//! resolves the caller once, requires the list's importer's key (stated in its declaration)
//! and hands the grant to the domain. A list is one of [`ImportList`]; anything else is 404.

use crate::error::AppError;
use crate::model::{ImportId, ImportList, ImportPlan, ImportView, OnDuplicate};
use crate::server::files::spool::Spooled;
use crate::server::records::customers::import::CustomerImport;
use crate::server::records::products::import::ProductImport;
use crate::server::web::auth;
use crate::server::web::context::{server_context, ServerContext};

use super::kit::Importer;

/// Runs `$body` with `$I` bound to the importer of `$list`.
macro_rules! for_list {
    ($list:expr, $I:ident => $body:expr) => {
        match $list {
            ImportList::Customers => {
                type $I = CustomerImport;
                $body
            }
            ImportList::Products => {
                type $I = ProductImport;
                $body
            }
        }
    };
}

fn list(raw: &str) -> Result<ImportList, AppError> {
    ImportList::from_key(raw).ok_or(AppError::NotFound)
}

async fn view_of<I: Importer>(ctx: &ServerContext, id: &ImportId) -> Result<ImportView, AppError> {
    let (_, grant) = auth::require::<I::Key>(ctx).await?;
    Ok(super::view::<I>(&ctx.db, &grant, id).await?)
}

pub async fn view(list_key: &str, id: &str) -> Result<ImportView, AppError> {
    let ctx = server_context()?;
    let id = ImportId::from_client(id)?;
    for_list!(list(list_key)?, I => view_of::<I>(&ctx, &id).await)
}

async fn start_of<I: Importer>(
    ctx: &ServerContext,
    id: &ImportId,
    plan: ImportPlan,
) -> Result<(), AppError> {
    let (_, grant) = auth::require::<I::Key>(ctx).await?;
    let update = match plan.on_duplicate {
        OnDuplicate::Update => Some(auth::require::<I::UpdateKey>(ctx).await?.1),
        OnDuplicate::Refuse => None,
    };
    super::start::<I>(&ctx.db, &ctx.clock, &ctx.storage, grant, update, id, plan).await?;
    Ok(())
}

pub async fn start(list_key: &str, id: &str, plan: ImportPlan) -> Result<(), AppError> {
    let ctx = server_context()?;
    let id = ImportId::from_client(id)?;
    for_list!(list(list_key)?, I => start_of::<I>(&ctx, &id, plan).await)
}

async fn cancel_of<I: Importer>(ctx: &ServerContext, id: &ImportId) -> Result<(), AppError> {
    let (_, grant) = auth::require::<I::Key>(ctx).await?;
    Ok(super::cancel::<I>(&ctx.db, &grant, id).await?)
}

pub async fn cancel(list_key: &str, id: &str) -> Result<(), AppError> {
    let ctx = server_context()?;
    let id = ImportId::from_client(id)?;
    for_list!(list(list_key)?, I => cancel_of::<I>(&ctx, &id).await)
}

async fn receive_of<I: Importer>(
    ctx: &ServerContext,
    name: &str,
    upload: Spooled,
) -> Result<ImportId, AppError> {
    let (_, grant) = auth::require::<I::Key>(ctx).await?;
    let bulk = grant.bulk()?;
    Ok(super::receive::<I>(&ctx.db, &ctx.clock, &ctx.storage, &bulk, name, upload).await?)
}

/// `POST /import/{list}`: an uploaded file, spooled; answers the new import.
pub async fn receive(list: ImportList, name: &str, upload: Spooled) -> Result<ImportId, AppError> {
    let ctx = server_context()?;
    for_list!(list, I => receive_of::<I>(&ctx, name, upload).await)
}

async fn may_import_of<I: Importer>(ctx: &ServerContext) -> Result<(), AppError> {
    let (_, grant) = auth::require::<I::Key>(ctx).await?;
    grant.bulk().map(drop)?;
    Ok(())
}

/// May the caller import into `list` at all? Asked before a file is read.
pub async fn may_import(list: ImportList) -> Result<(), AppError> {
    let ctx = server_context()?;
    for_list!(list, I => may_import_of::<I>(&ctx).await)
}

async fn report_of<I: Importer>(
    ctx: &ServerContext,
    id: &ImportId,
) -> Result<(String, Vec<u8>), AppError> {
    let (_, grant) = auth::require::<I::Key>(ctx).await?;
    Ok(super::report::<I>(&ctx.db, &grant, id).await?)
}

/// `GET /import/{list}/{id}/report.csv`: the file's name and the report.
pub async fn report(list_key: &str, id: &str) -> Result<(String, Vec<u8>), AppError> {
    let ctx = server_context()?;
    let id = ImportId::from_client(id)?;
    for_list!(list(list_key)?, I => report_of::<I>(&ctx, &id).await)
}
