//! Automations against real SQLite and PostgreSQL: a record's change starts the runs of the
//! automations it triggers, in its own transaction, only where their conditions hold; a round
//! robin shares records out in turn, and two workers at once run each run once; an
//! automation's changes set off automations one deeper and a loop is cut at depth three; an
//! automation acts within what its author holds at the run, so a deactivated author's
//! automation is refused and the refusal is in its run log and the trail; bad forms are
//! refused naming the field. What each kind of step does is in `automation_steps.rs`.

use app::model::{Action, Condition, ConditionOp, Step, TeamId, TicketDetail, UserId};
use app::permissions::keys::{
    CustomersRead, CustomersWrite, IntegrationsManage, RolesWrite, TeamWrite, TicketsWrite,
};
use app::server::access::{role_deletion, role_editor};
use app::server::integrations::automations::editing::{self, AutomationForm};
use app::server::integrations::automations::{runner, view};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers;
use app::server::records::tickets::{self, flow, EditForm, TicketForm};
use app::server::workspace::{members, teams};

use super::support::{draft, message};

/// A team of three support people.
pub(super) async fn desk(f: &Fixture) -> (TeamId, Vec<UserId>) {
    let write = f.grant::<TeamWrite>().await;
    let team = teams::create(&f.db, &f.clock, &write, "Support")
        .await
        .unwrap();
    let mut people = Vec::new();
    for (email, name) in [
        ("ann@example.com", "Ann"),
        ("bo@example.com", "Bo"),
        ("cy@example.com", "Cy"),
    ] {
        let who = f.add_member(email, name, "Staff").await;
        teams::add_member(&f.db, &f.clock, &write, &team, &who)
            .await
            .unwrap();
        people.push(who);
    }
    people.sort();
    (team, people)
}

pub(super) fn round_robin(team: &TeamId) -> String {
    serde_json::to_string(&[Step {
        action: Action::RoundRobin {
            team_id: team.as_str().into(),
        },
        continue_on_failure: false,
    }])
    .unwrap()
}

pub(super) fn form(
    name: &str,
    trigger: &str,
    conditions: &[Condition],
    steps: String,
    role: &str,
) -> AutomationForm {
    AutomationForm {
        name: name.into(),
        trigger: trigger.into(),
        conditions: serde_json::to_string(conditions).unwrap(),
        steps,
        role_id: role.into(),
        enabled: true,
    }
}

pub(super) async fn make(
    f: &Fixture,
    author: &UserId,
    form: &AutomationForm,
) -> Result<(), String> {
    let grant = f
        .grant_of::<IntegrationsManage>(author)
        .await
        .map_err(message)?;
    let checked = editing::check(&f.db, &f.clock, &grant, form)
        .await
        .map_err(message)?;
    editing::create(&f.db, &f.clock, &grant, checked)
        .await
        .map_err(message)?;
    Ok(())
}

pub(super) async fn ticket(f: &Fixture, subject: &str, priority: &str) -> TicketDetail {
    let cform = customers::CustomerForm {
        name: format!("{subject} Ltd"),
        ..customers::CustomerForm::default()
    };
    let customer = customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &cform)
        .await
        .unwrap();
    let form = TicketForm {
        customer_id: customer.id.as_str().into(),
        fields: EditForm {
            subject: subject.into(),
            priority: priority.into(),
            assigned_user_id: String::new(),
            team_id: String::new(),
        },
        message: "It will not start.".into(),
    };
    let write = f.grant::<TicketsWrite>().await;
    let read = f.grant::<CustomersRead>().await;
    tickets::create(&f.db, &f.clock, &write, &read, &form)
        .await
        .unwrap()
}

pub(super) async fn assignee(f: &Fixture, t: &TicketDetail) -> Option<String> {
    let read = f.grant::<app::permissions::keys::TicketsRead>().await;
    tickets::get(&f.db, &read, &t.ticket.id)
        .await
        .unwrap()
        .ticket
        .assigned_user_id
        .map(|u| u.as_str().to_owned())
}

