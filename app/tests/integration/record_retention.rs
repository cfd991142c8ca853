//! Retention per record type against real SQLite and PostgreSQL: a policy is checked field by
//! field and recorded; the daily purge removes only finished records older than the policy
//! keeps them — with their messages — records the removal in the trail, naming each one, and
//! leaves other workspaces and other kinds alone; customers with no activity are erased, as a
//! deletion request would, and those still dealt with, open or restricted are kept.

use std::time::Duration;

use app::model::{CustomerId, TicketDetail};
use app::permissions::keys::{
    AuditRead, CustomersRead, CustomersWrite, QuotesWrite, SettingsWrite, TicketsWrite,
};
use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers;
use app::server::records::documents::header::HeaderForm;
use app::server::records::quotes::{self, QuoteForm};
use app::server::records::tickets::{self, EditForm, TicketForm};
use app::server::registers::retention;

use crate::support::message;

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;
const DAY: Duration = Duration::from_secs(86_400);
const DAY_MS: i64 = 86_400_000;

async fn customer(f: &Fixture, workspace: &app::model::WorkspaceId, name: &str) -> CustomerId {
    let write = grants::require::<CustomersWrite>(&f.db, &f.clock, &f.owner, workspace)
        .await
        .unwrap();
    let form = customers::CustomerForm {
        name: name.into(),
        ..customers::CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &write, &form)
        .await
        .unwrap()
        .id
}

async fn ticket(
    f: &Fixture,
    workspace: &app::model::WorkspaceId,
    customer: &CustomerId,
    subject: &str,
) -> TicketDetail {
    let write = grants::require::<TicketsWrite>(&f.db, &f.clock, &f.owner, workspace)
        .await
        .unwrap();
    let read = grants::require::<CustomersRead>(&f.db, &f.clock, &f.owner, workspace)
        .await
        .unwrap();
    let form = TicketForm {
        customer_id: customer.as_str().into(),
        fields: EditForm {
            subject: subject.into(),
            priority: String::new(),
            assigned_user_id: f.owner.as_str().into(),
            team_id: String::new(),
        },
        message: "The engine will not start.".into(),
    };
    tickets::create(&f.db, &f.clock, &write, &read, &form)
        .await
        .unwrap()
}

/// Gives a record a status as of `at_ms`, as if set then: the purge counts from that column.
async fn age(t: &TestDb, table: &str, id: &str, status: &str, column: &str, at_ms: i64) {
    t.db_exec(&format!(
        "UPDATE {table} SET status = '{status}', {column} = {at_ms} WHERE id = '{id}'"
    ))
    .await;
}

async fn subjects(t: &TestDb, workspace: &app::model::WorkspaceId) -> Vec<String> {
    t.strings(&format!(
        "SELECT subject FROM tickets WHERE workspace_id = '{}' ORDER BY subject",
        workspace.as_str()
    ))
    .await
}

