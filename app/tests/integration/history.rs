//! Record history against real SQLite and PostgreSQL: creates, changes (only the fields that
//! changed, before and after), steps and deletes land in the audit log with the actor, in the
//! change's own transaction — a refused change leaves no entry — and a sensitive field is
//! logged as changed, never by value.

use app::model::RecordChange;
use app::permissions::keys::{
    AuditRead, CustomersDelete, CustomersRead, CustomersWrite, QuotesWrite,
};
use app::server::access::audit;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::documents::header::HeaderForm;
use app::server::records::{customers, quotes};

use super::support::message;

fn actions(entries: &[RecordChange]) -> Vec<&str> {
    entries.iter().map(|e| e.action.as_str()).collect()
}

#[tokio::test]
async fn every_change_to_a_record_is_in_its_history_with_only_what_changed() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let (db, write) = (&f.db, f.grant::<CustomersWrite>().await);
        let form = customers::CustomerForm {
            name: "Babbage & Co".into(),
            email: "old@example.com".into(),
            tax_id: "GB-SECRET-1".into(),
            ..customers::CustomerForm::default()
        };
        let made = customers::create(db, &clock, &write, &form).await.unwrap();
        let changed = customers::CustomerForm {
            email: "new@example.com".into(),
            tax_id: "GB-SECRET-2".into(),
            ..form.clone()
        };
        customers::update(db, &clock, &write, &made.id, 1, &changed)
            .await
            .unwrap();
        let before = t.row_counts(&["audit_log"]).await;
        let stale = customers::update(db, &clock, &write, &made.id, 1, &changed).await;
        assert!(
            message(stale.unwrap_err()).contains("changed by someone else"),
            "{label}"
        );
        assert_eq!(
            t.row_counts(&["audit_log"]).await,
            before,
            "{label}: a refusal logs nothing"
        );

        let read = f.grant::<AuditRead>().await;
        let history = audit::history(db, &read, made.id.as_str()).await.unwrap();
        assert_eq!(
            actions(&history),
            ["customer.update", "customer.create"],
            "{label}"
        );
        let update = &history[0];
        assert_eq!(update.actor.as_deref(), Some("Ada Lovelace"), "{label}");
        assert_eq!(
            update.fields,
            [
                (
                    "email".into(),
                    "old@example.com".into(),
                    "new@example.com".into()
                ),
                ("tax_id".into(), "(sensitive)".into(), "(sensitive)".into()),
            ],
            "{label}: only what changed, the tax id never by value"
        );
        let logged = t
            .strings(
                "SELECT COALESCE(before_state, '') || COALESCE(after_state, '') FROM audit_log",
            )
            .await;
        assert!(
            logged.iter().all(|s| !s.contains("GB-SECRET")),
            "{label}: {logged:?}"
        );

        a_named_customer_is_kept_a_free_one_logged(&f, &made.id, &form, label).await;
    }
}

/// A customer a quote names is kept, and says why; once free, its deletion is logged.
async fn a_named_customer_is_kept_a_free_one_logged(
    f: &Fixture,
    customer: &app::model::CustomerId,
    form: &customers::CustomerForm,
    label: &str,
) {
    let (db, clock) = (&f.db, &f.clock);
    let write = f.grant::<CustomersWrite>().await;
    let read = f.grant::<AuditRead>().await;
    let q = quotes::create(
        db,
        clock,
        &f.grant::<QuotesWrite>().await,
        &f.grant::<CustomersRead>().await,
        &quotes::QuoteForm {
            header: HeaderForm {
                customer_id: customer.as_str().into(),
                ..HeaderForm::default()
            },
            title: "Engines".into(),
            valid_until: String::new(),
        },
    )
    .await
    .unwrap();
    let delete = f.grant::<CustomersDelete>().await;
    let e = customers::delete(db, clock, &delete, customer, None).await;
    assert!(
        message(e.unwrap_err()).contains("still named by other records"),
        "{label}"
    );
    let quote_history = audit::history(db, &read, q.quote.id.as_str())
        .await
        .unwrap();
    assert_eq!(actions(&quote_history), ["quote.create"], "{label}");
    let other = customers::create(db, clock, &write, form).await.unwrap();
    customers::delete(db, clock, &delete, &other.id, None)
        .await
        .unwrap();
    let gone = audit::history(db, &read, other.id.as_str()).await.unwrap();
    assert_eq!(
        actions(&gone),
        ["customer.delete", "customer.create"],
        "{label}"
    );
}
