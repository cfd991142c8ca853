//! Payments against real SQLite and PostgreSQL: taken only against confirmed orders and never
//! beyond what they owe, refunds never beyond what was paid less earlier refunds, the
//! reference masked without `payments.read`, and the segregation pairs holding on the actions:
//! nobody reconciles a payment they took or refunded. Every refusal changes nothing.

use app::model::{OrderId, PaymentId};
use app::permissions::keys::{
    CustomersRead, CustomersWrite, OrdersRead, OrdersWrite, PaymentsProcess, PaymentsReconcile,
    PaymentsRefund, ProductsWrite, RolesWrite,
};
use app::server::access::role_editor;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::documents::{header::HeaderForm, lines::LineForm};
use app::server::records::payments::actions::{self, PaymentForm};
use app::server::records::{customers, orders, payments, products};

use super::support::{draft, message};

/// 2026-11-24 00:00 UTC.
pub(super) const START: i64 = 1_795_478_400_000;
pub(super) const TABLES: &[&str] = &["payments", "refunds"];

/// A draft order of 2 × 100.00 EUR.
pub(super) async fn order_of_200(f: &Fixture) -> (OrderId, i64) {
    let customer = customers::create(
        &f.db,
        &f.clock,
        &f.grant::<CustomersWrite>().await,
        &customers::CustomerForm {
            name: "Babbage & Co".into(),
            ..customers::CustomerForm::default()
        },
    )
    .await
    .unwrap();
    let product = products::create(
        &f.db,
        &f.clock,
        &f.grant::<ProductsWrite>().await,
        &products::ProductForm {
            sku: "ENGINE-1".into(),
            name: "Engine".into(),
            unit_price: "100".into(),
            active: true,
            ..products::ProductForm::default()
        },
    )
    .await
    .unwrap();
    let write = f.grant::<OrdersWrite>().await;
    let header = HeaderForm {
        customer_id: customer.id.as_str().into(),
        ..HeaderForm::default()
    };
    let o = orders::create(
        &f.db,
        &f.clock,
        &write,
        &f.grant::<CustomersRead>().await,
        &header,
    )
    .await
    .unwrap();
    let line = LineForm {
        product_id: product.id.as_str().into(),
        quantity: "2".into(),
        discount: String::new(),
    };
    let o = orders::add_line(&f.db, &f.clock, &write, &o.order.id, 1, &line)
        .await
        .unwrap();
    (o.order.id, o.order.header.version)
}

pub(super) fn pay(order: &OrderId, amount: &str, paid_on: &str) -> PaymentForm {
    PaymentForm {
        order_id: order.as_str().into(),
        method: "card".into(),
        amount: amount.into(),
        reference: "4242 4242 4242 4242".into(),
        paid_on: paid_on.into(),
    }
}

/// Payments wait for confirmation, are named when wrong and stop at what the order owes.
async fn the_owner_takes_payments(t: &TestDb, f: &Fixture, label: &str) -> (OrderId, PaymentId) {
    let (order, version) = order_of_200(f).await;
    let process = f.grant::<PaymentsProcess>().await;
    let e = actions::take(&f.db, &f.clock, &process, &pay(&order, "10", "")).await;
    assert!(
        message(e.unwrap_err()).contains("taken once it is confirmed"),
        "{label}"
    );
    orders::flow::confirm(
        &f.db,
        &f.clock,
        &f.grant::<OrdersWrite>().await,
        &order,
        version,
    )
    .await
    .unwrap();
    let before = t.row_counts(TABLES).await;
    for (form, expected) in [
        (
            PaymentForm {
                method: "cheque".into(),
                ..pay(&order, "10", "")
            },
            "method",
        ),
        (
            pay(&order, "200.01", ""),
            "amount: Enter an amount up to 200.00 EUR",
        ),
        (pay(&order, "0", ""), "amount"),
        (pay(&order, "10.001", ""), "amount"),
        (
            pay(&order, "10", "2026-11-25"),
            "paid_on: A payment can't be taken in the future.",
        ),
        (pay(&order, "10", "24/11/2026"), "paid_on"),
    ] {
        let e = actions::take(&f.db, &f.clock, &process, &form).await;
        assert!(
            message(e.unwrap_err()).starts_with(expected),
            "{label}: {form:?}"
        );
    }
    assert_eq!(t.row_counts(TABLES).await, before, "{label}");
    let first = actions::take(&f.db, &f.clock, &process, &pay(&order, "150", "2026-11-23"))
        .await
        .unwrap();
    let e = actions::take(&f.db, &f.clock, &process, &pay(&order, "50.01", "")).await;
    assert!(
        message(e.unwrap_err()).contains("up to 50.00 EUR"),
        "{label}"
    );
    actions::take(&f.db, &f.clock, &process, &pay(&order, "50", ""))
        .await
        .unwrap();
    let e = actions::take(&f.db, &f.clock, &process, &pay(&order, "1", "")).await;
    assert_eq!(
        message(e.unwrap_err()),
        "conflict: This order is paid in full.",
        "{label}"
    );
    let sums = payments::for_order(&f.db, &f.grant::<OrdersRead>().await, &order)
        .await
        .unwrap();
    assert_eq!(
        (sums.paid.as_str(), sums.balance.as_str()),
        ("200.00 EUR", "0.00 EUR"),
        "{label}"
    );
    assert_eq!(
        sums.payments[0].reference, "4242 4242 4242 4242",
        "{label}: the Owner sees it"
    );
    (order, first)
}

