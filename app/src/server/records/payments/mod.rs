//! Payments: money taken against an order, a record kind reached through its order (the order's
//! data scope decides who sees a payment) whose reference — card or bank details — is
//! sensitive: masked for those without `payments.read`. Taking, refunding and reconciling are
//! in [`actions`]; nobody reconciles a payment they processed or refunded.

pub mod actions;
pub mod approvals;
mod refunds;

use sqlx::Row;

use crate::model::{OrderId, OrderPayments, Payment, PaymentId, PaymentMethod};
use crate::permissions::{keys, Key, Permission, Resource};
use crate::server::access::grants::Grant;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::{Reach, RecordKind, Sensitive};
use crate::server::records::money::{Currency, Money};
use crate::server::records::sensitive_reads::{self, Shown};
use crate::server::records::{orders, rows};

/// Payments, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "payments",
    noun: "payment",
    path: "/orders",
    alias: "pm",
    resource: Resource::Payments,
    sorts: &crate::model::PAYMENT_SORTS,
    search: &[],
    reach: Reach::Through {
        parent: &orders::KIND,
        column: "order_id",
    },
    sensitive: &[Sensitive {
        field: "reference",
        label: "payment reference",
        key: Permission::PaymentsRead,
    }],
    versioned: true,
    customer: Some(
        "(SELECT o.customer_id FROM orders o WHERE o.workspace_id = pm.workspace_id \
         AND o.id = pm.order_id)",
    ),
    retention: None,
};

const COLUMNS: &str = "pm.id, pm.order_id, pm.method, pm.amount_minor, pm.refunded_minor, \
     pm.currency, pm.reference, pm.paid_on, pm.version, pm.processed_by, pm.reconciled_by, \
     pu.display_name AS processor, ru.display_name AS reconciler FROM payments pm \
     LEFT JOIN users pu ON pu.id = pm.processed_by LEFT JOIN users ru ON ru.id = pm.reconciled_by";

/// The last four characters behind bullets: enough to tell two cards apart, not to use one. A
/// reference of four characters or fewer shows none.
fn mask(reference: &str) -> String {
    let chars: Vec<char> = reference.chars().collect();
    match chars.len() {
        0 => return String::new(),
        1..=4 => return "••••".into(),
        _ => {}
    }
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("•••• {tail}")
}

fn from_row(row: &sqlx::any::AnyRow, sensitive: bool) -> Result<Payment, DomainError> {
    let currency = Currency::parse(&row.try_get::<String, _>("currency")?, "currency")?;
    let (amount, refunded): (i64, i64) =
        (row.try_get("amount_minor")?, row.try_get("refunded_minor")?);
    let money = |minor| Money::from_minor(minor, currency).display();
    let method: String = row.try_get("method")?;
    let reference: String = row.try_get("reference")?;
    Ok(Payment {
        id: PaymentId::from_db(row.try_get("id")?),
        order_id: OrderId::from_db(row.try_get("order_id")?),
        method: PaymentMethod::from_key(&method)
            .ok_or_else(|| DomainError::Internal(format!("stored payment method {method:?}")))?,
        amount: money(amount),
        refunded: money(refunded),
        refundable: money(amount - refunded),
        refundable_minor: amount - refunded,
        reference_masked: !sensitive && !reference.is_empty(),
        reference: if sensitive {
            reference
        } else {
            mask(&reference)
        },
        paid_on: row.try_get("paid_on")?,
        processed_by: row.try_get("processor")?,
        reconciled_by: row.try_get("reconciler")?,
        version: row.try_get("version")?,
    })
}

/// One payment within the grant's reach (through its order), as stored: for the actions.
pub(crate) struct Stored {
    pub amount: Money,
    pub refunded: i64,
    pub processed_by: Option<String>,
    pub reconciled_by: Option<String>,
}

pub(crate) async fn find_stored<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &PaymentId,
) -> Result<Stored, DomainError> {
    let row = rows::find_one(conn, &KIND, COLUMNS, grant, id.as_str()).await?;
    let currency = Currency::parse(&row.try_get::<String, _>("currency")?, "currency")?;
    Ok(Stored {
        amount: Money::from_minor(row.try_get("amount_minor")?, currency),
        refunded: row.try_get("refunded_minor")?,
        processed_by: row.try_get("processed_by")?,
        reconciled_by: row.try_get("reconciled_by")?,
    })
}

/// The order's total and what its payments add up to (paid less refunded), in its currency.
/// (PostgreSQL sums BIGINTs as NUMERIC: the cast keeps one type on both databases.)
pub(crate) async fn order_sums<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    order: &OrderId,
) -> Result<(Money, Money, String), DomainError> {
    let row = rows::find_one(
        conn,
        &orders::KIND,
        "o.id, o.total_minor, o.currency, o.status, (SELECT CAST(COALESCE(SUM(p.amount_minor \
         - p.refunded_minor), 0) AS BIGINT) FROM payments p WHERE p.workspace_id = \
         o.workspace_id AND p.order_id = o.id) AS paid FROM orders o",
        grant,
        order.as_str(),
    )
    .await?;
    let currency = Currency::parse(&row.try_get::<String, _>("currency")?, "currency")?;
    Ok((
        Money::from_minor(row.try_get("total_minor")?, currency),
        Money::from_minor(row.try_get("paid")?, currency),
        row.try_get("status")?,
    ))
}

/// The payments of an order the grant reaches (else `NotFound`), oldest first, with their sums.
pub async fn for_order(
    db: &Db,
    grant: &Grant<keys::OrdersRead>,
    order: &OrderId,
) -> Result<OrderPayments, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let (total, paid, _) = order_sums(&mut tx, grant, order).await?;
    let mut sql = rows::reachable(&KIND, COLUMNS, grant);
    sql.push(" AND pm.order_id = ")
        .arg(order.as_str())
        .push(" ORDER BY pm.paid_on, pm.id");
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let sensitive = KIND.shows(grant, "reference");
    let payments = rows
        .iter()
        .map(|r| from_row(r, sensitive))
        .collect::<Result<Vec<_>, _>>()?;
    let shown: Vec<Shown<'_>> = payments
        .iter()
        .filter(|p| sensitive && !p.reference.is_empty())
        .map(|p| Shown {
            record: p.id.as_str(),
            page: order.as_str(),
        })
        .collect();
    sensitive_reads::note(db, grant, &KIND, "reference", &shown).await?;
    let balance = Money::from_minor((total.minor() - paid.minor()).max(0), total.currency());
    Ok(OrderPayments {
        payments,
        paid: paid.display(),
        balance: balance.display(),
        balance_minor: balance.minor(),
        may_process: grant.also_holds(Permission::PaymentsProcess),
        may_refund: grant.also_holds(Permission::PaymentsRefund),
        may_reconcile: grant.also_holds(Permission::PaymentsReconcile),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_masked_reference_keeps_only_its_last_four_characters() {
        assert_eq!(super::mask("4242 4242 4242 4242"), "•••• 4242");
        assert_eq!(super::mask("IBAN DE89"), "•••• DE89");
        assert_eq!(super::mask("DE89"), "••••");
        assert_eq!(super::mask(""), "");
    }
}
