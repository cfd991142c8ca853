//! Teams and departments against real SQLite and PostgreSQL: managing them, and the `team` and
//! `department` data scopes they back.

use app::model::{DepartmentId, TeamId, UserId};
use app::permissions::keys::{CustomersRead, CustomersWrite, TeamRead, TeamWrite};
use app::server::access::grants::Grant;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::{workspace::departments, workspace::teams};

fn field(e: DomainError) -> String {
    match e {
        DomainError::Invalid { field, message } => format!("{field}: {message}"),
        other => format!("{other:?}"),
    }
}

/// One customer assigned to Alan, in team North; team names are checked. Returns North.
async fn a_team_and_a_customer_in_it(
    t: &TestDb,
    f: &Fixture,
    write: &Grant<TeamWrite>,
    alan: &UserId,
) -> TeamId {
    let label = t.backend().name();
    // One customer assigned to Alan, in team North.
    let north = teams::create(&t.db, &f.clock, write, "North")
        .await
        .unwrap();
    assert_eq!(
        field(
            teams::create(&t.db, &f.clock, write, " North ")
                .await
                .unwrap_err()
        ),
        "name: A team with this name already exists.",
        "{label}"
    );
    assert!(field(
        teams::create(&t.db, &f.clock, write, "  ")
            .await
            .unwrap_err()
    )
    .starts_with("name: "));
    customers::create(
        &t.db,
        &f.clock,
        &f.grant::<CustomersWrite>().await,
        &CustomerForm {
            name: "Enigma Ltd".into(),
            assigned_user_id: alan.as_str().into(),
            team_id: north.as_str().into(),
            ..CustomerForm::default()
        },
    )
    .await
    .unwrap();
    north
}

/// Grace reaches North's customer only while she is in North.
async fn team_scope_follows_membership(
    t: &TestDb,
    f: &Fixture,
    write: &Grant<TeamWrite>,
    north: &TeamId,
    grace: &UserId,
) {
    let label = t.backend().name();
    // Team scope: Grace reaches North's customer only while she is in North.
    assert_eq!(reach(t, f, grace, "team").await, 0, "{label}");
    teams::add_member(&t.db, &f.clock, write, north, grace)
        .await
        .unwrap();
    assert_eq!(reach(t, f, grace, "team").await, 1, "{label}");
    teams::remove_member(&t.db, &f.clock, write, north, grace)
        .await
        .unwrap();
    assert_eq!(reach(t, f, grace, "team").await, 0, "{label}");
    assert!(matches!(
        teams::remove_member(&t.db, &f.clock, write, north, grace).await,
        Err(DomainError::NotFound)
    ));
}

/// Grace reaches Alan's customer while both are in Research. Returns Research.
async fn department_scope_follows_departments(
    t: &TestDb,
    f: &Fixture,
    write: &Grant<TeamWrite>,
    grace: &UserId,
    alan: &UserId,
) -> DepartmentId {
    let label = t.backend().name();
    // Department scope: Grace reaches Alan's customer while both are in Research.
    let research = departments::create(&t.db, &f.clock, write, "Research")
        .await
        .unwrap();
    departments::set_for_member(&t.db, &f.clock, write, grace, Some(&research))
        .await
        .unwrap();
    assert_eq!(
        reach(t, f, grace, "department").await,
        0,
        "{label}: Alan is elsewhere"
    );
    departments::set_for_member(&t.db, &f.clock, write, alan, Some(&research))
        .await
        .unwrap();
    assert_eq!(reach(t, f, grace, "department").await, 1, "{label}");
    let unknown = DepartmentId::from_client("0190a0a0-0000-7000-8000-00000000000d").unwrap();
    let e = departments::set_for_member(&t.db, &f.clock, write, alan, Some(&unknown))
        .await
        .unwrap_err();
    assert_eq!(
        field(e),
        "department_id: Choose a department of this workspace.",
        "{label}"
    );
    let e = departments::set_for_member(
        &t.db,
        &f.clock,
        write,
        &UserId::from_client("0190a0a0-0000-7000-8000-000000000001".into()).unwrap(),
        Some(&research),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, DomainError::NotFound), "{label}");

    let overview = teams::groups(&t.db, &f.grant::<TeamRead>().await)
        .await
        .unwrap();
    assert_eq!(overview.teams.len(), 1, "{label}");
    assert!(overview.teams[0].members.is_empty(), "{label}");
    let people: Vec<&str> = overview.departments[0]
        .members
        .iter()
        .map(|m| m.label.as_str())
        .collect();
    assert_eq!(
        people.len(),
        2,
        "{label}: Grace and Alan in Research: {people:?}"
    );
    research
}

/// The team is cleared from its customers, the department from its members; all audited.
async fn deleting_keeps_the_records(
    t: &TestDb,
    f: &Fixture,
    write: &Grant<TeamWrite>,
    north: &TeamId,
    research: &DepartmentId,
    grace: &UserId,
) {
    let label = t.backend().name();
    // Deleting keeps the records: the team is cleared from its customers, the department
    // from its members.
    teams::delete(&t.db, &f.clock, write, north).await.unwrap();
    departments::delete(&t.db, &f.clock, write, research)
        .await
        .unwrap();
    assert_eq!(reach(t, f, grace, "department").await, 0, "{label}");
    let owner_read = f.grant::<CustomersRead>().await;
    let all = customers::list(&t.db, &owner_read, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1, "{label}");
    assert_eq!(all.items[0].team_id, None, "{label}");
    assert_eq!(
        t.strings("SELECT action FROM audit_log WHERE action LIKE 'team.%' OR action LIKE 'department.%' ORDER BY id")
            .await,
        [
            "team.create",
            "team.add_member",
            "team.remove_member",
            "department.create",
            "department.set_member",
            "department.set_member",
            "team.delete",
            "department.delete"
        ],
        "{label}"
    );
}

/// How many customers Grace reaches once Staff's customers scope is `scope`.
async fn reach(t: &TestDb, f: &Fixture, grace: &UserId, scope: &str) -> i64 {
    t.db_exec(&format!(
        "UPDATE role_scopes SET scope = '{scope}' WHERE role_id = '{}' AND resource = 'customers'",
        f.role("Staff").await.as_str()
    ))
    .await;
    let read = f.grant_of::<CustomersRead>(grace).await.unwrap();
    customers::count(&t.db, &read).await.unwrap()
}

#[tokio::test]
async fn teams_and_departments_change_who_reaches_which_customers() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let alan = f
            .add_member("alan@example.com", "Alan Turing", "Staff")
            .await;
        let write = f.grant::<TeamWrite>().await;
        let north = a_team_and_a_customer_in_it(&t, &f, &write, &alan).await;
        team_scope_follows_membership(&t, &f, &write, &north, &grace).await;
        let research = department_scope_follows_departments(&t, &f, &write, &grace, &alan).await;
        deleting_keeps_the_records(&t, &f, &write, &north, &research, &grace).await;
    }
}
