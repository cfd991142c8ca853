//! `roles/*` endpoints: creating and editing roles. The guardrails live in
//! `server::role_editor`; these only authenticate, require `roles.write` and translate the form.

use leptos::prelude::*;

use crate::error::AppError;

/// A role as the editor submits it: keys as a list, scopes as `resource:scope` pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoleInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub allow_export: bool,
    #[serde(default)]
    pub allow_bulk: bool,
    #[serde(default)]
    pub max_records: String,
    #[serde(default)]
    pub parent_role_id: String,
}

#[cfg(feature = "ssr")]
impl RoleInput {
    fn draft(self) -> Result<crate::server::access::role_editor::RoleDraft, AppError> {
        let scopes = self
            .scopes
            .iter()
            .map(|pair| {
                pair.split_once(':')
                    .map(|(r, s)| (r.to_owned(), s.to_owned()))
                    .ok_or_else(|| {
                        AppError::validation("scopes", "Give each scope as resource:scope.")
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(crate::server::access::role_editor::RoleDraft {
            name: self.name,
            description: self.description,
            permissions: self.permissions,
            scopes,
            allow_export: self.allow_export,
            allow_bulk: self.allow_bulk,
            max_records: self.max_records,
            parent_role_id: self.parent_role_id,
        })
    }
}

/// `POST /api/roles/create` — a new custom role; returns its id. Permission: `roles.write`,
/// and holding everything it grants (Owners excepted).
#[server(endpoint = "roles/create", client = crate::csrf_page::ApiClient, input = server_fn::codec::Json)]
pub async fn create_role(role: RoleInput) -> Result<String, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::role_editor, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesWrite>(&ctx).await?;
    let id = role_editor::create(&ctx.db, &ctx.clock, &grant, &role.draft()?).await?;
    Ok(id.as_str().to_owned())
}

/// `POST /api/roles/preview` — what saving `role` over role `id` (an empty `id`: as a new
/// role) would change, as "grants …, revokes … — affects N users", after the checks saving
/// makes. Permission: `roles.write`.
#[server(endpoint = "roles/preview", client = crate::csrf_page::ApiClient, input = server_fn::codec::Json)]
pub async fn preview_role(id: String, role: RoleInput) -> Result<String, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::role_editor, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesWrite>(&ctx).await?;
    let diff = role_editor::preview(
        &ctx.db,
        &ctx.clock,
        &grant,
        Some(id)
            .filter(|i| !i.is_empty())
            .map(crate::model::RoleId::from_client)
            .transpose()?
            .as_ref(),
        &role.draft()?,
    )
    .await?;
    Ok(diff.describe())
}

/// `POST /api/roles/update` — saves `role` over role `id` and returns the change described.
/// Permission: `roles.write`; not the Owner role, not a role the caller holds, nothing the
/// caller does not hold.
#[server(endpoint = "roles/update", client = crate::csrf_page::ApiClient, input = server_fn::codec::Json)]
pub async fn update_role(id: String, role: RoleInput) -> Result<String, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::role_editor, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesWrite>(&ctx).await?;
    let diff = role_editor::update(
        &ctx.db,
        &ctx.clock,
        &grant,
        &crate::model::RoleId::from_client(id)?,
        &role.draft()?,
    )
    .await?;
    Ok(diff.describe())
}

/// `POST /api/roles/explain` — a member's keys and scopes with their sources; a member of
/// another workspace answers 404. Permission: `roles.read`.
#[server(endpoint = "roles/explain", client = crate::csrf_page::ApiClient)]
pub async fn explain_access(user_id: String) -> Result<crate::model::Explanation, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::explain, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesRead>(&ctx).await?;
    Ok(explain::explain(
        &ctx.db,
        &ctx.clock,
        &grant,
        &crate::model::UserId::from_client(user_id)?,
    )
    .await?)
}

/// `POST /api/roles/why` — would the member pass a check of `permission` (on customer
/// `record`, if given)? Permission: `roles.read` (and `customers.read` for a record).
#[server(endpoint = "roles/why", client = crate::csrf_page::ApiClient)]
pub async fn why_access(
    user_id: String,
    permission: String,
    record: String,
) -> Result<crate::model::Verdict, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::explain, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesRead>(&ctx).await?;
    let record = Some(record.as_str()).filter(|r| !r.trim().is_empty());
    Ok(explain::why(
        &ctx.db,
        &ctx.clock,
        &grant,
        &crate::model::UserId::from_client(user_id)?,
        &permission,
        record,
    )
    .await?)
}

/// `POST /api/roles/list` — every role of the workspace with its own contents and how many
/// people hold it. Permission: `roles.read`.
#[server(endpoint = "roles/list", client = crate::csrf_page::ApiClient)]
pub async fn list_roles() -> Result<Vec<crate::model::RoleView>, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::roles, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesRead>(&ctx).await?;
    Ok(roles::list(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/roles/delete` — deletes custom role `id`; its holders and open invitations move
/// to `reassign_to` (required when there are any). Permission: `roles.write`; not a base role,
/// not a role the caller holds, not a move that would escalate or break segregation of duties.
#[server(endpoint = "roles/delete", client = crate::csrf_page::ApiClient)]
pub async fn delete_role(id: String, reassign_to: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{access::role_deletion, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesWrite>(&ctx).await?;
    Ok(role_deletion::delete(
        &ctx.db,
        &ctx.clock,
        &grant,
        &crate::model::RoleId::from_client(id)?,
        Some(reassign_to.as_str()),
    )
    .await?)
}

/// `POST /api/roles/sod_rules` — the pairs of permissions this workspace keeps apart.
/// Permission: `roles.read`.
#[server(endpoint = "roles/sod_rules", client = crate::csrf_page::ApiClient)]
pub async fn list_sod_rules() -> Result<Vec<(String, String)>, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::sod, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesRead>(&ctx).await?;
    Ok(sod::list(&ctx.db, &grant).await?)
}

/// `POST /api/roles/add_sod_rule` — keeps two permissions apart from now on; refused while
/// someone holds both. Permission: `roles.write`.
#[server(endpoint = "roles/add_sod_rule", client = crate::csrf_page::ApiClient)]
pub async fn add_sod_rule(permission_a: String, permission_b: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{access::sod, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesWrite>(&ctx).await?;
    Ok(sod::add(&ctx.db, &ctx.clock, &grant, &permission_a, &permission_b).await?)
}

/// `POST /api/roles/remove_sod_rule` — stops keeping two permissions apart.
/// Permission: `roles.write`.
#[server(endpoint = "roles/remove_sod_rule", client = crate::csrf_page::ApiClient)]
pub async fn remove_sod_rule(permission_a: String, permission_b: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{access::sod, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::RolesWrite>(&ctx).await?;
    Ok(sod::remove(&ctx.db, &ctx.clock, &grant, &permission_a, &permission_b).await?)
}
