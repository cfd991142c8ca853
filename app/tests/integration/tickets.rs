//! Tickets against real SQLite and PostgreSQL: opening one with its first message, every bad
//! field named and nothing written, the queue (unassigned tickets reached through their team,
//! taken by one person), the views, the status flow with its refusals, the thread of replies
//! and notes, optimistic versions, the history, and workspace isolation.

use app::model::{
    CustomerId, MessageKind, TeamId, TicketDetail, TicketPriority, TicketStatus, UserId,
};
use app::permissions::keys::{
    AuditRead, CustomersRead, CustomersWrite, RolesWrite, TeamWrite, TicketsRead, TicketsWrite,
};
use app::server::access::{audit, grants, role_editor};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers;
use app::server::records::tickets::{self, flow, thread, EditForm, ListQuery, TicketForm, View};
use app::server::workspace::teams;

use super::support::{draft, message};

const TABLES: &[&str] = &["tickets", "ticket_messages", "audit_log"];

async fn customer(f: &Fixture, name: &str) -> CustomerId {
    let form = customers::CustomerForm {
        name: name.into(),
        ..customers::CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &form)
        .await
        .unwrap()
        .id
}

fn form(customer: &str, subject: &str, assigned: &str, team: &str) -> TicketForm {
    TicketForm {
        customer_id: customer.into(),
        fields: EditForm {
            subject: subject.into(),
            priority: String::new(),
            assigned_user_id: assigned.into(),
            team_id: team.into(),
        },
        message: "The engine will not start.".into(),
    }
}

async fn open(f: &Fixture, who: &UserId, form: &TicketForm) -> Result<TicketDetail, DomainError> {
    let write = f.grant_of::<TicketsWrite>(who).await.unwrap();
    let read = f.grant_of::<CustomersRead>(who).await.unwrap();
    tickets::create(&f.db, &f.clock, &write, &read, form).await
}

async fn listed(f: &Fixture, who: &UserId, query: ListQuery) -> Vec<String> {
    let read = f.grant_of::<TicketsRead>(who).await.unwrap();
    tickets::list(&f.db, &read, &query)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.subject)
        .collect()
}

/// A support desk whose role reaches the tickets of its team, and its one member, Sam.
async fn support_desk(f: &Fixture) -> (TeamId, UserId) {
    let (db, clock) = (&f.db, &f.clock);
    let mut desk = draft(
        "Support desk",
        &["tickets.read", "tickets.write", "customers.read"],
    );
    desk.scopes = vec![
        ("tickets".into(), "team".into()),
        ("customers".into(), "all".into()),
    ];
    role_editor::create(db, clock, &f.grant::<RolesWrite>().await, &desk)
        .await
        .unwrap();
    let sam = f
        .add_member("sam@example.com", "Sam Support", "Support desk")
        .await;
    let write = f.grant::<TeamWrite>().await;
    let team = teams::create(db, clock, &write, "Support").await.unwrap();
    teams::add_member(db, clock, &write, &team, &sam)
        .await
        .unwrap();
    (team, sam)
}

/// Bad fields are named and write nothing; a good ticket opens with its first message public.
async fn the_owner_opens_tickets(
    t: &TestDb,
    f: &Fixture,
    team: &TeamId,
    label: &str,
) -> TicketDetail {
    let babbage = customer(f, "Babbage & Co").await;
    let c = babbage.as_str();
    let before = t.row_counts(TABLES).await;
    let mut urgent = form(c, "Bad priority", "", "");
    urgent.fields.priority = "critical".into();
    let mut silent = form(c, "No message", "", "");
    silent.message = "  ".into();
    for (bad, expected) in [
        (form("nobody", "Lost", "", ""), "customer_id"),
        (form(c, "  ", "", ""), "subject"),
        (form(c, "Line\nbreak", "", ""), "subject"),
        (urgent, "priority"),
        (silent, "message"),
        (form(c, "Stranger", "not-a-member", ""), "assigned_user_id"),
        (form(c, "No team", "", "not-a-team"), "team_id"),
    ] {
        let e = open(f, &f.owner, &bad).await.unwrap_err();
        assert!(message(e).starts_with(expected), "{label}: {bad:?}");
    }
    assert_eq!(t.row_counts(TABLES).await, before, "{label}");
    let made = open(
        f,
        &f.owner,
        &form(c, "Engine will not start", "", team.as_str()),
    )
    .await
    .unwrap();
    let tk = &made.ticket;
    assert_eq!(
        (
            tk.reference.as_str(),
            tk.status,
            tk.priority,
            tk.assigned_user_id.is_none(),
            tk.team.as_deref()
        ),
        (
            "T-1",
            TicketStatus::Open,
            TicketPriority::Normal,
            true,
            Some("Support")
        ),
        "{label}"
    );
    assert_eq!(made.messages.len(), 1, "{label}");
    assert_eq!(
        (made.messages[0].kind, made.messages[0].author.as_deref()),
        (MessageKind::Reply, Some("Ada Lovelace")),
        "{label}"
    );
    let mut billing = form(c, "Invoice question", f.owner.as_str(), "");
    billing.fields.priority = "low".into();
    open(f, &f.owner, &billing).await.unwrap();
    made
}

