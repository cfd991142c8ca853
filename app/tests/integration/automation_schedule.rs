//! Scheduled automations against real SQLite and PostgreSQL: a period starts one run for each
//! record the conditions hold of, once however many schedulers look at the same moment; the
//! next period starts them again; a turned-off automation starts none; finished runs leave the
//! log after 90 days. And the steps that
//! add to a record: a tag on a customer, a ticket opened for it.

use std::time::Duration;

use app::model::{Action, AutomationId, Condition, ConditionOp, Step};
use app::permissions::keys::{CustomersWrite, IntegrationsManage};
use app::server::integrations::automations::editing::{self, AutomationForm};
use app::server::integrations::automations::{runner, schedule};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers;

use super::automations::{form, make};

fn steps(actions: &[Action]) -> String {
    let steps: Vec<Step> = actions
        .iter()
        .map(|a| Step {
            action: a.clone(),
            continue_on_failure: false,
        })
        .collect();
    serde_json::to_string(&steps).unwrap()
}

async fn customer(f: &Fixture, name: &str) -> String {
    let form = customers::CustomerForm {
        name: name.into(),
        ..customers::CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &form)
        .await
        .unwrap()
        .id
        .as_str()
        .to_owned()
}

async fn log(t: &TestDb) -> Vec<String> {
    t.strings(
        "SELECT s.outcome || ': ' || s.detail FROM automation_steps s \
         JOIN automation_runs r ON r.id = s.run_id ORDER BY r.created_at, s.detail",
    )
    .await
}

#[tokio::test]
async fn a_schedule_runs_once_a_period_for_each_matching_record() {
    for t in backends().await {
        let label = t.backend().name();
        // Monday 2026-12-07 20:37:12 UTC.
        let f = Fixture::new(&t.db, &Clock::manual(1_796_675_832_000)).await;
        let acme = customer(&f, "Acme Trading").await;
        customer(&f, "Acme Logistics").await;
        customer(&f, "Globex").await;
        let manager = f.role("Manager").await;
        let acme_only = Condition {
            field: "name".into(),
            op: ConditionOp::Contains,
            value: "ACME".into(),
        };
        let tag = steps(&[Action::AddTag {
            tag: "Key account".into(),
        }]);
        let daily = form(
            "Tag Acme daily",
            "customer.every_day",
            &[acme_only],
            tag,
            manager.as_str(),
        );
        make(&f, &f.owner, &daily).await.unwrap();

        // Two schedulers at the same moment (two server processes): the period starts once.
        let (a, b) = tokio::join!(
            schedule::start_due(&f.db, &f.clock, "a"),
            schedule::start_due(&f.db, &f.clock, "b"),
        );
        assert_eq!(a.unwrap() + b.unwrap(), 2, "{label}");
        assert_eq!(
            schedule::start_due(&f.db, &f.clock, "c").await.unwrap(),
            0,
            "{label}: the period has started"
        );
        let claims = t
            .strings("SELECT slot FROM scheduled_runs WHERE job LIKE 'automation:%'")
            .await;
        assert_eq!(claims, vec!["2026-12-07 00:00 UTC"], "{label}");
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        assert_eq!(
            log(&t).await,
            vec!["done: Tagged “Key account”."; 2],
            "{label}"
        );
        let tagged = t
            .strings("SELECT customer_id || ':' || tag FROM customer_tags ORDER BY customer_id")
            .await;
        assert_eq!(tagged.len(), 2, "{label}: {tagged:?}");
        assert!(tagged.contains(&format!("{acme}:Key account")), "{label}");
        let history = t
            .strings(
                "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'customer.tags_set'",
            )
            .await;
        assert_eq!(
            history,
            vec!["2"],
            "{label}: each tag is in its customer's history"
        );

        // The next day, the same records again: they carry the tag already.
        f.clock.advance(Duration::from_secs(24 * 3600));
        assert_eq!(
            schedule::start_due(&f.db, &f.clock, "a").await.unwrap(),
            2,
            "{label}"
        );
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        let last = log(&t).await.split_off(2);
        assert_eq!(
            last,
            vec!["done: Already tagged “Key account”."; 2],
            "{label}"
        );

        // Turned off, it starts nothing.
        let grant = f.grant::<IntegrationsManage>().await;
        let id = t.strings("SELECT id FROM automations").await.remove(0);
        let off = AutomationForm {
            enabled: false,
            ..form(
                "Tag Acme daily",
                "customer.every_day",
                &[],
                steps(&[Action::AddTag {
                    tag: "Key account".into(),
                }]),
                manager.as_str(),
            )
        };
        let checked = editing::check(&f.db, &f.clock, &grant, &off).await.unwrap();
        editing::update(
            &f.db,
            &f.clock,
            &grant,
            &AutomationId::from_client(&id).unwrap(),
            1,
            checked,
        )
        .await
        .unwrap();
        f.clock.advance(Duration::from_secs(24 * 3600));
        assert_eq!(
            schedule::start_due(&f.db, &f.clock, "a").await.unwrap(),
            0,
            "{label}"
        );

        // Finished runs leave the log after 90 days, with their steps.
        f.clock.advance(Duration::from_secs(89 * 24 * 3600));
        assert_eq!(
            runner::forget_old(&f.db, &f.clock).await.unwrap(),
            2,
            "{label}"
        );
        f.clock.advance(Duration::from_secs(24 * 3600));
        assert_eq!(
            runner::forget_old(&f.db, &f.clock).await.unwrap(),
            2,
            "{label}"
        );
        let left = t.strings("SELECT run_id FROM automation_steps").await;
        assert!(left.is_empty(), "{label}: {left:?}");
    }
}

