//! Automations' steps against real SQLite and PostgreSQL: a failing step stops its run unless
//! set to let the run go on (to a webhook step, whose delivery is queued with the run's event);
//! a status step moves a ticket only where its status allows, and only a ticket's.

use app::model::{Action, Step};
use app::permissions::keys::TeamWrite;
use app::server::integrations::automations::runner;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::tickets;
use app::server::workspace::members;

use super::automations::{assignee, desk, form, make, statuses, ticket};

#[tokio::test]
async fn a_failing_step_stops_the_run_unless_it_lets_the_run_go_on() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_589_432_000)).await;
        let (_, people) = desk(&f).await;
        let (hook, _) =
            super::webhooks::endpoint(&f, "http://127.0.0.1:9/auto", &["alert.*"]).await;
        let manager = f.role("Manager").await;
        let gone = people[0].clone();
        let step = |action: Action, go_on: bool| Step {
            action,
            continue_on_failure: go_on,
        };
        let assign_gone = Action::Assign {
            user_id: gone.as_str().into(),
        };
        let webhook = Action::CallWebhook {
            endpoint_id: hook.as_str().into(),
        };
        for (name, first_goes_on) in [("Goes on", true), ("Stops", false)] {
            let steps = serde_json::to_string(&[
                step(assign_gone.clone(), first_goes_on),
                step(webhook.clone(), false),
            ])
            .unwrap();
            make(
                &f,
                &f.owner,
                &form(name, "ticket.create", &[], steps, manager.as_str()),
            )
            .await
            .unwrap();
        }
        // The first step's member leaves after the automations were made.
        members::deactivate(&f.db, &f.clock, &f.grant::<TeamWrite>().await, &gone)
            .await
            .unwrap();
        let made = ticket(&f, "Two ways", "normal").await;
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        assert_eq!(assignee(&f, &made).await, None, "{label}");
        let log = t
            .strings(
                "SELECT a.name || ' ' || s.position || ' ' || s.outcome || ': ' || s.detail \
                 FROM automation_steps s JOIN automation_runs r ON r.id = s.run_id \
                 JOIN automations a ON a.id = r.automation_id ORDER BY a.name, s.position",
            )
            .await;
        assert_eq!(
            log,
            vec![
                "Goes on 1 failed: Choose an active member of this workspace.".to_owned(),
                "Goes on 2 done: Queued for http://127.0.0.1:9/auto.".to_owned(),
                "Stops 1 failed: Choose an active member of this workspace.".to_owned(),
                "Stops 2 skipped: An earlier step failed.".to_owned(),
            ],
            "{label}"
        );
        assert_eq!(statuses(&t).await, vec!["failed:1", "failed:1"], "{label}");
        // The step that went on queued one delivery to its endpoint, with the run's event.
        let queued = t
            .strings("SELECT m.event_type FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id")
            .await;
        assert_eq!(queued, vec!["ticket.create"], "{label}");
    }
}

#[tokio::test]
async fn a_step_moves_a_ticket_where_its_status_allows() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_589_432_000)).await;
        let manager = f.role("Manager").await;
        let status = |s: &str| {
            serde_json::to_string(&[Step {
                action: Action::SetStatus { status: s.into() },
                continue_on_failure: false,
            }])
            .unwrap()
        };
        let refused = make(
            &f,
            &f.owner,
            &form(
                "x",
                "customer.create",
                &[],
                status("pending"),
                manager.as_str(),
            ),
        )
        .await;
        assert!(
            refused
                .unwrap_err()
                .starts_with("steps: Only a ticket's status"),
            "{label}"
        );
        let refused = make(
            &f,
            &f.owner,
            &form("x", "ticket.create", &[], status("lost"), manager.as_str()),
        )
        .await;
        assert!(refused.unwrap_err().starts_with("steps: "), "{label}");
        make(
            &f,
            &f.owner,
            &form(
                "Wait for them",
                "ticket.create",
                &[],
                status("pending"),
                manager.as_str(),
            ),
        )
        .await
        .unwrap();
        make(
            &f,
            &f.owner,
            &form(
                "Close at once",
                "ticket.create",
                &[],
                status("closed"),
                manager.as_str(),
            ),
        )
        .await
        .unwrap();
        let made = ticket(&f, "Moves", "normal").await;
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        let read = f.grant::<app::permissions::keys::TicketsRead>().await;
        let now = tickets::get(&f.db, &read, &made.ticket.id)
            .await
            .unwrap()
            .ticket;
        assert_eq!(now.status, app::model::TicketStatus::Pending, "{label}");
        let log = t
            .strings(
                "SELECT a.name || ': ' || s.outcome || ' ' || s.detail FROM automation_steps s \
                 JOIN automation_runs r ON r.id = s.run_id \
                 JOIN automations a ON a.id = r.automation_id ORDER BY a.name",
            )
            .await;
        assert_eq!(
            log,
            vec![
                "Close at once: failed A pending ticket can't become closed.".to_owned(),
                "Wait for them: done Moved to pending.".to_owned(),
            ],
            "{label}"
        );
    }
}
