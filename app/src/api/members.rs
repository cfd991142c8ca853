//! `team/*` endpoints: the active workspace's members and invitations. Each one names the
//! permission it needs; the workspace always comes from the caller's session.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Member, PendingInvitation, RoleOption};

/// `POST /api/team/members` — the workspace's members with when each last signed in; with
/// `inactive` (days, 1 to 3650, else 422 on `inactive`), only the active ones who have not
/// signed in for that long: the inactive members' report. Permission: `team.read`.
#[server(endpoint = "team/members", client = crate::csrf_page::ApiClient)]
pub async fn list_members(inactive: Option<String>) -> Result<Vec<Member>, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::members};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamRead>(&ctx).await?;
    let inactive = members::inactive_days(inactive.as_deref().unwrap_or_default())?;
    Ok(members::list(&ctx.db, &ctx.clock, &grant, inactive).await?)
}

/// `POST /api/team/invitations` — open invitations. Permission: `team.read`.
#[server(endpoint = "team/invitations", client = crate::csrf_page::ApiClient)]
pub async fn list_invitations() -> Result<Vec<PendingInvitation>, AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::invitations};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamRead>(&ctx).await?;
    Ok(invitations::list_pending(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/team/roles` — the roles an invitation can carry. Permission: `team.read`.
#[server(endpoint = "team/roles", client = crate::csrf_page::ApiClient)]
pub async fn list_roles() -> Result<Vec<RoleOption>, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::roles, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamRead>(&ctx).await?;
    Ok(roles::options(&ctx.db, &grant).await?)
}

/// `POST /api/team/invite` — invites an address with a role and mails the link.
/// Permission: `team.write`, and the caller's own address confirmed.
#[server(endpoint = "team/invite", client = crate::csrf_page::ApiClient)]
pub async fn invite(email: String, role_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::invitations};
    let ctx = server_context()?;
    let (user, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let input = invitations::Invite { email, role_id };
    let sent = invitations::invite(&ctx.db, &ctx.clock, &grant, user.email_verified, input).await?;
    mail_invitation(&ctx, &user.name, &sent).await
}

/// `POST /api/team/resend_invitation` — a new link and a new week for an open invitation; the
/// old link stops working. Permission: `team.write`.
#[server(endpoint = "team/resend_invitation", client = crate::csrf_page::ApiClient)]
pub async fn resend_invitation(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::invitations};
    let ctx = server_context()?;
    let (user, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let sent = invitations::resend(
        &ctx.db,
        &ctx.clock,
        &grant,
        &crate::model::InvitationId::from_client(&id)?,
    )
    .await?;
    mail_invitation(&ctx, &user.name, &sent).await
}

/// `POST /api/team/revoke_invitation` — withdraws an open invitation. Permission: `team.write`.
#[server(endpoint = "team/revoke_invitation", client = crate::csrf_page::ApiClient)]
pub async fn revoke_invitation(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::invitations};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    Ok(invitations::revoke(
        &ctx.db,
        &ctx.clock,
        &grant,
        &crate::model::InvitationId::from_client(&id)?,
    )
    .await?)
}

/// `POST /api/team/deactivate` — the member can no longer sign in to this workspace and their
/// sessions in it end now. Not oneself, not the last Owner; Owners only by Owners.
/// Permission: `team.write`.
#[server(endpoint = "team/deactivate", client = crate::csrf_page::ApiClient)]
pub async fn deactivate_member(user_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::members};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let member = crate::model::UserId::from_client(user_id)?;
    Ok(members::deactivate(&ctx.db, &ctx.clock, &grant, &member).await?)
}

/// `POST /api/team/reactivate` — lets a deactivated member sign in again.
/// Permission: `team.write`.
#[server(endpoint = "team/reactivate", client = crate::csrf_page::ApiClient)]
pub async fn reactivate_member(user_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::members};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let member = crate::model::UserId::from_client(user_id)?;
    Ok(members::reactivate(&ctx.db, &ctx.clock, &grant, &member).await?)
}

/// `POST /api/team/end_sessions` — signs the member out of this workspace everywhere.
/// Permission: `team.write`.
#[server(endpoint = "team/end_sessions", client = crate::csrf_page::ApiClient)]
pub async fn end_member_sessions(user_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::members};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let member = crate::model::UserId::from_client(user_id)?;
    members::end_sessions(&ctx.db, &ctx.clock, &grant, &member).await?;
    Ok(())
}

/// `POST /api/team/unlock` — lifts a lockout after repeated failed sign-ins before it runs
/// out. Permission: `team.write`.
#[server(endpoint = "team/unlock", client = crate::csrf_page::ApiClient)]
pub async fn unlock_member(user_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{web::auth, web::context::server_context, workspace::members};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let member = crate::model::UserId::from_client(user_id)?;
    Ok(members::unlock(&ctx.db, &ctx.clock, &grant, &member).await?)
}

#[cfg(feature = "ssr")]
async fn mail_invitation(
    ctx: &crate::server::web::context::ServerContext,
    inviter: &str,
    sent: &crate::server::workspace::invitations::Sent,
) -> Result<(), AppError> {
    use crate::server::platform::mail::Mail;
    let link = format!("{}/invitation?token={}", ctx.public_url, sent.token);
    let text = format!(
        "Hello,\n\n{inviter} invited you to the {} workspace on Gatehouse as {}.\n\n\
         Accept the invitation here:\n\n{link}\n\n\
         The link works once, for 7 days. If you did not expect this, ignore this message.\n",
        sent.workspace_name, sent.role
    );
    let to = sent
        .email
        .parse()
        .map_err(|e| AppError::internal(format!("invitation address: {e}")))?;
    // The invitation exists either way; the admin can resend it if the mail did not go.
    ctx.mailer
        .send(Mail {
            to,
            subject: format!("{inviter} invited you to {}", sent.workspace_name),
            text,
        })
        .await
        .map_err(|e| AppError::internal(format!("invitation mail: {e}")))
}

/// `POST /api/team/assign_role` — gives a member a role, until the end of `until` (a date in
/// the workspace's time zone; empty: until removed). Permission: `team.write`, and holding
/// everything the role grants (Owners excepted); not oneself; Owner role only by Owners; no
/// segregation-of-duties conflict for the member.
#[server(endpoint = "team/assign_role", client = crate::csrf_page::ApiClient)]
pub async fn assign_role(user_id: String, role_id: String, until: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{access::assignments, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let member = crate::model::UserId::from_client(user_id)?;
    Ok(assignments::assign(
        &ctx.db,
        &ctx.clock,
        &grant,
        &member,
        &crate::model::RoleId::from_client(role_id)?,
        &until,
    )
    .await?)
}

/// `POST /api/team/unassign_role` — takes a role away from a member. Permission: `team.write`;
/// not oneself; an Owner only by Owners; never the last Owner's Owner role.
#[server(endpoint = "team/unassign_role", client = crate::csrf_page::ApiClient)]
pub async fn unassign_role(user_id: String, role_id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::{access::assignments, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let member = crate::model::UserId::from_client(user_id)?;
    let role = crate::model::RoleId::from_client(role_id)?;
    Ok(assignments::unassign(&ctx.db, &ctx.clock, &grant, &member, &role).await?)
}
