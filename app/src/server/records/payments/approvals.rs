//! Approval of large refunds. A refund above the workspace's threshold becomes a request;
//! another holder of `orders.refund` approves it — the refund then happens in the same
//! transaction, checked again against what may still be refunded — or rejects it, with a
//! comment. Nobody decides their own request; a request expires after the workspace's number
//! of days. Every step is audited.

use sqlx::Row;

use super::refunds::{apply_refund, Refund};
use super::KIND;
use crate::model::{ApprovalId, ApprovalRequest, ApprovalStatus, OrderId, PaymentId};
use crate::permissions::{keys, Key};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::money::{Currency, Money};
use crate::server::records::scope::scope_filter;
use crate::server::records::sql::Sql;

/// The workspace's threshold (refunds above it need approval; `None`: none do) and how many
/// days a request stands.
pub(crate) async fn policy<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
) -> Result<(Option<i64>, i64), DomainError> {
    let row = sqlx::query(
        "SELECT refund_approval_over_minor, approval_expiry_days FROM workspaces WHERE id = $1",
    )
    .bind(grant.workspace().as_str())
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        row.try_get("refund_approval_over_minor")?,
        row.try_get("approval_expiry_days")?,
    ))
}

/// Files a request to refund `amount` of payment `payment` (already claimed by the caller).
pub(crate) async fn request(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::PaymentsRefund>,
    payment: &PaymentId,
    amount: Money,
    reason: &str,
    expiry_days: i64,
) -> Result<(), DomainError> {
    let id = ApprovalId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO approval_requests (id, workspace_id, payment_id, amount_minor, reason, \
         requested_by, requested_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(payment.as_str())
    .bind(amount.minor())
    .bind(reason)
    .bind(grant.user().as_str())
    .bind(now)
    .bind(now + expiry_days * DAY_MS)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        clock,
        grant.acting(),
        Change {
            action: "refund.requested",
            target: payment.as_str(),
            before: None,
            after: Some(serde_json::json!({
                "request": id.as_str(), "amount": amount.display(), "reason": reason
            })),
        },
    )
    .await
}

const COLUMNS: &str = "ar.id, ar.amount_minor, ar.reason, ar.status, ar.requested_by, \
     ar.requested_at, ar.expires_at, ar.comment, pm.order_id, pm.currency, o.number, \
     cu.name AS customer_name, ru.display_name AS requester, du.display_name AS decider \
     FROM approval_requests ar JOIN payments pm ON pm.id = ar.payment_id \
     JOIN orders o ON o.id = pm.order_id JOIN customers cu ON cu.id = o.customer_id \
     LEFT JOIN users ru ON ru.id = ar.requested_by LEFT JOIN users du ON du.id = ar.decided_by";

/// Requests on payments the grant reaches (through their orders).
fn reachable<K: Key>(grant: &Grant<K>) -> Sql {
    let mut sql = Sql::default();
    sql.push("SELECT ")
        .push(COLUMNS)
        .push(" WHERE ar.workspace_id = ")
        .arg(grant.workspace().as_str())
        .push(" AND ar.payment_id IN (SELECT pm.id FROM payments pm WHERE");
    scope_filter(&mut sql, &KIND, grant);
    sql.push(")");
    sql
}

fn from_row(
    row: &sqlx::any::AnyRow,
    me: &str,
    now_ms: i64,
) -> Result<ApprovalRequest, DomainError> {
    let currency = Currency::parse(&row.try_get::<String, _>("currency")?, "currency")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let stored: String = row.try_get("status")?;
    let status = match stored.as_str() {
        "pending" if expires_at <= now_ms => ApprovalStatus::Expired,
        "pending" => ApprovalStatus::Pending,
        "approved" => ApprovalStatus::Approved,
        "rejected" => ApprovalStatus::Rejected,
        other => return Err(DomainError::Internal(format!("stored approval {other:?}"))),
    };
    let requested_by: Option<String> = row.try_get("requested_by")?;
    Ok(ApprovalRequest {
        id: ApprovalId::from_db(row.try_get("id")?),
        order_id: OrderId::from_db(row.try_get("order_id")?),
        order_reference: super::super::orders::DOC.reference(row.try_get("number")?),
        customer: row.try_get("customer_name")?,
        amount: Money::from_minor(row.try_get("amount_minor")?, currency).display(),
        reason: row.try_get("reason")?,
        status,
        mine: requested_by.as_deref() == Some(me),
        requested_by: row.try_get("requester")?,
        requested_at_ms: row.try_get("requested_at")?,
        expires_on: crate::model::utc_date(expires_at - 1),
        decided_by: row.try_get("decider")?,
        comment: row.try_get("comment")?,
    })
}