#[tokio::test]
async fn finished_records_past_their_policy_are_removed_and_named_in_the_trail() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let settings = f.grant::<SettingsWrite>().await;
        let read = f.grant::<AuditRead>().await;

        // Bad values are named and nothing is written.
        let before = t.row_counts(&["retention_policies", "audit_log"]).await;
        for (kind, days, expected) in [
            (
                "tickets",
                "7",
                "days: Enter a number of days from 30 to 3650",
            ),
            ("tickets", "a year", "days: Enter a number of days"),
            (
                "products",
                "90",
                "kind: Choose a record type from the list.",
            ),
            ("payments", "90", "kind: Choose a record type"),
        ] {
            let e = retention::set(&f.db, &f.clock, &settings, kind, days)
                .await
                .unwrap_err();
            assert!(message(e).starts_with(expected), "{label}: {kind} {days}");
        }
        assert_eq!(
            t.row_counts(&["retention_policies", "audit_log"]).await,
            before,
            "{label}"
        );
        let kept: Vec<_> = retention::policies(&f.db, &read)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.kind, p.days))
            .collect();
        assert_eq!(
            kept,
            [
                ("customers".into(), None),
                ("quotes".into(), None),
                ("orders".into(), None),
                ("tickets".into(), None)
            ],
            "{label}"
        );

        // Tickets: closed long ago, closed recently, open long ago; another workspace's old
        // closed ticket without a policy.
        let here = f.workspace.clone();
        let acme = customer(&f, &here, "Acme").await;
        let old_closed = ticket(&f, &here, &acme, "old closed").await;
        let new_closed = ticket(&f, &here, &acme, "new closed").await;
        let old_open = ticket(&f, &here, &acme, "old open").await;
        let other = f.other_workspace("Difference Engines").await;
        let elsewhere = customer(&f, &other, "Elsewhere").await;
        let theirs = ticket(&f, &other, &elsewhere, "theirs, old closed").await;
        // A declined quote, and a sent one, both long untouched.
        let quote_write = f.grant::<QuotesWrite>().await;
        let customers_read = f.grant::<CustomersRead>().await;
        let mut quote_ids = Vec::new();
        for title in ["declined quote", "sent quote"] {
            let form = QuoteForm {
                header: HeaderForm {
                    customer_id: acme.as_str().into(),
                    ..HeaderForm::default()
                },
                title: title.into(),
                valid_until: String::new(),
            };
            let q = quotes::create(&f.db, &f.clock, &quote_write, &customers_read, &form)
                .await
                .unwrap();
            quote_ids.push(q.quote.id.as_str().to_owned());
        }
        clock.advance(DAY * 100);
        let now = f.clock.now_ms();
        age(
            &t,
            "tickets",
            old_closed.ticket.id.as_str(),
            "closed",
            "status_changed_at",
            now - 60 * DAY_MS,
        )
        .await;
        age(
            &t,
            "tickets",
            new_closed.ticket.id.as_str(),
            "closed",
            "status_changed_at",
            now - 10 * DAY_MS,
        )
        .await;
        age(
            &t,
            "tickets",
            old_open.ticket.id.as_str(),
            "open",
            "status_changed_at",
            now - 60 * DAY_MS,
        )
        .await;
        age(
            &t,
            "tickets",
            theirs.ticket.id.as_str(),
            "closed",
            "status_changed_at",
            now - 60 * DAY_MS,
        )
        .await;
        age(
            &t,
            "quotes",
            &quote_ids[0],
            "declined",
            "updated_at",
            now - 60 * DAY_MS,
        )
        .await;
        age(
            &t,
            "quotes",
            &quote_ids[1],
            "sent",
            "updated_at",
            now - 60 * DAY_MS,
        )
        .await;

        // Without a policy nothing goes.
        assert!(
            retention::purge_due(&f.db, &f.clock)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );

        retention::set(&f.db, &f.clock, &settings, "tickets", "30")
            .await
            .unwrap();
        retention::set(&f.db, &f.clock, &settings, " quotes ", "45")
            .await
            .unwrap();
        let purged = retention::purge_due(&f.db, &f.clock).await.unwrap();
        let mut what: Vec<_> = purged.iter().map(|p| (p.kind, p.records)).collect();
        what.sort();
        assert_eq!(what, [("quotes", 1), ("tickets", 1)], "{label}");
        assert_eq!(
            subjects(&t, &here).await,
            ["new closed", "old open"],
            "{label}"
        );
        assert_eq!(
            subjects(&t, &other).await,
            ["theirs, old closed"],
            "{label}"
        );
        assert_eq!(
            t.strings("SELECT title FROM quotes ORDER BY title").await,
            ["sent quote"],
            "{label}"
        );
        // The ticket's thread went with it.
        let messages = t
            .strings(&format!(
                "SELECT id FROM ticket_messages WHERE ticket_id = '{}'",
                old_closed.ticket.id.as_str()
            ))
            .await;
        assert!(messages.is_empty(), "{label}");
        // Nothing more is due on the same day.
        assert!(
            retention::purge_due(&f.db, &f.clock)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );

        let trail = t
            .strings(&format!(
                "SELECT action FROM audit_log WHERE workspace_id = '{}' AND \
                 (action = 'settings.retention' OR action = 'retention.purge') ORDER BY seq",
                here.as_str()
            ))
            .await;
        assert_eq!(
            trail,
            [
                "settings.retention",
                "settings.retention",
                "retention.purge",
                "retention.purge"
            ],
            "{label}"
        );
        let named = t
            .strings(&format!(
                "SELECT after_state FROM audit_log WHERE action = 'retention.purge' \
                 AND target = 'tickets' AND workspace_id = '{}'",
                here.as_str()
            ))
            .await;
        assert!(
            named[0].contains(old_closed.ticket.id.as_str()),
            "{label}: {named:?}"
        );

        // Emptying the days keeps them again, and is recorded.
        retention::set(&f.db, &f.clock, &settings, "tickets", "")
            .await
            .unwrap();
        let tickets_kept = retention::policies(&f.db, &read)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == "tickets")
            .unwrap()
            .days;
        assert_eq!(tickets_kept, None, "{label}");
    }
}

