//! Bulk actions against real SQLite and PostgreSQL: only for roles that allow bulk work, no
//! more records than the role's max-records cap, every record within reach or nothing changes,
//! all-or-nothing when one record refuses, and one audit entry listing the records.

use app::model::{CustomerId, MessageKind, TicketStatus, UserId};
use app::permissions::keys::{
    CustomersDelete, CustomersRead, CustomersWrite, QuotesWrite, RolesWrite, TicketsWrite,
};
use app::server::access::{grants, role_editor};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::bulk::Selection;
use app::server::records::tickets::{self, flow, thread};
use app::server::records::{customers, quotes};

use super::support::{draft, message};

async fn customer(f: &Fixture, name: &str, assigned: &UserId) -> CustomerId {
    let form = customers::CustomerForm {
        name: name.into(),
        assigned_user_id: assigned.as_str().into(),
        ..customers::CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &form)
        .await
        .unwrap()
        .id
}

fn selection(ids: &[&CustomerId]) -> Selection {
    let joined: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
    Selection::parse(&joined.join(",")).unwrap()
}

/// The rows of `customers` as "name → assignee (version)", to see that refusals change nothing.
async fn assignments(t: &TestDb) -> Vec<String> {
    t.rows_as_text("SELECT name, assigned_user_id, version FROM customers ORDER BY name")
        .await
}

/// The Owner assigns three customers at once: one statement's worth of change, one entry.
async fn the_owner_assigns_many(
    t: &TestDb,
    f: &Fixture,
    to: &UserId,
    ids: &[&CustomerId],
    label: &str,
) {
    let write = f.grant::<CustomersWrite>().await;
    let bulk = write.bulk().unwrap();
    let before = t.row_counts(&["audit_log"]).await;
    let n = customers::bulk_assign(&f.db, &f.clock, &bulk, &selection(ids), to.as_str(), "")
        .await
        .unwrap();
    assert_eq!(n, 3, "{label}");
    let after = t.row_counts(&["audit_log"]).await;
    assert_eq!(
        after[0].1,
        before[0].1 + 1,
        "{label}: one entry for the lot"
    );
    let logged = t
        .strings("SELECT action || ' ' || target || ' ' || after_state FROM audit_log WHERE action LIKE '%bulk%'")
        .await;
    assert_eq!(logged.len(), 1, "{label}");
    assert!(
        logged[0].starts_with("customer.bulk_assign 3 customers"),
        "{label}: {logged:?}"
    );
    assert!(
        ids.iter().all(|id| logged[0].contains(id.as_str())),
        "{label}: lists every record"
    );
    let rows = assignments(t).await;
    assert!(
        rows.iter().filter(|r| r.contains(to.as_str())).count() >= 3,
        "{label}: {rows:?}"
    );
}

/// Staff roles do not allow bulk work; a role that does is held to its cap and its reach.
async fn roles_hold_bulk_work_to_their_limits(
    t: &TestDb,
    f: &Fixture,
    ids: &[&CustomerId],
    label: &str,
) {
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let staff = f.grant_of::<CustomersWrite>(&grace).await.unwrap();
    assert!(
        matches!(staff.bulk(), Err(DomainError::Forbidden)),
        "{label}"
    );

    let mut desk = draft("Bulk desk", &["customers.read", "customers.write"]);
    desk.allow_bulk = true;
    desk.max_records = "2".into();
    desk.scopes = vec![("customers".into(), "assigned".into())];
    role_editor::create(&f.db, &f.clock, &f.grant::<RolesWrite>().await, &desk)
        .await
        .unwrap();
    let bo = f.add_member("bo@example.com", "Bo Bulk", "Bulk desk").await;
    let his_a = customer(f, "Bo's A", &bo).await;
    let his_b = customer(f, "Bo's B", &bo).await;
    let write = f.grant_of::<CustomersWrite>(&bo).await.unwrap();
    let bulk = write.bulk().unwrap();
    let before = assignments(t).await;
    let too_many = selection(&[&his_a, &his_b, ids[0]]);
    let e = customers::bulk_assign(&f.db, &f.clock, &bulk, &too_many, "", "").await;
    assert!(
        message(e.unwrap_err()).starts_with("ids: Your role works with at most 2"),
        "{label}"
    );
    let not_his = selection(&[&his_a, ids[0]]);
    let e = customers::bulk_assign(&f.db, &f.clock, &bulk, &not_his, "", "").await;
    assert!(
        message(e.unwrap_err()).contains("gone or out of your reach"),
        "{label}"
    );
    let away = selection(&[&his_a, &his_b]);
    let e = customers::bulk_assign(&f.db, &f.clock, &bulk, &away, f.owner.as_str(), "").await;
    assert!(
        message(e.unwrap_err()).starts_with("assigned_user_id"),
        "{label}: not out of his own reach"
    );
    assert_eq!(
        assignments(t).await,
        before,
        "{label}: refusals change nothing"
    );
    let n = customers::bulk_assign(&f.db, &f.clock, &bulk, &away, "", "")
        .await
        .unwrap();
    assert_eq!(n, 2, "{label}");
}

