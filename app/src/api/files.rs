//! `files/*` endpoints: the files attached to a customer or an order, and removing one. Uploads
//! and downloads stream, so they are the server binary's own routes (`POST /files/{holder}/{id}`,
//! `GET /files/{id}`); these list and remove. Each names its key; reach is the record's.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::FileSummary;

/// `POST /api/files/customer_list` — the files on a customer the caller reaches (else 404),
/// newest first. Permission: `customers.read`.
#[server(endpoint = "files/customer_list", client = crate::csrf_page::ApiClient)]
pub async fn customer_files(record: String) -> Result<Vec<FileSummary>, AppError> {
    use crate::permissions::keys;
    use crate::server::files::attachments::{self, OnCustomer};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersRead>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&record)?;
    Ok(attachments::list::<OnCustomer>(&ctx.db, &grant, id.as_str()).await?)
}

/// `POST /api/files/order_list` — the files on an order the caller reaches (else 404), newest
/// first. Permission: `orders.read`.
#[server(endpoint = "files/order_list", client = crate::csrf_page::ApiClient)]
pub async fn order_files(record: String) -> Result<Vec<FileSummary>, AppError> {
    use crate::permissions::keys;
    use crate::server::files::attachments::{self, OnOrder};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRead>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&record)?;
    Ok(attachments::list::<OnOrder>(&ctx.db, &grant, id.as_str()).await?)
}

/// `POST /api/files/customer_remove` — removes a file from a customer the caller reaches (else
/// 404), and its stored bytes. Permission: `customers.write`.
#[server(endpoint = "files/customer_remove", client = crate::csrf_page::ApiClient)]
pub async fn remove_customer_file(record: String, file: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::files::attachments::{self, OnCustomer};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::CustomersWrite>(&ctx).await?;
    let id = crate::model::CustomerId::from_client(&record)?;
    let file = crate::model::FileId::from_client(&file)?;
    attachments::remove::<OnCustomer>(&ctx.db, &ctx.storage, &grant, id.as_str(), &file)
        .await
        .map_err(map_error)
}

/// `POST /api/files/order_remove` — removes a file from an order the caller reaches (else 404),
/// and its stored bytes. Permission: `orders.write`.
#[server(endpoint = "files/order_remove", client = crate::csrf_page::ApiClient)]
pub async fn remove_order_file(record: String, file: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::files::attachments::{self, OnOrder};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersWrite>(&ctx).await?;
    let id = crate::model::OrderId::from_client(&record)?;
    let file = crate::model::FileId::from_client(&file)?;
    attachments::remove::<OnOrder>(&ctx.db, &ctx.storage, &grant, id.as_str(), &file)
        .await
        .map_err(map_error)
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
        .map_err(map_error)
}

#[cfg(feature = "ssr")]
fn map_error(e: crate::server::files::attachments::FileError) -> AppError {
    use crate::server::files::attachments::FileError;
    match e {
        FileError::Refused { message, .. } => AppError::validation("file", message),
        FileError::Domain(e) => e.into(),
        FileError::Storage(e) => AppError::internal(e),
    }
}
