//! Teams and departments against real SQLite and PostgreSQL: managing them, and the `team` and
//! `department` data scopes they back.

use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::{workspace::departments, workspace::teams};

fn field(e: DomainError) -> String {
    match e {
        DomainError::Invalid { field, message } => format!("{field}: {message}"),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn teams_and_departments_change_who_reaches_which_customers() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let alan = f
            .add_member("alan@example.com", "Alan Turing", "Staff")
            .await;
        let write = f.grant::<app::permissions::keys::TeamWrite>().await;

        // One customer assigned to Alan, in team North.
        let north = teams::create(&t.db, &clock, &write, "North").await.unwrap();
        assert_eq!(
            field(
                teams::create(&t.db, &clock, &write, " North ")
                    .await
                    .unwrap_err()
            ),
            "name: A team with this name already exists.",
            "{label}"
        );
        assert!(field(
            teams::create(&t.db, &clock, &write, "  ")
                .await
                .unwrap_err()
        )
        .starts_with("name: "));
        customers::create(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::CustomersWrite>().await,
            &CustomerForm {
                name: "Enigma Ltd".into(),
                assigned_user_id: alan.as_str().into(),
                team_id: north.as_str().into(),
                ..CustomerForm::default()
            },
        )
        .await
        .unwrap();
        let reach = |scope: &'static str| {
            let (t, clock, f, grace) = (&t, &clock, &f, grace.clone());
            async move {
                t.db_exec(&format!(
                    "UPDATE role_scopes SET scope = '{scope}' WHERE role_id = '{}' AND resource = 'customers'",
                    f.role("Staff").await.as_str()
                ))
                .await;
                let read = grants::require::<app::permissions::keys::CustomersRead>(
                    &t.db,
                    clock,
                    &grace,
                    &f.workspace,
                )
                .await
                .unwrap();
                customers::count(&t.db, &read).await.unwrap()
            }
        };

        // Team scope: Grace reaches North's customer only while she is in North.
        assert_eq!(reach("team").await, 0, "{label}");
        teams::add_member(&t.db, &clock, &write, &north, &grace)
            .await
            .unwrap();
        assert_eq!(reach("team").await, 1, "{label}");
        teams::remove_member(&t.db, &clock, &write, &north, &grace)
            .await
            .unwrap();
        assert_eq!(reach("team").await, 0, "{label}");
        assert!(matches!(
            teams::remove_member(&t.db, &clock, &write, &north, &grace).await,
            Err(DomainError::NotFound)
        ));

        // Department scope: Grace reaches Alan's customer while both are in Research.
        let research = departments::create(&t.db, &clock, &write, "Research")
            .await
            .unwrap();
        departments::set_for_member(&t.db, &clock, &write, grace.as_str(), &research)
            .await
            .unwrap();
        assert_eq!(reach("department").await, 0, "{label}: Alan is elsewhere");
        departments::set_for_member(&t.db, &clock, &write, alan.as_str(), &research)
            .await
            .unwrap();
        assert_eq!(reach("department").await, 1, "{label}");
        let e =
            departments::set_for_member(&t.db, &clock, &write, alan.as_str(), "no-such-department")
                .await
                .unwrap_err();
        assert_eq!(
            field(e),
            "department_id: Choose a department of this workspace.",
            "{label}"
        );
        let e = departments::set_for_member(
            &t.db,
            &clock,
            &write,
            "0190a0a0-0000-7000-8000-000000000001",
            &research,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, DomainError::NotFound), "{label}");

        let overview = teams::groups(&t.db, &f.grant::<app::permissions::keys::TeamRead>().await)
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

        // Deleting keeps the records: the team is cleared from its customers, the department
        // from its members.
        teams::delete(&t.db, &clock, &write, &north).await.unwrap();
        departments::delete(&t.db, &clock, &write, &research)
            .await
            .unwrap();
        assert_eq!(reach("department").await, 0, "{label}");
        let owner_read = f.grant::<app::permissions::keys::CustomersRead>().await;
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
}