/// A delete takes all or none: a customer a quote names keeps every chosen one.
async fn a_bulk_delete_is_all_or_nothing(t: &TestDb, f: &Fixture, label: &str) {
    let (db, clock) = (&f.db, &f.clock);
    let a = customer(f, "Delete A", &f.owner).await;
    let b = customer(f, "Delete B", &f.owner).await;
    let quoted = customer(f, "Delete C (quoted)", &f.owner).await;
    let form = quotes::QuoteForm {
        header: app::server::records::documents::header::HeaderForm {
            customer_id: quoted.as_str().into(),
            ..Default::default()
        },
        title: "Keeps C".into(),
        valid_until: String::new(),
    };
    quotes::create(
        db,
        clock,
        &f.grant::<QuotesWrite>().await,
        &f.grant::<CustomersRead>().await,
        &form,
    )
    .await
    .unwrap();
    let delete = f.grant::<CustomersDelete>().await;
    let bulk = delete.bulk().unwrap();
    let before = t.row_counts(&["customers", "audit_log"]).await;
    let e = customers::bulk_delete(db, clock, &bulk, &selection(&[&a, &b, &quoted])).await;
    assert!(
        message(e.unwrap_err()).contains("none was deleted"),
        "{label}"
    );
    assert_eq!(
        t.row_counts(&["customers", "audit_log"]).await,
        before,
        "{label}"
    );
    let n = customers::bulk_delete(db, clock, &bulk, &selection(&[&a, &b]))
        .await
        .unwrap();
    assert_eq!(n, 2, "{label}");
}

/// Another workspace's ids are out of reach like any other.
async fn foreign_ids_change_nothing(t: &TestDb, f: &Fixture, ids: &[&CustomerId], label: &str) {
    use app::server::identity::{accounts, workspaces::WorkspaceName};
    let name = WorkspaceName::parse("Elsewhere Bulk").unwrap();
    let other = accounts::create_workspace(&f.db, &f.clock, &f.owner, &name)
        .await
        .unwrap();
    let write = grants::require::<CustomersWrite>(&f.db, &f.clock, &f.owner, &other.id)
        .await
        .unwrap();
    let bulk = write.bulk().unwrap();
    let before = assignments(t).await;
    let e = customers::bulk_assign(&f.db, &f.clock, &bulk, &selection(ids), "", "").await;
    assert!(
        message(e.unwrap_err()).contains("gone or out of your reach"),
        "{label}"
    );
    assert_eq!(assignments(t).await, before, "{label}");
}

/// Tickets move together or not at all, the refusal naming the ticket that stopped them.
async fn tickets_change_status_together(f: &Fixture, label: &str) {
    let (db, clock) = (&f.db, &f.clock);
    let client = customer(f, "Ticket Client", &f.owner).await;
    let write = f.grant::<TicketsWrite>().await;
    let read = f.grant::<CustomersRead>().await;
    let mut made = Vec::new();
    for subject in ["One", "Two", "Three"] {
        let form = tickets::TicketForm {
            customer_id: client.as_str().into(),
            fields: tickets::EditForm {
                subject: subject.into(),
                ..Default::default()
            },
            message: "Help".into(),
        };
        made.push(
            tickets::create(db, clock, &write, &read, &form)
                .await
                .unwrap()
                .ticket,
        );
    }
    flow::set_status(db, clock, &write, &made[2].id, 1, TicketStatus::Resolved)
        .await
        .unwrap();
    flow::set_status(db, clock, &write, &made[2].id, 2, TicketStatus::Closed)
        .await
        .unwrap();
    let all = Selection::parse(
        &made
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(","),
    )
    .unwrap();
    let bulk = write.bulk().unwrap();
    let e = flow::bulk_status(db, clock, &bulk, &all, TicketStatus::Resolved).await;
    assert_eq!(
        message(e.unwrap_err()),
        format!(
            "conflict: {}: This ticket is closed: open a new ticket instead. Nothing was changed.",
            made[2].reference
        ),
        "{label}"
    );
    let open_two = Selection::parse(&format!("{},{}", made[0].id, made[1].id)).unwrap();
    assert_eq!(
        flow::bulk_status(db, clock, &bulk, &open_two, TicketStatus::Resolved)
            .await
            .unwrap(),
        2,
        "{label}"
    );
    let mine = tickets::bulk_assign(db, clock, &bulk, &open_two, f.owner.as_str(), "").await;
    assert_eq!(mine.unwrap(), 2, "{label}");
    // Back to nobody: tickets may wait unassigned (the Owner reaches every queue).
    let queued = tickets::bulk_assign(db, clock, &bulk, &open_two, "", "").await;
    assert_eq!(queued.unwrap(), 2, "{label}");
    let read = f.grant::<app::permissions::keys::TicketsRead>().await;
    let unassigned = tickets::ListQuery {
        view: tickets::View::Unassigned,
        ..Default::default()
    };
    let waiting = tickets::list(db, &read, &unassigned)
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(
        waiting, 3,
        "{label}: the two, and the closed one never assigned"
    );
    let e = thread::add_message(db, clock, &write, &made[2].id, MessageKind::Note, "Late").await;
    assert!(message(e.unwrap_err()).contains("closed"), "{label}");
}

#[tokio::test]
async fn bulk_actions_are_gated_capped_within_reach_and_all_or_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let mia = f
            .add_member("mia@example.com", "Mia Manager", "Manager")
            .await;
        let a = customer(&f, "Alpha", &f.owner).await;
        let b = customer(&f, "Beta", &f.owner).await;
        let c = customer(&f, "Gamma", &f.owner).await;
        the_owner_assigns_many(&t, &f, &mia, &[&a, &b, &c], label).await;
        roles_hold_bulk_work_to_their_limits(&t, &f, &[&a, &b, &c], label).await;
        a_bulk_delete_is_all_or_nothing(&t, &f, label).await;
        foreign_ids_change_nothing(&t, &f, &[&a, &b], label).await;
        tickets_change_status_together(&f, label).await;
    }
}