/// The requests within the grant's reach, newest first: those still pending, or all.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersRefund>,
    pending_only: bool,
) -> Result<Vec<ApprovalRequest>, DomainError> {
    let now = clock.now_ms();
    let mut sql = reachable(grant);
    if pending_only {
        sql.push(" AND ar.status = 'pending' AND ar.expires_at > ")
            .int(now);
    }
    sql.push(" ORDER BY ar.requested_at DESC, ar.id DESC LIMIT 200");
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| from_row(r, grant.user().as_str(), now))
        .collect()
}

/// How many requests within the grant's reach wait for a decision (the navigation's count).
pub async fn pending_count(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersRefund>,
) -> Result<i64, DomainError> {
    Ok(list(db, clock, grant, true).await?.len() as i64)
}

/// A decision as sent.
pub struct Decision<'a> {
    pub id: &'a ApprovalId,
    pub comment: &'a str,
}

/// A request taken for deciding.
struct Taken {
    payment: PaymentId,
    amount_minor: i64,
    reason: String,
    requester: Option<String>,
}

/// Takes a pending, unexpired request within reach for deciding; refuses the requester.
async fn take_for_decision(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::OrdersRefund>,
    id: &ApprovalId,
    to: ApprovalStatus,
    comment: &str,
) -> Result<Taken, DomainError> {
    let mut sql = reachable(grant);
    sql.push(" AND ar.id = ").arg(id.as_str());
    let row = sql
        .query()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let now = clock.now_ms();
    let request = from_row(&row, grant.user().as_str(), now)?;
    if request.mine {
        return Err(DomainError::Conflict(
            "You asked for this refund, so someone else must decide it.".into(),
        ));
    }
    if request.status != ApprovalStatus::Pending {
        return Err(DomainError::Conflict(format!(
            "This request is {} already.",
            request.status.label().to_lowercase()
        )));
    }
    let changed = sqlx::query(
        "UPDATE approval_requests SET status = $1, decided_by = $2, decided_at = $3, \
         comment = $4 WHERE id = $5 AND status = 'pending' AND expires_at > $3",
    )
    .bind(to.key())
    .bind(grant.user().as_str())
    .bind(now)
    .bind(comment)
    .bind(id.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(DomainError::Conflict(
            "Someone decided this request at the same moment.".into(),
        ));
    }
    let payment: String = sqlx::query("SELECT payment_id FROM approval_requests WHERE id = $1")
        .bind(id.as_str())
        .fetch_one(&mut *conn)
        .await?
        .try_get("payment_id")?;
    Ok(Taken {
        payment: PaymentId::from_db(payment),
        amount_minor: row.try_get("amount_minor")?,
        reason: request.reason,
        requester: row.try_get("requested_by")?,
    })
}

fn clean_comment(raw: &str, required: bool) -> Result<String, DomainError> {
    let field = LineField {
        field: "comment",
        subject: "The comment",
        empty_message: "Say why you reject it.",
        max_chars: 500,
    };
    if required {
        field.clean(raw)
    } else {
        Ok(field.clean_optional(raw)?.unwrap_or_default())
    }
}

/// Approves a request someone else made: the refund happens now, in this transaction, if the
/// payment still has that much to refund.
pub async fn approve(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersRefund>,
    decision: Decision<'_>,
) -> Result<(), DomainError> {
    let comment = clean_comment(decision.comment, false)?;
    let mut tx = grant.begin(db, true).await?;
    let taken = take_for_decision(
        &mut tx,
        clock,
        grant,
        decision.id,
        ApprovalStatus::Approved,
        &comment,
    )
    .await?;
    let payment = taken.payment;
    sqlx::query("UPDATE payments SET version = version + 1 WHERE workspace_id = $1 AND id = $2")
        .bind(grant.workspace().as_str())
        .bind(payment.as_str())
        .execute(&mut *tx)
        .await?;
    let refund = Refund {
        payment: &payment,
        amount_minor: taken.amount_minor,
        reason: &taken.reason,
        refunded_by: taken.requester.as_deref(),
        approved_by: Some(grant.user().as_str()),
    };
    apply_refund(&mut tx, clock, grant.workspace(), refund).await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "refund.approved",
            target: payment.as_str(),
            before: None,
            after: Some(serde_json::json!({"request": decision.id.as_str(), "comment": comment})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Rejects a request someone else made, saying why; nothing is refunded.
pub async fn reject(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersRefund>,
    decision: Decision<'_>,
) -> Result<(), DomainError> {
    let comment = clean_comment(decision.comment, true)?;
    let mut tx = grant.begin(db, true).await?;
    let payment = take_for_decision(
        &mut tx,
        clock,
        grant,
        decision.id,
        ApprovalStatus::Rejected,
        &comment,
    )
    .await?
    .payment;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "refund.rejected",
            target: payment.as_str(),
            before: None,
            after: Some(serde_json::json!({"request": decision.id.as_str(), "comment": comment})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