pub(super) async fn statuses(t: &TestDb) -> Vec<String> {
    t.strings(
        "SELECT status || ':' || depth FROM automation_runs ORDER BY depth, created_at, status",
    )
    .await
}

#[tokio::test]
async fn new_tickets_are_shared_out_in_turn_and_each_run_happens_once() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_589_432_000)).await;
        let (team, people) = desk(&f).await;
        let manager = f.role("Manager").await;
        let high = Condition {
            field: "priority".into(),
            op: ConditionOp::Is,
            value: "High".into(),
        };
        let rule = form(
            "Share out urgent tickets",
            "ticket.create",
            &[high],
            round_robin(&team),
            manager.as_str(),
        );
        make(&f, &f.owner, &rule).await.unwrap();
        let mut made = Vec::new();
        for i in 0..4 {
            made.push(ticket(&f, &format!("Urgent {i}"), "high").await);
        }
        let calm = ticket(&f, "Whenever", "low").await;
        assert_eq!(
            statuses(&t).await,
            vec!["pending:1"; 4],
            "{label}: only where the condition holds"
        );
        // Two workers at once: each run is claimed by one of them.
        let (a, b) = tokio::join!(
            runner::run_due(&f.db, &f.clock, 2),
            runner::run_due(&f.db, &f.clock, 10)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 4, "{label}");
        let mut given = Vec::new();
        for ticket in &made {
            given.push(assignee(&f, ticket).await.expect("assigned"));
        }
        let mut turns: Vec<String> = given.clone();
        turns.sort();
        let expected: Vec<String> = [0, 0, 1, 2]
            .iter()
            .map(|i| people[*i].as_str().to_owned())
            .collect();
        assert_eq!(
            turns, expected,
            "{label}: three people, four tickets: one of them twice, in turn"
        );
        assert_eq!(assignee(&f, &calm).await, None, "{label}");
        assert_eq!(statuses(&t).await, vec!["succeeded:1"; 4], "{label}");
        let steps = t
            .strings("SELECT outcome || ':' || detail FROM automation_steps ORDER BY detail")
            .await;
        assert_eq!(steps.len(), 4, "{label}");
        for step in &steps {
            let name = step.strip_prefix("done:Assigned to ").unwrap_or_default();
            assert!(["Ann.", "Bo.", "Cy."].contains(&name), "{label}: {step}");
        }
        let trail = t
            .strings("SELECT action || ':' || actor_kind FROM audit_log WHERE action LIKE 'automation.%' OR (action = 'ticket.update' AND actor_kind = 'automation') ORDER BY seq")
            .await;
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "automation.run:automation")
                .count(),
            4,
            "{label}: {trail:?}"
        );
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "ticket.update:automation")
                .count(),
            4,
            "{label}: {trail:?}"
        );
        assert_eq!(trail[0], "automation.create:person", "{label}");
        assert_eq!(
            runner::run_due(&f.db, &f.clock, 10).await.unwrap(),
            0,
            "{label}: nothing twice"
        );
    }
}

