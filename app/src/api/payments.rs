//! `payments/*` endpoints. Each resolves the caller and workspace from the session, requires its
//! permission, and leaves the rules (what an order still owes, what may be refunded, who may
//! reconcile) to `server::records::payments`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{OrderPayments, OrderProofs};

/// `POST /api/payments/for_order` — an order's payments and sums; the reference is masked
/// without `payments.read`. Permission: `orders.read`, the order within reach (else 404).
#[server(endpoint = "payments/for_order", client = crate::csrf_page::ApiClient)]
pub async fn get_order_payments(order_id: String) -> Result<OrderPayments, AppError> {
    use crate::permissions::keys;
    use crate::server::{records::payments, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRead>(&ctx).await?;
    let order = crate::model::OrderId::from_client(&order_id)?;
    Ok(payments::for_order(&ctx.db, &grant, &order).await?)
}

/// `POST /api/payments/proofs` — each payment of an order with its proof files; `None` for a
/// caller without `payments.read` (proof shows what a masked reference hides, so the page
/// shows no proof card at all). Permission: `orders.read`, the order within reach (else 404).
#[server(endpoint = "payments/proofs", client = crate::csrf_page::ApiClient)]
pub async fn get_order_proofs(order_id: String) -> Result<Option<OrderProofs>, AppError> {
    use crate::model::PaymentProof;
    use crate::permissions::keys;
    use crate::server::files::attachments::{self, OnPayment};
    use crate::server::{records::payments, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, orders) = auth::require::<keys::OrdersRead>(&ctx).await?;
    let order = crate::model::OrderId::from_client(&order_id)?;
    let listed = payments::for_order(&ctx.db, &orders, &order).await?;
    let Some(read) = auth::optional::<keys::PaymentsRead>(&ctx).await? else {
        return Ok(None);
    };
    let mut proofs = Vec::with_capacity(listed.payments.len());
    for p in listed.payments {
        let files = attachments::list::<OnPayment>(&ctx.db, &read, p.id.as_str()).await?;
        proofs.push(PaymentProof {
            label: format!("{} on {}", p.amount, p.paid_on),
            payment_id: p.id,
            files,
        });
    }
    Ok(Some(OrderProofs {
        payments: proofs,
        may_add: listed.may_process,
    }))
}

/// `POST /api/payments/take` — records money taken against a confirmed order, never more than
/// it still owes. Permission: `payments.process`.
#[server(endpoint = "payments/take", client = crate::csrf_page::ApiClient)]
pub async fn take_payment(
    order_id: String,
    method: String,
    amount: String,
    reference: String,
    paid_on: String,
) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::actions::{self, PaymentForm};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PaymentsProcess>(&ctx).await?;
    let form = PaymentForm {
        order_id,
        method,
        amount,
        reference,
        paid_on,
    };
    actions::take(&ctx.db, &ctx.clock, &grant, &form).await?;
    Ok(())
}

/// `POST /api/payments/refund` — returns part or all of a payment at `version`, never more
/// than was paid less earlier refunds; above the workspace's threshold it waits for someone
/// else's approval instead. Permission: `payments.refund`.
#[server(endpoint = "payments/refund", client = crate::csrf_page::ApiClient)]
pub async fn refund_payment(
    id: String,
    version: i64,
    amount: String,
    reason: String,
) -> Result<crate::model::RefundOutcome, AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::actions;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PaymentsRefund>(&ctx).await?;
    let id = crate::model::PaymentId::from_client(&id)?;
    Ok(actions::refund(&ctx.db, &ctx.clock, &grant, &id, version, &amount, &reason).await?)
}

/// `POST /api/payments/reconcile` — marks a payment at `version` as matched against the bank;
/// refused (409) to whoever took or refunded it. Permission: `payments.reconcile`.
#[server(endpoint = "payments/reconcile", client = crate::csrf_page::ApiClient)]
pub async fn reconcile_payment(id: String, version: i64) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::actions;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::PaymentsReconcile>(&ctx).await?;
    let id = crate::model::PaymentId::from_client(&id)?;
    Ok(actions::reconcile(&ctx.db, &ctx.clock, &grant, &id, version).await?)
}

/// `POST /api/approvals/list` — refund requests on payments within the caller's reach, newest
/// first (`pending`: only those waiting). Permission: `orders.refund`.
#[server(endpoint = "approvals/list", client = crate::csrf_page::ApiClient)]
pub async fn list_approvals(
    pending: Option<String>,
) -> Result<Vec<crate::model::ApprovalRequest>, AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::approvals;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRefund>(&ctx).await?;
    Ok(approvals::list(&ctx.db, &ctx.clock, &grant, pending.is_some()).await?)
}

/// `POST /api/approvals/pending_count` — how many requests within reach wait for a decision.
/// Permission: `orders.refund`.
#[server(endpoint = "approvals/pending_count", client = crate::csrf_page::ApiClient)]
pub async fn pending_approvals() -> Result<i64, AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::approvals;
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRefund>(&ctx).await?;
    Ok(approvals::pending_count(&ctx.db, &ctx.clock, &grant).await?)
}

/// `POST /api/approvals/approve` — approves someone else's pending request; the refund happens
/// in the same transaction. Permission: `orders.refund`; never one's own request (409).
#[server(endpoint = "approvals/approve", client = crate::csrf_page::ApiClient)]
pub async fn approve_request(id: String, comment: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::approvals::{self, Decision};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRefund>(&ctx).await?;
    let id = crate::model::ApprovalId::from_client(&id)?;
    let decision = Decision {
        id: &id,
        comment: &comment,
    };
    Ok(approvals::approve(&ctx.db, &ctx.clock, &grant, decision).await?)
}

/// `POST /api/approvals/reject` — rejects someone else's pending request, with a comment;
/// nothing is refunded. Permission: `orders.refund`; never one's own request (409).
#[server(endpoint = "approvals/reject", client = crate::csrf_page::ApiClient)]
pub async fn reject_request(id: String, comment: String) -> Result<(), AppError> {
    use crate::permissions::keys;
    use crate::server::records::payments::approvals::{self, Decision};
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let (_, grant) = auth::require::<keys::OrdersRefund>(&ctx).await?;
    let id = crate::model::ApprovalId::from_client(&id)?;
    let decision = Decision {
        id: &id,
        comment: &comment,
    };
    Ok(approvals::reject(&ctx.db, &ctx.clock, &grant, decision).await?)
}