#[tokio::test]
async fn customers_with_no_activity_past_their_policy_are_erased_and_the_rest_kept() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let settings = f.grant::<SettingsWrite>().await;
        let here = f.workspace.clone();
        let dormant = customer(&f, &here, "Dormant Ltd").await;
        let busy = customer(&f, &here, "Busy Ltd").await;
        let open = customer(&f, &here, "Open Ltd").await;
        let restricted = customer(&f, &here, "Restricted Ltd").await;
        ticket(&f, &here, &open, "still open").await;
        let dormant_ticket = ticket(&f, &here, &dormant, "long closed").await;
        age(
            &t,
            "tickets",
            dormant_ticket.ticket.id.as_str(),
            "closed",
            "updated_at",
            START,
        )
        .await;
        t.db_exec(&format!(
            "UPDATE customers SET restricted_at = {START} WHERE id = '{}'",
            restricted.as_str()
        ))
        .await;

        // A year and more later Busy Ltd writes in; the others have been quiet.
        clock.advance(400 * DAY);
        ticket(&f, &here, &busy, "recent question").await;
        retention::set(&f.db, &f.clock, &settings, "customers", "365")
            .await
            .unwrap();
        let purged = retention::purge_due(&f.db, &f.clock).await.unwrap();
        let what: Vec<_> = purged.iter().map(|p| (p.kind, p.records)).collect();
        assert_eq!(what, [("customers", 1)], "{label}");
        let erased = format!(
            "Erased customer {}",
            &dormant.as_str()[dormant.as_str().len() - 6..]
        );
        let mut expected = vec![
            "Busy Ltd".to_owned(),
            erased,
            "Open Ltd".to_owned(),
            "Restricted Ltd".to_owned(),
        ];
        expected.sort();
        assert_eq!(
            t.strings("SELECT name FROM customers ORDER BY name").await,
            expected,
            "{label}"
        );
        // The kept ticket says why its subject went; the others' tickets are as they were.
        assert_eq!(
            subjects(&t, &here).await,
            [
                "Erased at the end of its retention period",
                "recent question",
                "still open"
            ],
            "{label}"
        );
        assert_eq!(
            t.strings(&format!(
                "SELECT body FROM ticket_messages WHERE ticket_id = '{}'",
                dormant_ticket.ticket.id.as_str()
            ))
            .await,
            ["Erased at the end of its retention period."],
            "{label}"
        );
        let named = t
            .strings(&format!(
                "SELECT after_state FROM audit_log WHERE action = 'retention.erase' \
                 AND target = 'customers' AND workspace_id = '{}'",
                here.as_str()
            ))
            .await;
        assert_eq!(named.len(), 1, "{label}");
        assert!(named[0].contains(dormant.as_str()), "{label}: {named:?}");
        // Erased once: nothing more is due.
        assert!(
            retention::purge_due(&f.db, &f.clock)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
    }
}
