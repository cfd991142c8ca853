//! The `exports/*` server functions and the background export's file route, for every
//! exportable list: each resolves the caller once, requires the key the list's entry names
//! (its exporter's declaration states it once) and hands the grant to the domain; starting an
//! export and downloading its file also need a role that allows exports. A list is
//! one of [`ExportList::ALL`]; anything else is 404, and so is another person's export.

use crate::error::AppError;
use crate::model::{ExportId, ExportList, ExportView};
use crate::server::web::auth;
use crate::server::web::context::{server_context, ServerContext};

use super::kit::{Address, Exporter};
use super::stream::{self, Request};
use super::{background, customers, library, licences, orders, products, quotes, runs, tickets};
use crate::server::workspace::export::WorkspaceExport;

/// Runs `$body` with `$E` bound to the exporter of `$list`.
macro_rules! for_list {
    ($list:expr, $E:ident => $body:expr) => {
        match $list.name {
            "customers" => {
                type $E = customers::Customers;
                $body
            }
            "products" => {
                type $E = products::Products;
                $body
            }
            "quotes" => {
                type $E = quotes::Quotes;
                $body
            }
            "orders" => {
                type $E = orders::Orders;
                $body
            }
            "licences" => {
                type $E = licences::Licences;
                $body
            }
            "tickets" => {
                type $E = tickets::Tickets;
                $body
            }
            "documents" => {
                type $E = library::Documents;
                $body
            }
            _ => Err(AppError::NotFound),
        }
    };
}

fn list(raw: &str) -> Result<ExportList, AppError> {
    ExportList::named(raw).ok_or(AppError::NotFound)
}

async fn start_of<E: Exporter>(ctx: &ServerContext, query: &str) -> Result<ExportId, AppError> {
    let (_, read) = auth::require::<E::Read>(ctx).await?;
    let (_, export) = auth::require::<E::Export>(ctx).await?;
    let pairs = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let address = Address::parse(pairs, E::OWN).ok_or_else(|| AppError::BadRequest {
        message: "unknown or repeated export parameter".into(),
    })?;
    let ip = auth::client_ip();
    let asked = Request::<E> {
        read,
        export,
        address: &address,
        raw: query,
        ip: ip.as_deref(),
        background: true,
    };
    Ok(background::start::<E>(&ctx.db, &ctx.clock, &ctx.storage, asked).await?)
}

/// Starts a background export of `list` with the list page's address (`status=open&q=…`).
pub async fn start(list_name: &str, query: &str) -> Result<ExportId, AppError> {
    let ctx = server_context()?;
    for_list!(list(list_name)?, E => start_of::<E>(&ctx, query).await)
}

async fn found_of<E: Exporter>(
    ctx: &ServerContext,
    id: &ExportId,
) -> Result<runs::Stored, AppError> {
    let (_, export) = auth::require::<E::Export>(ctx).await?;
    Ok(runs::find(&ctx.db, &export, E::LIST, id, ctx.clock.now_ms()).await?)
}

/// One of the caller's background exports of `list`.
pub async fn view(list_name: &str, id: &str) -> Result<ExportView, AppError> {
    let ctx = server_context()?;
    let id = ExportId::from_client(id)?;
    for_list!(list(list_name)?, E => found_of::<E>(&ctx, &id).await.map(|s| s.view))
}

async fn cancel_of<E: Exporter>(ctx: &ServerContext, id: &ExportId) -> Result<(), AppError> {
    let (_, export) = auth::require::<E::Export>(ctx).await?;
    runs::cancel(&ctx.db, &export, E::LIST, id).await?;
    background::stop_here(id);
    Ok(())
}

/// Asks one of the caller's running exports of `list` to stop.
pub async fn cancel(list_name: &str, id: &str) -> Result<(), AppError> {
    let ctx = server_context()?;
    let id = ExportId::from_client(id)?;
    for_list!(list(list_name)?, E => cancel_of::<E>(&ctx, &id).await)
}

async fn file_of<E: Exporter>(
    ctx: &ServerContext,
    id: &ExportId,
) -> Result<runs::Stored, AppError> {
    let (_, export) = auth::require::<E::Export>(ctx).await?;
    let proof = export.export()?;
    Ok(runs::find(&ctx.db, proof.grant(), E::LIST, id, ctx.clock.now_ms()).await?)
}

/// A finished background export's stored file, for its download: the role must still allow
/// exports. A run that has not finished, or whose file was tidied away, is 404.
pub async fn file(list_name: &str, id: &str) -> Result<runs::Stored, AppError> {
    let ctx = server_context()?;
    let id = ExportId::from_client(id)?;
    let stored = for_list!(list(list_name)?, E => file_of::<E>(&ctx, &id).await)?;
    match stored.object_name {
        Some(_) => Ok(stored),
        None => Err(AppError::NotFound),
    }
}

async fn list_into<E: Exporter>(
    ctx: &ServerContext,
    archive: &mut WorkspaceExport,
) -> Result<(), AppError> {
    let (_, read) = auth::require::<E::Read>(ctx).await?;
    let (_, export) = auth::require::<E::Export>(ctx).await?;
    let address = Address::parse(Vec::new(), E::OWN).ok_or(AppError::NotFound)?;
    let ip = auth::client_ip();
    let asked = Request::<E> {
        read,
        export,
        address: &address,
        raw: "",
        ip: ip.as_deref(),
        background: false,
    };
    let walk = stream::start::<E>(&ctx.db, &ctx.clock, asked).await?;
    Ok(archive.add_list(walk).await?)
}

/// Writes every exportable list, whole, into a workspace's archive: each under the caller's
/// own keys, scope and export restriction, and recorded as that list's export.
pub async fn into_archive(
    ctx: &ServerContext,
    archive: &mut WorkspaceExport,
) -> Result<(), AppError> {
    for list in ExportList::ALL {
        for_list!(list, E => list_into::<E>(ctx, archive).await)?;
    }
    Ok(())
}
