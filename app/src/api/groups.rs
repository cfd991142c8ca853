//! `teams/*` endpoints: teams and departments, which back the `team` and `department` data
//! scopes. Reading needs `team.read`; every change needs `team.write` and is audited.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Groups;

/// `POST /api/teams/overview` — teams and departments with their members. Permission:
/// `team.read`.
#[server(endpoint = "teams/overview", client = crate::csrf_page::ApiClient)]
pub async fn list_groups() -> Result<Groups, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::teams};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamRead>(&ctx).await?;
    Ok(teams::groups(&ctx.db, &grant).await?)
}

/// `POST /api/teams/create_team` — a new team. Permission: `team.write`.
#[server(endpoint = "teams/create_team", client = crate::csrf_page::ApiClient)]
pub async fn create_team(name: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::teams};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    teams::create(&ctx.db, &ctx.clock, &grant, &name).await?;
    Ok(())
}

/// `POST /api/teams/delete_team` — deletes a team; its customers keep their assignee.
/// Permission: `team.write`.
#[server(endpoint = "teams/delete_team", client = crate::csrf_page::ApiClient)]
pub async fn delete_team(team_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::teams};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let team = crate::model::TeamId::from_client(&team_id)?;
    Ok(teams::delete(&ctx.db, &ctx.clock, &grant, &team).await?)
}

/// `POST /api/teams/add_member` — puts an active member in a team. Permission: `team.write`.
#[server(endpoint = "teams/add_member", client = crate::csrf_page::ApiClient)]
pub async fn add_team_member(team_id: String, user_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::teams};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let team = crate::model::TeamId::from_client(&team_id)?;
    let user = crate::model::UserId::from_client(user_id)?;
    Ok(teams::add_member(&ctx.db, &ctx.clock, &grant, &team, &user).await?)
}

/// `POST /api/teams/remove_member` — takes a member out of a team. Permission: `team.write`.
#[server(endpoint = "teams/remove_member", client = crate::csrf_page::ApiClient)]
pub async fn remove_team_member(team_id: String, user_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::teams};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let team = crate::model::TeamId::from_client(&team_id)?;
    let user = crate::model::UserId::from_client(user_id)?;
    Ok(teams::remove_member(&ctx.db, &ctx.clock, &grant, &team, &user).await?)
}

/// `POST /api/teams/create_department` — a new department. Permission: `team.write`.
#[server(endpoint = "teams/create_department", client = crate::csrf_page::ApiClient)]
pub async fn create_department(name: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::departments};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    departments::create(&ctx.db, &ctx.clock, &grant, &name).await?;
    Ok(())
}

/// `POST /api/teams/delete_department` — deletes a department; its members are left without
/// one. Permission: `team.write`.
#[server(endpoint = "teams/delete_department", client = crate::csrf_page::ApiClient)]
pub async fn delete_department(department_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::departments};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let department = crate::model::DepartmentId::from_client(&department_id)?;
    Ok(departments::delete(&ctx.db, &ctx.clock, &grant, &department).await?)
}

/// `POST /api/teams/set_department` — puts a member in a department (empty: none).
/// Permission: `team.write`.
#[server(endpoint = "teams/set_department", client = crate::csrf_page::ApiClient)]
pub async fn set_department(user_id: String, department_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::departments};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let user = crate::model::UserId::from_client(user_id)?;
    // A department comes from a choice in the form: a malformed one is named on its field.
    let department = match department_id.trim() {
        "" => None,
        raw => Some(crate::model::DepartmentId::from_client(raw).map_err(|_| {
            AppError::validation("department_id", "Choose a department of this workspace.")
        })?),
    };
    Ok(
        departments::set_for_member(&ctx.db, &ctx.clock, &grant, &user, department.as_ref())
            .await?,
    )
}
