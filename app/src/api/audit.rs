//! `audit/*` endpoints: reading the workspace's audit log.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::AuditPage;

/// `POST /api/audit/list` — the audit log newest first, a page after entry `before` (empty:
/// the newest page, with the chain's last verification and the people to filter by), narrowed
/// by `filter` (actor, action or family, target, days), each checked with its field named.
/// Permission: `audit.read`.
#[server(endpoint = "audit/list", client = crate::csrf_page::ApiClient)]
pub async fn list_audit(
    before: String,
    filter: Option<crate::model::AuditFilter>,
) -> Result<AuditPage, AppError> {
    use crate::permissions::keys;
    use crate::server::audit::{selection::Selection, verifications};
    use crate::server::{access::audit, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    let selection = Selection::parse(&ctx.db, &grant, &filter.unwrap_or_default()).await?;
    let before = Some(before.as_str()).filter(|b| !b.is_empty());
    let mut page = audit::list(&ctx.db, &grant, &selection, before).await?;
    if before.is_none() {
        page.verification = verifications::last(&ctx.db, &grant).await?;
    }
    Ok(page)
}

/// `POST /api/audit/history` — one record's own history (`target`: its id), newest first.
/// Permission: `audit.read`; entries of another workspace are never found.
#[server(endpoint = "audit/history", client = crate::csrf_page::ApiClient)]
pub async fn record_history(target: String) -> Result<Vec<crate::model::RecordChange>, AppError> {
    use crate::permissions::keys;
    use crate::server::{access::audit, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::AuditRead>(&ctx).await?;
    Ok(audit::history(&ctx.db, &grant, target.trim()).await?)
}
