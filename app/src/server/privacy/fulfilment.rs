//! Fulfilling a request the server carries out, once it is in progress: an access or
//! portability request is completed once its archive was prepared; a deletion erases the
//! customer; a restriction restricts them; a closure schedules the workspace's deletion. The work, the request's completion, its step and
//! the trail entries land in one transaction.

use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::BlockField;

use super::handling::{add_step, load, workspace_name, ToMail};
use super::requests::{Kind, Status};
use super::{archive, closure, erasure, requester_archive, restriction};

const MESSAGE: BlockField = BlockField {
    field: "note",
    empty_message: "",
    max_chars: 4000,
};

/// Carries out request `id` and completes it; `note` is added to what the requester is told.
/// Needs `privacy.process`.
pub async fn fulfil(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PrivacyProcess>,
    id: &str,
    note: &str,
) -> Result<ToMail, DomainError> {
    let note = MESSAGE.clean_or_empty(note)?;
    let workspace = grant.workspace();
    let mut tx = grant.begin(db, true).await?;
    let open = load(&mut tx, workspace, id).await?;
    if open.status != Status::InProgress || !open.kind.fulfilled_by_server() {
        return Err(DomainError::Conflict(
            "Only a request in progress for a copy, an erasure, a restriction or a closure \
             is fulfilled here."
                .into(),
        ));
    }
    let customer = || {
        open.customer_id.clone().ok_or_else(|| {
            DomainError::Conflict("Find the customer this request is about first.".into())
        })
    };
    let now = clock.now_ms();
    let done = match open.kind {
        Kind::Access | Kind::Portability => {
            customer()?;
            if !archive::was_prepared(&mut tx, workspace, &open.id).await? {
                return Err(DomainError::Conflict(
                    "Download the archive first: it is what the requester receives.".into(),
                ));
            }
            "A copy of your data was prepared for you.".to_owned()
        }
        Kind::Deletion => {
            let customer = customer()?;
            let erased =
                erasure::erase(&mut tx, workspace, &customer, now, erasure::Cause::Request).await?;
            let change = Change {
                action: "privacy.erase",
                target: &customer,
                before: None,
                after: Some(serde_json::json!({ "request": open.id, "erased": erased })),
            };
            audit::record(&mut tx, clock, grant.acting(), change).await?;
            "Your data was erased. Records we must keep by law (orders, payments) remain \
             without your details."
                .to_owned()
        }
        Kind::Restriction => {
            let customer = customer()?;
            restriction::restrict(&mut tx, workspace, &customer, now).await?;
            let change = Change {
                action: "privacy.restrict",
                target: &customer,
                before: None,
                after: Some(serde_json::json!({ "request": open.id })),
            };
            audit::record(&mut tx, clock, grant.acting(), change).await?;
            "Your data is kept but no longer changed or used.".to_owned()
        }
        Kind::Closure => {
            let on = closure::schedule(&mut tx, clock, grant, &open.id).await?;
            format!(
                "The workspace will be deleted with everything in it after {on}. Until then \
                 its Owner can export its data and cancel the closure."
            )
        }
        Kind::Correction => {
            return Err(DomainError::Conflict(
                "A handler completes this request by hand.".into(),
            ))
        }
    };
    let outcome = if note.is_empty() {
        done
    } else {
        format!("{done}\n\n{note}")
    };
    sqlx::query(
        "UPDATE privacy_requests SET status = 'completed', outcome = $1, closed_at = $2, \
         updated_at = $2, version = version + 1 \
         WHERE workspace_id = $3 AND id = $4 AND status = 'in_progress'",
    )
    .bind(&outcome)
    .bind(now)
    .bind(workspace.as_str())
    .bind(&open.id)
    .execute(&mut *tx)
    .await?;
    let step = add_step(
        &mut tx,
        workspace,
        &open.id,
        Some(grant.user()),
        Some(Status::Completed),
        &outcome,
        now,
    )
    .await?;
    let change = Change {
        action: "privacy.status",
        target: &open.id,
        before: Some(serde_json::json!({ "status": "in_progress" })),
        after: Some(serde_json::json!({ "status": "completed", "fulfilled": open.kind.key() })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    let name = workspace_name(&mut tx, workspace).await?;
    let archive_token = match open.kind {
        Kind::Access | Kind::Portability => {
            Some(requester_archive::issue(&mut tx, workspace, &open.id, now).await?)
        }
        _ => None,
    };
    tx.commit().await?;
    let mut mail = ToMail::new(&name, &open, Status::Completed, &outcome, step);
    mail.archive_token = archive_token;
    Ok(mail)
}
