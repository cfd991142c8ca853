//! What is done with payments: taking one against a confirmed order (`payments.process`, never
//! more than the order still owes), refunding (`payments.refund`, never more than was paid less
//! earlier refunds; above the workspace's threshold only once someone else approves), and
//! reconciling (`payments.reconcile`) — refused to whoever processed or
//! refunded the payment, so the seeded segregation pairs hold on the real actions.

use chrono::NaiveDate;
use sqlx::Row;

use super::refunds::{apply_refund, Refund};
use super::{approvals, find_stored, order_sums, KIND};
use crate::model::{OrderId, PaymentId, PaymentMethod, RefundOutcome};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::money::Money;
use crate::server::records::{documents, history, version};

/// A payment as sent.
#[derive(Debug, Default, Clone)]
pub struct PaymentForm {
    pub order_id: String,
    pub method: String,
    /// As typed, in the order's currency.
    pub amount: String,
    pub reference: String,
    /// YYYY-MM-DD; empty: today.
    pub paid_on: String,
}

fn paid_on(raw: &str, today: &str) -> Result<String, DomainError> {
    if raw.trim().is_empty() {
        return Ok(today.to_owned());
    }
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid("paid_on", "Enter the day as YYYY-MM-DD."))?;
    let formatted = day.format("%Y-%m-%d").to_string();
    if formatted.as_str() > today {
        return Err(DomainError::invalid(
            "paid_on",
            "A payment can't be taken in the future.",
        ));
    }
    Ok(formatted)
}

/// Takes a payment against an order the grant reaches: confirmed, processed or fulfilled, and
/// not for more than it still owes.
pub async fn take(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PaymentsProcess>,
    form: &PaymentForm,
) -> Result<PaymentId, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let order = OrderId::from_client(form.order_id.trim()).map_err(|_| DomainError::NotFound)?;
    let method = PaymentMethod::from_key(form.method.trim())
        .ok_or_else(|| DomainError::invalid("method", "Choose how the money came."))?;
    let reference = LineField {
        field: "reference",
        subject: "The reference",
        empty_message: "",
        max_chars: 100,
    }
    .clean_optional(&form.reference)?
    .unwrap_or_default();
    let day = paid_on(&form.paid_on, &today)?;
    let mut tx = grant.begin(db, true).await?;
    let (total, paid, status) = order_sums(&mut tx, grant, &order).await?;
    if !matches!(status.as_str(), "confirmed" | "processed" | "fulfilled") {
        return Err(DomainError::Conflict(format!(
            "This order is {status}: payments are taken once it is confirmed."
        )));
    }
    let amount = Money::parse(&form.amount, total.currency(), "amount")?;
    let owed = total.minor() - paid.minor();
    if owed <= 0 {
        return Err(DomainError::Conflict("This order is paid in full.".into()));
    }
    if amount.minor() <= 0 || amount.minor() > owed {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "Enter an amount up to {}: what the order still owes.",
                Money::from_minor(owed, total.currency()).display()
            ),
        ));
    }
    let id = PaymentId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO payments (id, workspace_id, order_id, method, amount_minor, currency, \
         reference, paid_on, processed_by, processed_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(order.as_str())
    .bind(method.key())
    .bind(amount.minor())
    .bind(amount.currency().code())
    .bind(&reference)
    .bind(&day)
    .bind(grant.user().as_str())
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"amount": amount.display(), "method": method.key()});
    log(&mut tx, clock, grant, &id, "take", after).await?;
    tx.commit().await?;
    Ok(id)
}

/// Returns `amount` (as typed) of a payment the grant reaches, based on `version`: never more
/// than was paid less earlier refunds. Above the workspace's threshold it becomes a request for
/// someone else to approve ([`super::approvals`]) and nothing is refunded yet.
pub async fn refund(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PaymentsRefund>,
    id: &PaymentId,
    version: i64,
    amount: &str,
    reason: &str,
) -> Result<RefundOutcome, DomainError> {
    let reason = LineField {
        field: "reason",
        subject: "The reason",
        empty_message: "Say why the money goes back.",
        max_chars: 200,
    }
    .clean(reason)?;
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), version, now).await?;
    let stored = find_stored(&mut tx, grant, id).await?;
    let amount = Money::parse(amount, stored.amount.currency(), "amount")?;
    let refundable = stored.amount.minor() - stored.refunded;
    if amount.minor() <= 0 || amount.minor() > refundable {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "You can refund at most {}: {} was paid and {} refunded already.",
                Money::from_minor(refundable, amount.currency()).display(),
                stored.amount.display(),
                Money::from_minor(stored.refunded, amount.currency()).display()
            ),
        ));
    }
    let (threshold, expiry_days) = approvals::policy(&mut tx, grant).await?;
    let outcome = if threshold.is_some_and(|t| amount.minor() > t) {
        approvals::request(&mut tx, clock, grant, id, amount, &reason, expiry_days).await?;
        RefundOutcome::AwaitingApproval
    } else {
        let refund = Refund {
            payment: id,
            amount_minor: amount.minor(),
            reason: &reason,
            refunded_by: Some(grant.user().as_str()),
            approved_by: None,
        };
        apply_refund(&mut tx, clock, grant.workspace(), refund).await?;
        RefundOutcome::Refunded
    };
    let action = match outcome {
        RefundOutcome::Refunded => "refund",
        RefundOutcome::AwaitingApproval => "refund_requested",
    };
    let after = serde_json::json!({"amount": amount.display(), "reason": reason});
    log(&mut tx, clock, grant, id, action, after).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Marks a payment the grant reaches as matched against the bank, based on `version` — unless
/// the caller processed or refunded it.
pub async fn reconcile(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::PaymentsReconcile>,
    id: &PaymentId,
    version: i64,
) -> Result<(), DomainError> {
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), version, now).await?;
    let stored = find_stored(&mut tx, grant, id).await?;
    let me = grant.user().as_str();
    if stored.reconciled_by.is_some() {
        return Err(DomainError::Conflict(
            "This payment is reconciled already.".into(),
        ));
    }
    if stored.processed_by.as_deref() == Some(me) {
        return Err(DomainError::Conflict(
            "You took this payment, so someone else must reconcile it (segregation of duties)."
                .into(),
        ));
    }
    let refunded_by_me = sqlx::query(
        "SELECT COUNT(*) AS n FROM refunds WHERE workspace_id = $1 AND payment_id = $2 \
         AND (refunded_by = $3 OR approved_by = $3)",
    )
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .bind(me)
    .fetch_one(&mut *tx)
    .await?
    .try_get::<i64, _>("n")?;
    if refunded_by_me > 0 {
        return Err(DomainError::Conflict(
            "You refunded (or approved a refund of) this payment, so someone else must \
             reconcile it (segregation of duties)."
                .into(),
        ));
    }
    sqlx::query("UPDATE payments SET reconciled_by = $1, reconciled_at = $2 WHERE id = $3")
        .bind(me)
        .bind(now)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    log(
        &mut tx,
        clock,
        grant,
        id,
        "reconcile",
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes `payment.{action}` to the record's history, in the change's transaction.
async fn log<K: crate::permissions::Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    id: &PaymentId,
    action: &str,
    after: serde_json::Value,
) -> Result<(), DomainError> {
    let event = history::Event {
        action,
        id: id.as_str(),
        before: None,
        after: Some(after),
    };
    history::record(conn, clock, grant, &KIND, event).await
}