/// Sam's role reaches the Support team's tickets: the unassigned one is in his queue, he takes
/// it, and it is his; a ticket outside the team is not; he cannot leave one out of his reach.
async fn the_queue_is_worked_by_the_team(
    f: &Fixture,
    sam: &UserId,
    queued: &TicketDetail,
    label: &str,
) {
    let (db, clock) = (&f.db, &f.clock);
    let unassigned = ListQuery {
        view: View::Unassigned,
        ..ListQuery::default()
    };
    let mine = ListQuery {
        view: View::AssignedToMe,
        ..ListQuery::default()
    };
    assert_eq!(
        listed(f, sam, unassigned.clone()).await,
        ["Engine will not start"],
        "{label}"
    );
    assert_eq!(
        listed(f, sam, ListQuery::default()).await,
        ["Engine will not start"],
        "{label}"
    );
    assert!(listed(f, sam, mine.clone()).await.is_empty(), "{label}");
    let write = f.grant_of::<TicketsWrite>(sam).await.unwrap();
    let id = &queued.ticket.id;
    let taken = flow::take(db, clock, &write, id, 1).await.unwrap();
    assert_eq!(
        taken.ticket.assigned_to.as_deref(),
        Some("Sam Support"),
        "{label}"
    );
    assert_eq!(
        listed(f, sam, mine).await,
        ["Engine will not start"],
        "{label}"
    );
    assert!(listed(f, sam, unassigned).await.is_empty(), "{label}");
    let e = flow::take(db, clock, &f.grant::<TicketsWrite>().await, id, 2).await;
    assert!(
        message(e.unwrap_err()).contains("Sam Support has this ticket already"),
        "{label}"
    );
    let babbage = queued.ticket.customer_id.as_str();
    let e = open(f, sam, &form(babbage, "Nobody's", "", "")).await;
    assert!(
        message(e.unwrap_err()).starts_with("assigned_user_id"),
        "{label}: out of his reach"
    );
    let owners = listed(f, &f.owner, ListQuery::default()).await;
    let invoice = f.grant::<TicketsRead>().await;
    let invoice = tickets::list(
        db,
        &invoice,
        &ListQuery {
            priority: Some(TicketPriority::Low),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    assert_eq!(owners.len(), 2, "{label}");
    let sams = f.grant_of::<TicketsRead>(sam).await.unwrap();
    assert!(
        matches!(
            tickets::get(db, &sams, &invoice.id).await,
            Err(DomainError::NotFound)
        ),
        "{label}"
    );
}

/// The flow's steps and refusals, the thread, stale versions, and the history of it all.
async fn the_ticket_runs_its_course(
    t: &TestDb,
    f: &Fixture,
    sam: &UserId,
    id: &app::model::TicketId,
    label: &str,
) {
    let (db, clock) = (&f.db, &f.clock);
    let write = f.grant_of::<TicketsWrite>(sam).await.unwrap();
    let before = t.row_counts(TABLES).await;
    let e = flow::set_status(db, clock, &write, id, 2, TicketStatus::Closed).await;
    assert!(
        message(e.unwrap_err()).contains("An open ticket can't become closed"),
        "{label}"
    );
    let e = flow::set_status(db, clock, &write, id, 1, TicketStatus::Pending).await;
    assert!(
        message(e.unwrap_err()).contains("changed by someone else"),
        "{label}"
    );
    let e = thread::add_message(db, clock, &write, id, MessageKind::Reply, "\u{7}").await;
    assert!(message(e.unwrap_err()).starts_with("body"), "{label}");
    assert_eq!(
        t.row_counts(TABLES).await,
        before,
        "{label}: refusals change and log nothing"
    );

    thread::add_message(
        db,
        clock,
        &write,
        id,
        MessageKind::Reply,
        "Have you tried the crank?",
    )
    .await
    .unwrap();
    thread::add_message(
        db,
        clock,
        &write,
        id,
        MessageKind::Note,
        "Known fault in batch 7.",
    )
    .await
    .unwrap();
    let mut version = 2;
    for to in [
        TicketStatus::Pending,
        TicketStatus::Open,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ] {
        let moved = flow::set_status(db, clock, &write, id, version, to)
            .await
            .unwrap();
        assert_eq!(moved.ticket.status, to, "{label}");
        version = moved.ticket.version;
    }
    let e = thread::add_message(db, clock, &write, id, MessageKind::Reply, "One more thing").await;
    assert!(message(e.unwrap_err()).contains("closed"), "{label}");
    let closed = tickets::get(db, &f.grant_of::<TicketsRead>(sam).await.unwrap(), id)
        .await
        .unwrap();
    let thread: Vec<(MessageKind, &str)> = closed
        .messages
        .iter()
        .map(|m| (m.kind, m.body.as_str()))
        .collect();
    assert_eq!(
        thread,
        [
            (MessageKind::Reply, "The engine will not start."),
            (MessageKind::Reply, "Have you tried the crank?"),
            (MessageKind::Note, "Known fault in batch 7."),
        ],
        "{label}"
    );
    the_history_has_every_step(f, id, label).await;
}

/// The ticket's history: its opening, taking, messages and every status step, newest first.
async fn the_history_has_every_step(f: &Fixture, id: &app::model::TicketId, label: &str) {
    let db = &f.db;
    let history = audit::history(db, &f.grant::<AuditRead>().await, id.as_str())
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "ticket.closed",
            "ticket.resolved",
            "ticket.reopened",
            "ticket.pending",
            "ticket.noted",
            "ticket.replied",
            "ticket.taken",
            "ticket.create"
        ],
        "{label}"
    );
    let only_closed = ListQuery {
        status: Some(TicketStatus::Closed),
        ..ListQuery::default()
    };
    assert_eq!(
        listed(f, &f.owner, only_closed).await,
        ["Engine will not start"],
        "{label}"
    );
}

