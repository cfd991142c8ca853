//! Approval of large refunds against real SQLite and PostgreSQL: a refund over the threshold
//! waits; the requester cannot decide it; another holder of `orders.refund` approves (the
//! refund happens then) or rejects with a comment; a request expires after the workspace's
//! days; nothing moves until a decision, and each step is audited.

use app::model::{ApprovalId, ApprovalStatus, OrderId, PaymentId, RefundOutcome};
use app::permissions::keys::{
    OrdersRead, OrdersRefund, OrdersWrite, PaymentsProcess, PaymentsRefund, SettingsWrite,
};
use app::server::access::grants::Grant;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::orders;
use app::server::records::payments::approvals::{self, Decision};
use app::server::records::payments::{self, actions};
use app::server::workspace::sales_terms::{self, TermsForm};

use super::payments::{order_of_200, pay, START, TABLES};
use super::support::message;

/// Refunds over 50 need approval, requests stand two days; a confirmed order of 200, paid.
async fn paid_order(f: &Fixture) -> (OrderId, PaymentId) {
    let terms = TermsForm {
        currency: "EUR".into(),
        refund_approval_over: "50".into(),
        approval_expiry_days: "2".into(),
        ..TermsForm::default()
    };
    sales_terms::set(&f.db, &f.clock, &f.grant::<SettingsWrite>().await, &terms)
        .await
        .unwrap();
    let (order, version) = order_of_200(f).await;
    let write = f.grant::<OrdersWrite>().await;
    orders::flow::confirm(&f.db, &f.clock, &write, &order, version)
        .await
        .unwrap();
    let process = f.grant::<PaymentsProcess>().await;
    let id = actions::take(&f.db, &f.clock, &process, &pay(&order, "200", ""))
        .await
        .unwrap();
    (order, id)
}

async fn refunded(f: &Fixture, order: &OrderId) -> (String, i64) {
    let read = f.grant::<OrdersRead>().await;
    let paid = payments::for_order(&f.db, &read, order).await.unwrap();
    (paid.payments[0].refunded.clone(), paid.payments[0].version)
}

/// At the threshold a refund goes through; above it, it waits and nothing moves.
async fn a_large_refund_waits(t: &TestDb, f: &Fixture, id: &PaymentId, label: &str) {
    let refund = f.grant::<PaymentsRefund>().await;
    let small = actions::refund(&f.db, &f.clock, &refund, id, 1, "50", "Scratched").await;
    assert_eq!(
        small.unwrap(),
        RefundOutcome::Refunded,
        "{label}: at the threshold"
    );
    let before = t.row_counts(TABLES).await;
    let big = actions::refund(&f.db, &f.clock, &refund, id, 2, "60", "Late delivery").await;
    assert_eq!(big.unwrap(), RefundOutcome::AwaitingApproval, "{label}");
    assert_eq!(
        t.row_counts(TABLES).await,
        before,
        "{label}: nothing refunded yet"
    );
}

/// The requester cannot decide; a Manager approves and the money moves, once.
async fn a_second_person_approves(
    t: &TestDb,
    f: &Fixture,
    order: &OrderId,
    label: &str,
) -> Grant<OrdersRefund> {
    let own = f.grant::<OrdersRefund>().await;
    let waiting = approvals::list(&f.db, &f.clock, &own, true).await.unwrap();
    assert!(
        waiting.len() == 1 && waiting[0].mine && waiting[0].amount == "60.00 EUR",
        "{label}"
    );
    let request = waiting[0].id.clone();
    let decide = |comment: &'static str| Decision {
        id: &request,
        comment,
    };
    let e = approvals::approve(&f.db, &f.clock, &own, decide("")).await;
    assert!(
        message(e.unwrap_err()).contains("someone else must decide"),
        "{label}"
    );
    let mona = f
        .add_member("mona@example.com", "Mona Manager", "Manager")
        .await;
    let hers = f.grant_of::<OrdersRefund>(&mona).await.unwrap();
    assert_eq!(
        approvals::pending_count(&f.db, &f.clock, &hers)
            .await
            .unwrap(),
        1,
        "{label}"
    );
    approvals::approve(&f.db, &f.clock, &hers, decide("Agreed"))
        .await
        .unwrap();
    let e = approvals::reject(&f.db, &f.clock, &hers, decide("Too late")).await;
    assert!(
        message(e.unwrap_err()).contains("approved already"),
        "{label}"
    );
    assert_eq!(
        refunded(f, order).await.0,
        "110.00 EUR",
        "{label}: refunded on approval"
    );
    assert_eq!(
        t.strings("SELECT approved_by FROM refunds WHERE approved_by IS NOT NULL")
            .await,
        [mona.as_str().to_owned()],
        "{label}"
    );
    hers
}

/// A rejection needs a comment and refunds nothing; an undecided request expires.
async fn rejections_and_expiry(
    f: &Fixture,
    order: &OrderId,
    id: &PaymentId,
    hers: &Grant<OrdersRefund>,
    label: &str,
) {
    let refund = f.grant::<PaymentsRefund>().await;
    let v = refunded(f, order).await.1;
    actions::refund(&f.db, &f.clock, &refund, id, v, "55", "Another")
        .await
        .unwrap();
    let second: ApprovalId = approvals::list(&f.db, &f.clock, hers, true).await.unwrap()[0]
        .id
        .clone();
    let blank = Decision {
        id: &second,
        comment: " ",
    };
    let e = approvals::reject(&f.db, &f.clock, hers, blank).await;
    assert!(message(e.unwrap_err()).starts_with("comment"), "{label}");
    let no = Decision {
        id: &second,
        comment: "No",
    };
    approvals::reject(&f.db, &f.clock, hers, no).await.unwrap();
    actions::refund(&f.db, &f.clock, &refund, id, v + 1, "51", "A third")
        .await
        .unwrap();
    f.clock
        .advance(std::time::Duration::from_secs(2 * 24 * 3600));
    let all = approvals::list(&f.db, &f.clock, hers, false).await.unwrap();
    let statuses: Vec<_> = all.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            ApprovalStatus::Expired,
            ApprovalStatus::Rejected,
            ApprovalStatus::Approved
        ],
        "{label}"
    );
    let late = Decision {
        id: &all[0].id,
        comment: "",
    };
    let e = approvals::approve(&f.db, &f.clock, hers, late).await;
    assert!(
        message(e.unwrap_err()).contains("expired already"),
        "{label}"
    );
    assert_eq!(
        refunded(f, order).await.0,
        "110.00 EUR",
        "{label}: only the approved refund"
    );
}

#[tokio::test]
async fn large_refunds_wait_for_a_second_person() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        super::webhooks::endpoint(&f, "http://127.0.0.1:9/refunds", &["refund.*"]).await;
        let (order, id) = paid_order(&f).await;
        a_large_refund_waits(&t, &f, &id, label).await;
        let hers = a_second_person_approves(&t, &f, &order, label).await;
        rejections_and_expiry(&f, &order, &id, &hers, label).await;
        let audited = t
            .strings("SELECT action FROM audit_log WHERE action LIKE 'refund.%' ORDER BY action")
            .await;
        assert_eq!(
            audited,
            [
                "refund.approved",
                "refund.rejected",
                "refund.requested",
                "refund.requested",
                "refund.requested"
            ],
            "{label}"
        );
        // Each decision and request reached the endpoint that hears refunds, and nothing else.
        let announced = t
            .strings("SELECT m.event_type FROM webhook_messages m ORDER BY m.event_type")
            .await;
        assert_eq!(announced, audited, "{label}");
    }
}
