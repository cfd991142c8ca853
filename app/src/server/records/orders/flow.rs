//! Where an order goes: draft → confirmed (`orders.write`) → processed → fulfilled
//! (`orders.process`), or cancelled from any step before fulfilment (`orders.cancel`). Each
//! step is its own function taking the grant of its key, so a step cannot be taken with the
//! wrong one; from the wrong state it is refused with a message and changes nothing.

use super::{detail, find, DOC, KIND};
use crate::model::{OrderDetail, OrderId, OrderStatus, OrderStep};
use crate::permissions::{keys, Key, Permission};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::documents::lines;
use crate::server::records::money::Currency;
use crate::server::records::version;

/// Where a step may start, where it leads, and the key it needs.
fn rule(step: OrderStep) -> (&'static [OrderStatus], OrderStatus, Permission) {
    use OrderStatus::*;
    match step {
        OrderStep::Confirm => (&[Draft], Confirmed, Permission::OrdersWrite),
        OrderStep::Process => (&[Confirmed], Processed, Permission::OrdersProcess),
        OrderStep::Fulfil => (&[Processed], Fulfilled, Permission::OrdersProcess),
        OrderStep::Cancel => (
            &[Draft, Confirmed, Processed],
            Cancelled,
            Permission::OrdersCancel,
        ),
    }
}

/// The steps an order at `status` can take for someone for whom `holds` says which keys they
/// hold: what the order page offers.
pub fn steps_for(status: OrderStatus, holds: impl Fn(Permission) -> bool) -> Vec<OrderStep> {
    OrderStep::ALL
        .into_iter()
        .filter(|step| {
            let (from, _, key) = rule(*step);
            from.contains(&status) && holds(key)
        })
        .collect()
}

async fn take<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    id: &OrderId,
    version: i64,
    step: OrderStep,
) -> Result<OrderDetail, DomainError> {
    let (from, to, key) = rule(step);
    debug_assert_eq!(key, K::PERMISSION, "{step:?} taken with the wrong key");
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), version, now).await?;
    let order = find(&mut tx, grant, id).await?;
    if !from.contains(&order.status) {
        return Err(DomainError::Conflict(format!(
            "This order is {}: it can't be {}.",
            order.status.label().to_lowercase(),
            to.label().to_lowercase()
        )));
    }
    if step == OrderStep::Confirm {
        let currency = Currency::parse(&order.header.totals.currency, "currency")?;
        if lines::load(&mut tx, &DOC, id.as_str(), currency)
            .await?
            .is_empty()
        {
            return Err(DomainError::Conflict(
                "Add at least one line before confirming the order.".into(),
            ));
        }
    }
    sqlx::query("UPDATE orders SET status = $1, status_changed_at = $2 WHERE id = $3")
        .bind(to.key())
        .bind(now)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let detail = detail(&mut tx, grant, id).await?;
    let (before, after) = (
        serde_json::json!({"status": order.status.key()}),
        serde_json::json!({"status": to.key()}),
    );
    super::log(
        &mut tx,
        clock,
        grant,
        id,
        step.key(),
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// draft → confirmed; the order needs a line.
pub async fn confirm(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersWrite>,
    id: &OrderId,
    version: i64,
) -> Result<OrderDetail, DomainError> {
    take(db, clock, grant, id, version, OrderStep::Confirm).await
}

/// confirmed → processed.
pub async fn process(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersProcess>,
    id: &OrderId,
    version: i64,
) -> Result<OrderDetail, DomainError> {
    take(db, clock, grant, id, version, OrderStep::Process).await
}

/// processed → fulfilled.
pub async fn fulfil(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersProcess>,
    id: &OrderId,
    version: i64,
) -> Result<OrderDetail, DomainError> {
    take(db, clock, grant, id, version, OrderStep::Fulfil).await
}

/// draft, confirmed or processed → cancelled.
pub async fn cancel(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::OrdersCancel>,
    id: &OrderId,
    version: i64,
) -> Result<OrderDetail, DomainError> {
    take(db, clock, grant, id, version, OrderStep::Cancel).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_is_offered_only_from_its_states_and_with_its_key() {
        let all = |_: Permission| true;
        assert_eq!(
            steps_for(OrderStatus::Draft, all),
            [OrderStep::Confirm, OrderStep::Cancel]
        );
        assert_eq!(
            steps_for(OrderStatus::Confirmed, all),
            [OrderStep::Process, OrderStep::Cancel]
        );
        assert_eq!(
            steps_for(OrderStatus::Processed, all),
            [OrderStep::Fulfil, OrderStep::Cancel]
        );
        assert!(steps_for(OrderStatus::Fulfilled, all).is_empty());
        assert!(steps_for(OrderStatus::Cancelled, all).is_empty());
        let writer = |p: Permission| p == Permission::OrdersWrite;
        assert_eq!(steps_for(OrderStatus::Draft, writer), [OrderStep::Confirm]);
        assert!(steps_for(OrderStatus::Confirmed, writer).is_empty());
    }
}