/// The owner's other workspace lists none of these tickets and finds none by id.
async fn another_workspace_sees_none(f: &Fixture, label: &str) {
    use app::server::identity::{accounts, workspaces::WorkspaceName};
    let (db, clock, owner) = (&f.db, &f.clock, &f.owner);
    let mine = tickets::list(db, &f.grant::<TicketsRead>().await, &ListQuery::default())
        .await
        .unwrap();
    let name = WorkspaceName::parse("Elsewhere Support").unwrap();
    let other = accounts::create_workspace(db, clock, owner, &name)
        .await
        .unwrap();
    let read = grants::require::<TicketsRead>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let listed = tickets::list(db, &read, &ListQuery::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty() && !mine.items.is_empty(), "{label}");
    for tk in &mine.items {
        assert!(
            matches!(
                tickets::get(db, &read, &tk.id).await,
                Err(DomainError::NotFound)
            ),
            "{label}"
        );
    }
}

#[tokio::test]
async fn tickets_are_queued_taken_answered_and_closed_within_reach() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let (team, sam) = support_desk(&f).await;
        let queued = the_owner_opens_tickets(&t, &f, &team, label).await;
        the_queue_is_worked_by_the_team(&f, &sam, &queued, label).await;
        the_ticket_runs_its_course(&t, &f, &sam, &queued.ticket.id, label).await;
        another_workspace_sees_none(&f, label).await;
    }
}