#[tokio::test]
async fn a_step_opens_a_ticket_for_the_customer_and_a_tag_is_for_customers_only() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_675_832_000)).await;
        let manager = f.role("Manager").await;
        let welcome = steps(&[Action::CreateTicket {
            subject: "Welcome call".into(),
        }]);
        make(
            &f,
            &f.owner,
            &form("Welcome", "customer.create", &[], welcome, manager.as_str()),
        )
        .await
        .unwrap();
        let id = customer(&f, "Initech").await;
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        let opened = t
            .strings(
                "SELECT t.subject || ' for ' || t.customer_id || ' by ' || t.created_by \
                 || CASE WHEN t.assigned_user_id IS NULL THEN ', unassigned' ELSE '' END \
                 FROM tickets t",
            )
            .await;
        assert_eq!(
            opened,
            vec![format!(
                "Welcome call for {id} by {}, unassigned",
                f.owner.as_str()
            )],
            "{label}"
        );
        let first = t.strings("SELECT body FROM ticket_messages").await;
        assert_eq!(
            first,
            vec!["Opened by the automation “Welcome”."],
            "{label}"
        );
        let logged = log(&t).await;
        assert!(
            logged.len() == 1 && logged[0].starts_with("done: Opened ticket T-"),
            "{label}: {logged:?}"
        );

        // A tag is refused on a ticket trigger, and a ticket needs a subject.
        let tag = steps(&[Action::AddTag { tag: "vip".into() }]);
        let refused = make(
            &f,
            &f.owner,
            &form("Tag tickets", "ticket.create", &[], tag, manager.as_str()),
        )
        .await
        .unwrap_err();
        assert!(
            refused.contains("Only a customer can be tagged"),
            "{label}: {refused}"
        );
        let blank = steps(&[Action::CreateTicket {
            subject: " ".into(),
        }]);
        let refused = make(
            &f,
            &f.owner,
            &form("Blank", "customer.create", &[], blank, manager.as_str()),
        )
        .await
        .unwrap_err();
        assert!(refused.contains("subject"), "{label}: {refused}");
    }
}