/// Refunds stop at what was paid less earlier refunds; a stale version changes nothing.
async fn refunds_stop_at_what_was_paid(t: &TestDb, f: &Fixture, id: &PaymentId, label: &str) {
    let refund = f.grant::<PaymentsRefund>().await;
    let before = t.row_counts(TABLES).await;
    for (amount, reason, version, expected) in [
        (
            "150.01",
            "Broken",
            1,
            "amount: You can refund at most 150.00 EUR",
        ),
        ("10", " ", 1, "reason"),
        (
            "10",
            "Broken",
            0,
            "conflict: This payment was changed by someone else",
        ),
    ] {
        let e = actions::refund(&f.db, &f.clock, &refund, id, version, amount, reason).await;
        assert!(
            message(e.unwrap_err()).starts_with(expected),
            "{label}: {amount} {version}"
        );
    }
    assert_eq!(t.row_counts(TABLES).await, before, "{label}");
    actions::refund(&f.db, &f.clock, &refund, id, 1, "100", "One engine broke")
        .await
        .unwrap();
    let e = actions::refund(&f.db, &f.clock, &refund, id, 2, "50.01", "Again").await;
    assert!(
        message(e.unwrap_err())
            .contains("at most 50.00 EUR: 150.00 EUR was paid and 100.00 EUR refunded already"),
        "{label}"
    );
}

/// Nobody reconciles what they took or refunded; a bookkeeper does, once. Without
/// `payments.read` the reference is masked.
async fn duties_stay_apart(f: &Fixture, order: &OrderId, id: &PaymentId, label: &str) {
    let roles = f.grant::<RolesWrite>().await;
    let mut keeper = draft(
        "Bookkeeper",
        &["orders.read", "payments.read", "payments.reconcile"],
    );
    keeper.scopes = vec![("orders".into(), "all".into())];
    role_editor::create(&f.db, &f.clock, &roles, &keeper)
        .await
        .unwrap();
    let mut refunder = draft(
        "Refunder",
        &["orders.read", "payments.refund", "payments.reconcile"],
    );
    refunder.scopes = vec![("orders".into(), "all".into())];
    role_editor::create(&f.db, &f.clock, &roles, &refunder)
        .await
        .unwrap();
    let mut clerk = draft("Clerk", &["orders.read"]);
    clerk.scopes = vec![("orders".into(), "all".into())];
    role_editor::create(&f.db, &f.clock, &roles, &clerk)
        .await
        .unwrap();
    let kay = f
        .add_member("kay@example.com", "Kay Keeper", "Bookkeeper")
        .await;
    let rafe = f
        .add_member("rafe@example.com", "Rafe Refunder", "Refunder")
        .await;
    let cleo = f
        .add_member("cleo@example.com", "Cleo Clerk", "Clerk")
        .await;

    // A refused action leaves the version where it was (2, after the first refund).
    let own = f.grant::<PaymentsReconcile>().await;
    let e = actions::reconcile(&f.db, &f.clock, &own, id, 2).await;
    assert!(
        message(e.unwrap_err()).contains("You took this payment"),
        "{label}"
    );
    let rafe_refund = f.grant_of::<PaymentsRefund>(&rafe).await.unwrap();
    actions::refund(&f.db, &f.clock, &rafe_refund, id, 2, "1", "Goodwill")
        .await
        .unwrap();
    let rafe_reconcile = f.grant_of::<PaymentsReconcile>(&rafe).await.unwrap();
    let e = actions::reconcile(&f.db, &f.clock, &rafe_reconcile, id, 3).await;
    assert!(message(e.unwrap_err()).contains("You refunded"), "{label}");
    let kay_reconcile = f.grant_of::<PaymentsReconcile>(&kay).await.unwrap();
    actions::reconcile(&f.db, &f.clock, &kay_reconcile, id, 3)
        .await
        .unwrap();
    let e = actions::reconcile(&f.db, &f.clock, &kay_reconcile, id, 4).await;
    assert!(
        message(e.unwrap_err()).contains("reconciled already"),
        "{label}"
    );

    let seen = payments::for_order(
        &f.db,
        &f.grant_of::<OrdersRead>(&cleo).await.unwrap(),
        order,
    )
    .await
    .unwrap();
    assert!(
        seen.payments
            .iter()
            .all(|p| p.reference == "•••• 4242" && p.reference_masked),
        "{label}"
    );
    assert!(
        !seen.may_process && !seen.may_refund && !seen.may_reconcile,
        "{label}"
    );
    let kays = payments::for_order(&f.db, &f.grant_of::<OrdersRead>(&kay).await.unwrap(), order)
        .await
        .unwrap();
    assert_eq!(
        kays.payments[0].reconciled_by.as_deref(),
        Some("Kay Keeper"),
        "{label}"
    );
    assert_eq!(kays.paid, "99.00 EUR", "{label}: 200 paid, 101 refunded");
}

/// Staff reach no order of the Owner's, so they neither see nor pay against it.
async fn out_of_reach_is_not_found(f: &Fixture, order: &OrderId, label: &str) {
    let sam = f.add_member("sam@example.com", "Sam Staff", "Staff").await;
    let read = f.grant_of::<OrdersRead>(&sam).await.unwrap();
    assert!(
        matches!(
            payments::for_order(&f.db, &read, order).await,
            Err(DomainError::NotFound)
        ),
        "{label}"
    );
    assert!(
        matches!(
            f.grant_of::<PaymentsProcess>(&sam).await,
            Err(DomainError::Forbidden)
        ),
        "{label}"
    );
}

#[tokio::test]
async fn payments_stop_at_what_is_owed_and_duties_stay_apart() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let (order, first) = the_owner_takes_payments(&t, &f, label).await;
        refunds_stop_at_what_was_paid(&t, &f, &first, label).await;
        duties_stay_apart(&f, &order, &first, label).await;
        out_of_reach_is_not_found(&f, &order, label).await;
    }
}