#[tokio::test]
async fn an_automation_that_sets_itself_off_is_cut_at_depth_three() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_589_432_000)).await;
        let (team, _) = desk(&f).await;
        let manager = f.role("Manager").await;
        let rule = form(
            "Pass it on",
            "ticket.update",
            &[],
            round_robin(&team),
            manager.as_str(),
        );
        make(&f, &f.owner, &rule).await.unwrap();
        let made = ticket(&f, "Loop", "normal").await;
        assert!(
            statuses(&t).await.is_empty(),
            "{label}: a creation is not a change"
        );
        let write = f.grant::<TicketsWrite>().await;
        flow::set_status(
            &f.db,
            &f.clock,
            &write,
            &made.ticket.id,
            made.ticket.version,
            app::model::TicketStatus::Pending,
        )
        .await
        .unwrap();
        assert!(
            statuses(&t).await.is_empty(),
            "{label}: a status step is not an edit"
        );
        let edit = EditForm {
            subject: "Loop again".into(),
            priority: "normal".into(),
            assigned_user_id: String::new(),
            team_id: String::new(),
        };
        let read = f.grant::<app::permissions::keys::TicketsRead>().await;
        let now = tickets::get(&f.db, &read, &made.ticket.id)
            .await
            .unwrap()
            .ticket
            .version;
        tickets::update(&f.db, &f.clock, &write, &made.ticket.id, now, &edit)
            .await
            .unwrap();
        while runner::run_due(&f.db, &f.clock, 10).await.unwrap() > 0 {}
        assert_eq!(
            statuses(&t).await,
            vec!["succeeded:1", "succeeded:2", "succeeded:3", "cut:4"],
            "{label}"
        );
    }
}

