//! An automation's mail against real SQLite and PostgreSQL and the loopback SMTP server: the
//! step writes the message filled from the record, a mail server that is down leaves it for a
//! later attempt, and it is then sent once — to the customer or to the record's assignee; a
//! customer without an address fails that step alone; a template naming a field the record
//! lacks is refused when saved.

use std::time::Duration;

use app::model::{Action, Step, MAIL_TO_ASSIGNEE, MAIL_TO_CUSTOMER};
use app::permissions::keys::CustomersWrite;
use app::server::integrations::automations::{mail, runner};
use app::server::platform::clock::Clock;
use app::server::platform::mail::Mailer;
use app::server::platform::testing::{backends, received_mails, smtp_server, Fixture};
use app::server::records::customers;

use super::automations::{form, make};

fn mail_step(to: &str, subject: &str, body: &str, go_on: bool) -> Step {
    Step {
        action: Action::SendMail {
            to: to.into(),
            subject: subject.into(),
            body: body.into(),
        },
        continue_on_failure: go_on,
    }
}

#[tokio::test]
async fn a_mail_step_is_sent_once_after_its_step_and_retried_while_the_server_is_down() {
    let Some((url, maildir)) = smtp_server() else {
        eprintln!("no test SMTP server in this run; skipped");
        return;
    };
    let mailer =
        Mailer::smtp(&url, "Gatehouse <no-reply@gatehouse.test>".parse().unwrap()).unwrap();
    let down = Mailer::smtp(
        "smtp://127.0.0.1:9",
        "Gatehouse <no-reply@gatehouse.test>".parse().unwrap(),
    )
    .unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_675_832_000)).await;
        let manager = f.role("Manager").await;
        let steps = serde_json::to_string(&[
            mail_step(
                MAIL_TO_CUSTOMER,
                "Welcome, {{ name }}",
                "Hello {{name}},\nyour account is ready.\n-- {{automation}}",
                true,
            ),
            mail_step(
                MAIL_TO_ASSIGNEE,
                "New customer {{name}}",
                "{{name}} is yours.",
                false,
            ),
        ])
        .unwrap();
        make(
            &f,
            &f.owner,
            &form("Welcome", "customer.create", &[], steps, manager.as_str()),
        )
        .await
        .unwrap();
        let token = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        let write = f.grant::<CustomersWrite>().await;
        for (name, email) in [("Acme", "buyer@acme.example"), ("Globex", "")] {
            let c = customers::CustomerForm {
                name: format!("{name} {token}"),
                email: email.into(),
                ..customers::CustomerForm::default()
            };
            customers::create(&f.db, &f.clock, &write, &c)
                .await
                .unwrap();
        }
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        let log = t
            .strings(
                "SELECT s.position || ' ' || s.outcome || ': ' || s.detail FROM automation_steps s \
                 JOIN automation_runs r ON r.id = s.run_id ORDER BY s.position, s.outcome",
            )
            .await;
        assert_eq!(
            log,
            vec![
                "1 done: Mail to buyer@acme.example queued.",
                "1 failed: The customer has no email address.",
                "2 done: Mail to ada@example.com queued.",
                "2 done: Mail to ada@example.com queued.",
            ],
            "{label}"
        );

        // The mail server is down: nothing goes, each mail waits with its error.
        assert_eq!(mail::send_due(&f.db, &f.clock, &down, 10).await.unwrap(), 0);
        let waiting = t
            .strings("SELECT status || ':' || attempts FROM automation_mails")
            .await;
        assert_eq!(waiting, vec!["pending:1"; 3], "{label}");
        assert_eq!(
            mail::send_due(&f.db, &f.clock, &mailer, 10).await.unwrap(),
            0,
            "{label}: not due again yet"
        );
        f.clock.advance(Duration::from_secs(61));
        assert_eq!(
            mail::send_due(&f.db, &f.clock, &mailer, 10).await.unwrap(),
            3,
            "{label}"
        );
        assert_eq!(
            mail::send_due(&f.db, &f.clock, &mailer, 10).await.unwrap(),
            0,
            "{label}: each once"
        );
        let sent = received_mails(&maildir, &token);
        assert_eq!(sent.len(), 3, "{label}");
        let welcome = sent
            .iter()
            .find(|m| m.contains("To: buyer@acme.example"))
            .expect("the customer's mail");
        assert!(
            welcome.contains(&format!("Subject: Welcome, Acme {token}"))
                && welcome.contains(&format!("Hello Acme {token},"))
                && welcome.contains("-- Welcome"),
            "{label}: {welcome}"
        );
        let queue = t.strings("SELECT mail_id FROM automation_mail_queue").await;
        assert!(queue.is_empty(), "{label}");

        // A field the record does not have is refused when the automation is saved.
        let bad =
            serde_json::to_string(&[mail_step(MAIL_TO_CUSTOMER, "Hi {{surname}}", "Text", false)])
                .unwrap();
        let refused = make(
            &f,
            &f.owner,
            &form("Bad", "customer.create", &[], bad, manager.as_str()),
        )
        .await
        .unwrap_err();
        assert!(
            refused.contains("“{{surname}}” is not a field of the customer"),
            "{label}: {refused}"
        );
    }
}
