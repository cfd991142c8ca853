//! Demo payments of orders: paid in full or in two parts, by card or transfer, most of the
//! older ones reconciled — always by someone other than whoever took or refunded them — and a
//! few partly refunded.

use rand::Rng;

use super::draw::{Fill, DAY_MS};
use super::rows::Tables;

/// The payment and refund tables' places in the sales writer's [`Tables`].
pub const PAYMENTS: usize = 4;
pub const REFUNDS: usize = 5;

pub const PAYMENT_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "order_id",
    "method",
    "amount_minor",
    "refunded_minor",
    "currency",
    "reference",
    "paid_on",
    "processed_by",
    "processed_at",
    "reconciled_by",
    "reconciled_at",
    "updated_at",
];
pub const REFUND_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "payment_id",
    "amount_minor",
    "reason",
    "refunded_by",
    "created_at",
];

/// Pays `total` of the order, taken by `taker` from `from_ms` on.
pub fn pay(
    fill: &mut Fill<'_>,
    tables: &mut Tables,
    order: &str,
    taker: &str,
    total: i64,
    from_ms: i64,
) {
    if total == 0 {
        return;
    }
    let parts = if total >= 2 && fill.chance(15) {
        let first = total / 2;
        vec![first, total - first]
    } else {
        vec![total]
    };
    let mut at = from_ms;
    for amount in parts {
        at = (at + fill.rng.random_range(0..10 * DAY_MS)).min(fill.now_ms);
        one(fill, tables, order, taker, amount, at);
    }
}

fn one(fill: &mut Fill<'_>, tables: &mut Tables, order: &str, taker: &str, amount: i64, at: i64) {
    // The Owner refunds (the Manager, when the Owner took the payment); whoever comes first of
    // the Owner, the Manager and a colleague and did neither reconciles.
    let owner = fill.staff.everyone[0].as_str();
    let refunder = if taker == owner {
        fill.staff.everyone[1].clone()
    } else {
        owner.to_owned()
    };
    let (method, reference) = match fill.rng.random_range(0..20) {
        0..10 => (
            "card",
            format!("Card ending {:04}", fill.rng.random_range(0..10_000)),
        ),
        10..18 => (
            "bank_transfer",
            format!("Transfer ref {:08}", fill.rng.random_range(0..100_000_000)),
        ),
        18 => ("cash", "Cash at the counter".to_owned()),
        _ => ("other", "Voucher".to_owned()),
    };
    let refunded = if amount >= 4 && fill.chance(3) {
        amount / 4
    } else {
        0
    };
    let old = fill.now_ms - at > 7 * DAY_MS;
    let reconciler = fill.staff.everyone[..3]
        .iter()
        .find(|who| who.as_str() != taker && (refunded == 0 || **who != refunder))
        .cloned();
    let reconciled = reconciler
        .filter(|_| old && fill.chance(80))
        .map(|who| (who, (at + 3 * DAY_MS).min(fill.now_ms)));
    let id = fill.id();
    tables.push(
        PAYMENTS,
        vec![
            id.clone().into(),
            fill.workspace.clone().into(),
            order.into(),
            method.into(),
            amount.into(),
            refunded.into(),
            fill.currency.code().into(),
            reference.into(),
            Fill::day_string(Fill::day_of(at)).into(),
            Some(taker.to_owned()).into(),
            at.into(),
            reconciled.as_ref().map(|(who, _)| who.clone()).into(),
            reconciled.as_ref().map(|(_, when)| *when).into(),
            at.into(),
        ],
    );
    if refunded > 0 {
        tables.push(
            REFUNDS,
            vec![
                fill.id().into(),
                fill.workspace.clone().into(),
                id.into(),
                refunded.into(),
                "Part of the delivery came back damaged.".into(),
                Some(refunder).into(),
                (at + DAY_MS).min(fill.now_ms).into(),
            ],
        );
    }
}
