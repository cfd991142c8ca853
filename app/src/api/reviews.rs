//! `reviews/*` endpoints: access reviews — campaigns, decisions, closing.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ReviewDetail, ReviewsView};

/// `POST /api/reviews/list` — the workspace's newest 100 access reviews with their progress,
/// the roles a new one may cover, and whether the caller may start, decide and close them.
/// Permission: `team.read`.
#[server(endpoint = "reviews/list", client = crate::csrf_page::ApiClient)]
pub async fn reviews() -> Result<ReviewsView, AppError> {
    use crate::permissions::keys;
    use crate::server::access::reviews::{campaigns, reviewers};
    use crate::server::access::roles;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamRead>(&ctx).await?;
    let today = campaigns::workspace_today(&ctx.db, &ctx.clock, &grant).await?;
    Ok(ReviewsView {
        reviews: campaigns::list(&ctx.db, &ctx.clock, &grant).await?,
        roles: roles::options(&ctx.db, &grant).await?,
        reviewers: reviewers::options(&ctx.db, &ctx.clock, &grant).await?,
        editable: auth::optional::<keys::TeamWrite>(&ctx).await?.is_some(),
        default_due_on: (today + chrono::Days::new(campaigns::DEFAULT_DAYS))
            .format("%Y-%m-%d")
            .to_string(),
    })
}

/// `POST /api/reviews/start` — starts a campaign: a name, the roles it covers (`roles[]`, role
/// ids of this workspace; none: every role), its reviewers (`reviewers[]`, members holding
/// `team.write`; none: any of them decides) and a due day (`YYYY-MM-DD`, today to a year
/// ahead; empty: two weeks). It lists the active members' current assignments of those roles;
/// each bad field is named (422) and nothing is saved. Returns its number. Recorded in the
/// trail. Permission: `team.write`.
#[server(endpoint = "reviews/start", client = crate::csrf_page::ApiClient)]
pub async fn start_review(
    name: String,
    #[server(default)] roles: Vec<String>,
    #[server(default)] reviewers: Vec<String>,
    #[server(default)] due_on: String,
) -> Result<i64, AppError> {
    use crate::permissions::keys;
    use crate::server::access::reviews::campaigns::{self, CampaignForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let form = CampaignForm {
        name,
        roles,
        reviewers,
        due_on,
    };
    Ok(campaigns::start(&ctx.db, &ctx.clock, &grant, &form).await?)
}

/// `POST /api/reviews/show` — one campaign with each person under review: their roles when it
/// began, the keys each gave, their last sign-in, each decision and, once closed, each
/// outcome (the report). 404 for one of another workspace. Permission: `team.read`.
#[server(endpoint = "reviews/show", client = crate::csrf_page::ApiClient)]
pub async fn review(id: String) -> Result<ReviewDetail, AppError> {
    use crate::permissions::keys;
    use crate::server::access::reviews::campaigns;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamRead>(&ctx).await?;
    let mut detail = campaigns::detail(&ctx.db, &ctx.clock, &grant, id.trim()).await?;
    detail.editable = auth::optional::<keys::TeamWrite>(&ctx).await?.is_some();
    Ok(detail)
}

/// `POST /api/reviews/decide` — keeps or revokes (`decision`) one person's role in an open
/// campaign; changeable until it closes. Nobody decides on their own access (409); a campaign
/// that named its reviewers is decided by them alone (409 for anyone else); only an Owner
/// decides to revoke the Owner role (409); 404 for a campaign or assignment not in it.
/// Recorded in the trail. Permission: `team.write`.
#[server(endpoint = "reviews/decide", client = crate::csrf_page::ApiClient)]
pub async fn decide_review(
    id: String,
    user_id: String,
    role_id: String,
    decision: String,
) -> Result<(), AppError> {
    use crate::model::UserId;
    use crate::permissions::keys;
    use crate::server::access::reviews::decisions::{self, Decision};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    let decision = Decision::parse(&decision)?;
    let member = UserId::from_client(user_id)?;
    Ok(decisions::decide(
        &ctx.db,
        &ctx.clock,
        &grant,
        id.trim(),
        &member,
        role_id.trim(),
        decision,
    )
    .await?)
}

/// `POST /api/reviews/close` — closes an open campaign: every "revoke" is applied at once
/// (each recorded as `role.unassign`), the rest kept, and each assignment's outcome kept as
/// the report; a revocation the guardrails forbid (the last Owner) is reported, not applied.
/// 409 when already closed; 404 for one of another workspace. Permission: `team.write`.
#[server(endpoint = "reviews/close", client = crate::csrf_page::ApiClient)]
pub async fn close_review(id: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::access::reviews::closing;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::TeamWrite>(&ctx).await?;
    closing::close(&ctx.db, &ctx.clock, &grant, id.trim()).await?;
    Ok(())
}