#[tokio::test]
async fn an_automation_never_acts_beyond_its_author() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_589_432_000)).await;
        let (team, _) = desk(&f).await;
        let mut router = draft(
            "Ticket router",
            &[
                "integrations.manage",
                "tickets.read",
                "tickets.write",
                "customers.read",
            ],
        );
        router.scopes = vec![
            ("tickets".into(), "all".into()),
            ("customers".into(), "all".into()),
        ];
        role_editor::create(&f.db, &f.clock, &f.grant::<RolesWrite>().await, &router)
            .await
            .unwrap();
        let ruth = f
            .add_member("ruth@example.com", "Ruth", "Ticket router")
            .await;
        let manager = f.role("Manager").await;
        let owner = f.role("Owner").await;
        let routed = f.role("Ticket router").await;
        let steps = round_robin(&team);
        let refused = make(
            &f,
            &ruth,
            &form(
                "Too wide",
                "ticket.create",
                &[],
                steps.clone(),
                manager.as_str(),
            ),
        )
        .await;
        assert!(
            refused.unwrap_err().starts_with("role_id: "),
            "{label}: more than she holds"
        );
        let refused = make(
            &f,
            &f.owner,
            &form("Owner", "ticket.create", &[], steps.clone(), owner.as_str()),
        )
        .await;
        assert_eq!(
            refused.unwrap_err(),
            "role_id: An automation can't act as an Owner. Choose a narrower role."
        );
        for (bad, field) in [
            (
                form("", "ticket.create", &[], steps.clone(), routed.as_str()),
                "name",
            ),
            (
                form("x", "ticket.explode", &[], steps.clone(), routed.as_str()),
                "trigger",
            ),
            (
                form(
                    "x",
                    "ticket.create",
                    &[],
                    "[{\"action\":{\"kind\":\"rm -rf\"}}]".into(),
                    routed.as_str(),
                ),
                "steps",
            ),
            (
                form("x", "ticket.create", &[], "[]".into(), routed.as_str()),
                "steps",
            ),
            (
                form(
                    "x",
                    "ticket.create",
                    &[Condition {
                        field: "tax_id".into(),
                        op: ConditionOp::IsEmpty,
                        value: String::new(),
                    }],
                    steps.clone(),
                    routed.as_str(),
                ),
                "conditions",
            ),
        ] {
            let e = make(&f, &ruth, &bad).await.unwrap_err();
            assert!(e.starts_with(&format!("{field}: ")), "{label}: {e}");
        }
        let elsewhere = f.other_workspace("Elsewhere").await;
        let theirs = teams::create(
            &f.db,
            &f.clock,
            &app::server::access::grants::require::<TeamWrite>(
                &f.db, &f.clock, &f.owner, &elsewhere,
            )
            .await
            .unwrap(),
            "Their team",
        )
        .await
        .unwrap();
        let e = make(
            &f,
            &ruth,
            &form(
                "x",
                "ticket.create",
                &[],
                round_robin(&theirs),
                routed.as_str(),
            ),
        )
        .await;
        assert!(
            e.unwrap_err().starts_with("steps: "),
            "{label}: another workspace's team"
        );
        assert_eq!(
            t.row_counts(&["automations"]).await[0].1,
            0,
            "{label}: nothing made"
        );

        make(
            &f,
            &ruth,
            &form("Route", "ticket.create", &[], steps, routed.as_str()),
        )
        .await
        .unwrap();
        // Another workspace's manager neither finds, changes, reads the runs of nor deletes it.
        let route = t
            .strings("SELECT id FROM automations WHERE name = 'Route'")
            .await;
        let route = app::model::AutomationId::from_client(&route[0]).unwrap();
        let theirs_manage = app::server::access::grants::require::<IntegrationsManage>(
            &f.db, &f.clock, &f.owner, &elsewhere,
        )
        .await
        .unwrap();
        let their_staff = t
            .strings(&format!(
                "SELECT id FROM roles WHERE workspace_id = '{}' AND base_role = 'staff'",
                elsewhere.as_str()
            ))
            .await
            .remove(0);
        let takeover = form(
            "Taken",
            "ticket.create",
            &[],
            round_robin(&theirs),
            &their_staff,
        );
        let checked = editing::check(&f.db, &f.clock, &theirs_manage, &takeover)
            .await
            .unwrap();
        let stranger = [
            editing::update(&f.db, &f.clock, &theirs_manage, &route, 1, checked).await,
            editing::delete(&f.db, &f.clock, &theirs_manage, &route).await,
            view::runs(&f.db, &theirs_manage, &route).await.map(drop),
        ];
        for refused in stranger {
            assert_eq!(message(refused.unwrap_err()), "NotFound", "{label}");
        }
        let kept = t
            .strings("SELECT name || ':' || version FROM automations")
            .await;
        assert_eq!(kept, vec!["Route:1"], "{label}");
        members::deactivate(&f.db, &f.clock, &f.grant::<TeamWrite>().await, &ruth)
            .await
            .unwrap();
        let made = ticket(&f, "After Ruth left", "normal").await;
        runner::run_due(&f.db, &f.clock, 10).await.unwrap();
        assert_eq!(assignee(&f, &made).await, None, "{label}");
        assert_eq!(statuses(&t).await, vec!["failed:1"], "{label}");
        assert_eq!(
            t.strings("SELECT outcome || ':' || detail FROM automation_steps")
                .await,
            vec!["failed:The automation's role does not allow this step."],
            "{label}"
        );
        let trail = t
            .strings("SELECT action FROM audit_log WHERE actor_kind = 'automation'")
            .await;
        assert_eq!(trail, vec!["automation.run_failed"], "{label}");

        // Deleting the role an automation acts under asks where it goes, and moves it there.
        let mut night = draft("Night router", &["tickets.read", "tickets.write"]);
        night.scopes = vec![("tickets".into(), "all".into())];
        let roles = f.grant::<RolesWrite>().await;
        role_editor::create(&f.db, &f.clock, &roles, &night)
            .await
            .unwrap();
        let night = f.role("Night router").await;
        let nightly = form(
            "Nightly",
            "ticket.update",
            &[],
            round_robin(&team),
            night.as_str(),
        );
        make(&f, &f.owner, &nightly).await.unwrap();
        let refused = role_deletion::delete(&f.db, &f.clock, &roles, &night, None).await;
        assert_eq!(
            message(refused.unwrap_err()),
            "reassign_to: Automations act under this role: choose the role they move to.",
            "{label}"
        );
        role_deletion::delete(&f.db, &f.clock, &roles, &night, Some(manager.as_str()))
            .await
            .unwrap();
        let moved = t
            .strings("SELECT r.name FROM automations a JOIN roles r ON r.id = a.role_id WHERE a.name = 'Nightly'")
            .await;
        assert_eq!(moved, vec!["Manager"], "{label}");
    }
}
