//! Applying a refund — for one taken directly and for one approved later: checked once more
//! against what may still be refunded, recorded with who asked and who approved, and the
//! payment's sum and reconciliation updated in the caller's transaction.

use sqlx::Row;

use crate::model::PaymentId;
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;
use crate::server::records::money::{Currency, Money};

/// A refund about to happen.
pub(crate) struct Refund<'a> {
    pub payment: &'a PaymentId,
    pub amount_minor: i64,
    pub reason: &'a str,
    pub refunded_by: Option<&'a str>,
    pub approved_by: Option<&'a str>,
}

/// Records a refund of a payment the caller has already checked is within reach, if that much
/// may still be refunded (checked again here: an approval can come days after the request).
/// Undoes the payment's reconciliation, since its sum changed.
pub(crate) async fn apply_refund(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    workspace: &crate::model::WorkspaceId,
    refund: Refund<'_>,
) -> Result<(), DomainError> {
    let row = sqlx::query(
        "SELECT amount_minor - refunded_minor AS refundable, currency FROM payments          WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace.as_str())
    .bind(refund.payment.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let refundable: i64 = row.try_get("refundable")?;
    if refund.amount_minor > refundable {
        let currency = Currency::parse(&row.try_get::<String, _>("currency")?, "currency")?;
        return Err(DomainError::Conflict(format!(
            "Only {} of this payment can still be refunded.",
            Money::from_minor(refundable, currency).display()
        )));
    }
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO refunds (id, workspace_id, payment_id, amount_minor, reason, refunded_by, \
         approved_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(workspace.as_str())
    .bind(refund.payment.as_str())
    .bind(refund.amount_minor)
    .bind(refund.reason)
    .bind(refund.refunded_by)
    .bind(refund.approved_by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE payments SET refunded_minor = refunded_minor + $1, reconciled_by = NULL, \
         reconciled_at = NULL, updated_at = $2 WHERE workspace_id = $3 AND id = $4",
    )
    .bind(refund.amount_minor)
    .bind(now)
    .bind(workspace.as_str())
    .bind(refund.payment.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
