//! `library/*` endpoints: the workspace's document library. Each resolves the caller and
//! workspace from the session, requires its permission, and leaves the rules (reach, versions)
//! to `server::records::library`. A document's versions are its files: uploaded at
//! `POST /files/documents/{id}`, downloaded at `GET /files/{id}` like every file.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Document, DocumentDetail, DocumentPage, FilterChoices};

/// `POST /api/library/list` — a page of the documents within the caller's reach, by title;
/// `search` matches titles and tags. Permission: `documents.read`.
/// `filters` sorts the list and narrows it (owner, team, days created), checked by
/// `server::records::listing`.
#[server(endpoint = "library/list", client = crate::csrf_page::ApiClient)]
pub async fn list_documents(
    search: String,
    filters: Option<crate::model::ListFilters>,
    after: Option<String>,
) -> Result<DocumentPage, AppError> {
    use crate::permissions::keys;
    use crate::server::records::listing::ListParams;
    use crate::server::{records::library, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::DocumentsRead>(&ctx).await?;
    let query = ListParams::page(search, filters, after);
    Ok(library::list(&ctx.db, &grant, &query).await?)
}

/// `POST /api/library/get` — one document with its versions, newest first; out of reach
/// answers 404. Permission: `documents.read`.
#[server(endpoint = "library/get", client = crate::csrf_page::ApiClient)]
pub async fn get_document(id: String) -> Result<DocumentDetail, AppError> {
    use crate::permissions::{keys, Permission};
    use crate::server::files::attachments::{self, OnDocument};
    use crate::server::{records::library, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::DocumentsRead>(&ctx).await?;
    let id = crate::model::DocumentId::from_client(&id)?;
    let document = library::get(&ctx.db, &grant, &id).await?;
    let versions = attachments::list::<OnDocument>(&ctx.db, &grant, id.as_str()).await?;
    Ok(DocumentDetail {
        document,
        versions,
        can_write: grant.also_holds(Permission::DocumentsWrite),
        can_delete: grant.also_holds(Permission::DocumentsDelete),
    })
}

/// `POST /api/library/form_options` — the members and teams a document may be given to.
/// Permission: `documents.write`.
#[server(endpoint = "library/form_options", client = crate::csrf_page::ApiClient)]
pub async fn document_form_options() -> Result<FilterChoices, AppError> {
    use crate::permissions::keys;
    use crate::server::records::filter_choices;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::DocumentsWrite>(&ctx).await?;
    Ok(filter_choices::read(&ctx.db, &grant).await?)
}

#[cfg(feature = "ssr")]
fn form(
    title: String,
    description: String,
    tags: String,
    assigned_user_id: String,
    team_id: String,
) -> crate::server::records::library::DocumentForm {
    crate::server::records::library::DocumentForm {
        title,
        description,
        tags,
        assigned_user_id,
        team_id,
    }
}

/// `POST /api/library/create` — adds a document (its first version is uploaded on its page);
/// the owner and team must stay within the caller's reach. Permission: `documents.write`.
#[server(endpoint = "library/create", client = crate::csrf_page::ApiClient)]
pub async fn create_document(
    title: String,
    description: String,
    tags: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<Document, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::library, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::DocumentsWrite>(&ctx).await?;
    let form = form(title, description, tags, assigned_user_id, team_id);
    Ok(library::create(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/library/update` — changes a document's title, description, tags, owner and
/// team if it is still at `version` (else 409 with the current values on the page).
/// Permission: `documents.write`, the document within reach (else 404).
#[server(endpoint = "library/update", client = crate::csrf_page::ApiClient)]
pub async fn update_document(
    id: String,
    version: i64,
    title: String,
    description: String,
    tags: String,
    assigned_user_id: String,
    team_id: String,
) -> Result<Document, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::library, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::DocumentsWrite>(&ctx).await?;
    let id = crate::model::DocumentId::from_client(&id)?;
    let form = form(title, description, tags, assigned_user_id, team_id);
    Ok(library::update(&ctx.db, &ctx.clock, &grant, &id, version, &form).await?)
}

/// `POST /api/library/delete` — deletes a document the caller reaches (else 404) with all
/// its versions. Permission: `documents.delete`.
#[server(endpoint = "library/delete", client = crate::csrf_page::ApiClient)]
pub async fn delete_document(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{records::library, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::DocumentsDelete>(&ctx).await?;
    let id = crate::model::DocumentId::from_client(&id)?;
    Ok(library::delete(&ctx.db, &ctx.clock, &grant, &id).await?)
}
