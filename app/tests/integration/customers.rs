//! Customers against real SQLite and PostgreSQL: data scopes in SQL, field-level security,
//! keyset pagination, validation, and workspace isolation.

use app::server::access::grants;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::workspace::teams;

fn form(name: &str, assigned: &str) -> CustomerForm {
    CustomerForm {
        name: name.into(),
        assigned_user_id: assigned.into(),
        ..CustomerForm::default()
    }
}

fn field(e: DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn scopes_fields_and_workspaces_confine_every_read_and_write() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let linus = f
            .add_member("linus@example.com", "Linus Pauling", "Guest")
            .await;
        let ada_write = f.grant::<app::permissions::keys::CustomersWrite>().await;
        let ada_read = f.grant::<app::permissions::keys::CustomersRead>().await;

        let for_grace = customers::create(
            &t.db,
            &clock,
            &ada_write,
            &form("Babbage & Co", grace.as_str()),
        )
        .await
        .unwrap();
        let secret = customers::create(
            &t.db,
            &clock,
            &ada_write,
            &CustomerForm {
                tax_id: "GB 123 4567 89".into(),
                ..form("Analytical Engines Ltd", "")
            },
        )
        .await
        .unwrap();
        assert_eq!(
            secret.tax_id.as_deref(),
            Some("GB 123 4567 89"),
            "{label}: the Owner sees it"
        );
        let for_linus = customers::create(
            &t.db,
            &clock,
            &ada_write,
            &CustomerForm {
                tax_id: "DE 999".into(),
                ..form("Crystal Structures", linus.as_str())
            },
        )
        .await
        .unwrap();

        // Staff (scope: assigned) sees and changes only their own.
        let grace_read = grants::require::<app::permissions::keys::CustomersRead>(
            &t.db,
            &clock,
            &grace,
            &f.workspace,
        )
        .await
        .unwrap();
        let grace_write = grants::require::<app::permissions::keys::CustomersWrite>(
            &t.db,
            &clock,
            &grace,
            &f.workspace,
        )
        .await
        .unwrap();
        let own = customers::create(&t.db, &clock, &grace_write, &form("Compilers Inc", ""))
            .await
            .unwrap();
        assert_eq!(
            own.assigned_user_id.as_ref(),
            Some(&grace),
            "{label}: defaults to the creator"
        );
        let names: Vec<String> = customers::list(&t.db, &grace_read, &ListQuery::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Babbage & Co", "Compilers Inc"], "{label}");
        assert_eq!(customers::count(&t.db, &grace_read).await.unwrap(), 2);
        for outside in [&secret.id, &for_linus.id] {
            assert!(matches!(
                customers::get(&t.db, &grace_read, outside).await,
                Err(DomainError::NotFound)
            ));
            assert!(matches!(
                customers::update(
                    &t.db,
                    &clock,
                    &grace_write,
                    outside,
                    1,
                    &form("Mine now", "")
                )
                .await,
                Err(DomainError::NotFound)
            ));
        }
        // Nor can Staff hand a record to someone else, or delete at all.
        let e = customers::update(
            &t.db,
            &clock,
            &grace_write,
            &own.id,
            own.version,
            &form("Compilers Inc", f.owner.as_str()),
        )
        .await
        .unwrap_err();
        assert_eq!(field(e), "assigned_user_id", "{label}");
        assert!(matches!(
            grants::require::<app::permissions::keys::CustomersDelete>(
                &t.db,
                &clock,
                &grace,
                &f.workspace
            )
            .await,
            Err(DomainError::Forbidden)
        ));
        // Without customers.sensitive the tax id is neither shown nor overwritten.
        assert_eq!(
            customers::get(&t.db, &grace_read, &for_grace.id)
                .await
                .unwrap()
                .tax_id,
            None
        );
        let linus_read = grants::require::<app::permissions::keys::CustomersRead>(
            &t.db,
            &clock,
            &linus,
            &f.workspace,
        )
        .await
        .unwrap();
        let seen = customers::get(&t.db, &linus_read, &for_linus.id)
            .await
            .unwrap();
        assert_eq!(seen.tax_id, None, "{label}: Guest sees no sensitive field");
        let listed = customers::list(&t.db, &linus_read, &ListQuery::default())
            .await
            .unwrap();
        assert!(
            listed.items.iter().all(|c| c.tax_id.is_none()),
            "{label}: lists too"
        );
        assert!(matches!(
            grants::require::<app::permissions::keys::CustomersWrite>(
                &t.db,
                &clock,
                &linus,
                &f.workspace
            )
            .await,
            Err(DomainError::Forbidden)
        ));

        // Team scope: Staff now reaches their team's records too.
        t.db_exec(&format!(
            "UPDATE role_scopes SET scope = 'team' WHERE resource = 'customers' \
             AND role_id = '{}'",
            f.role("Staff").await.as_str()
        ))
        .await;
        let team = teams::create(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::TeamWrite>().await,
            "Difference",
        )
        .await
        .unwrap();
        teams::add_member(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::TeamWrite>().await,
            &team,
            &grace,
        )
        .await
        .unwrap();
        customers::update(
            &t.db,
            &clock,
            &ada_write,
            &secret.id,
            secret.version,
            &CustomerForm {
                team_id: team.as_str().into(),
                tax_id: "GB 123 4567 89".into(),
                ..form("Analytical Engines Ltd", "")
            },
        )
        .await
        .unwrap();
        assert_eq!(
            t.strings("SELECT action FROM audit_log WHERE action LIKE 'team.%' ORDER BY created_at, action")
                .await,
            ["team.add_member", "team.create"],
            "{label}: team changes are audited"
        );
        let grace_read = grants::require::<app::permissions::keys::CustomersRead>(
            &t.db,
            &clock,
            &grace,
            &f.workspace,
        )
        .await
        .unwrap();
        assert_eq!(grace_read.scope(), app::permissions::Scope::Team);
        assert_eq!(
            customers::count(&t.db, &grace_read).await.unwrap(),
            3,
            "{label}"
        );
        let via_team = customers::get(&t.db, &grace_read, &secret.id)
            .await
            .unwrap();
        assert_eq!(via_team.team.as_deref(), Some("Difference"));
        assert_eq!(via_team.tax_id, None, "{label}: reach is not sensitivity");
        // Grace saves it without the sensitive permission: the tax id survives.
        let grace_write = grants::require::<app::permissions::keys::CustomersWrite>(
            &t.db,
            &clock,
            &grace,
            &f.workspace,
        )
        .await
        .unwrap();
        customers::update(
            &t.db,
            &clock,
            &grace_write,
            &secret.id,
            // Ada's change above was the first.
            secret.version + 1,
            &CustomerForm {
                tax_id: String::new(),
                team_id: team.as_str().into(),
                ..form("Analytical Engines Ltd", f.owner.as_str())
            },
        )
        .await
        .unwrap();
        assert_eq!(
            customers::get(&t.db, &ada_read, &secret.id)
                .await
                .unwrap()
                .tax_id
                .as_deref(),
            Some("GB 123 4567 89"),
            "{label}"
        );

        // Another workspace's grant finds none of it, by list or by id.
        let other = app::server::identity::accounts::create_workspace(
            &t.db,
            &clock,
            &f.owner,
            &WorkspaceName::parse("Difference Engines").unwrap(),
        )
        .await
        .unwrap();
        let elsewhere = grants::require::<app::permissions::keys::CustomersRead>(
            &t.db, &clock, &f.owner, &other.id,
        )
        .await
        .unwrap();
        assert!(customers::list(&t.db, &elsewhere, &ListQuery::default())
            .await
            .unwrap()
            .items
            .is_empty());
        let elsewhere_delete = grants::require::<app::permissions::keys::CustomersDelete>(
            &t.db, &clock, &f.owner, &other.id,
        )
        .await
        .unwrap();
        assert!(matches!(
            customers::delete(&t.db, &elsewhere_delete, &for_grace.id).await,
            Err(DomainError::NotFound)
        ));
        // A record can't be assigned to someone outside the workspace.
        let other_write = grants::require::<app::permissions::keys::CustomersWrite>(
            &t.db, &clock, &f.owner, &other.id,
        )
        .await
        .unwrap();
        let e = customers::create(&t.db, &clock, &other_write, &form("Stray", grace.as_str()))
            .await
            .unwrap_err();
        assert_eq!(field(e), "assigned_user_id", "{label}");
        customers::delete(
            &t.db,
            &f.grant::<app::permissions::keys::CustomersDelete>().await,
            &for_grace.id,
        )
        .await
        .unwrap();
        assert_eq!(
            customers::count(&t.db, &ada_read).await.unwrap(),
            3,
            "{label}"
        );
    }
}

#[tokio::test]
async fn lists_page_by_name_with_search_and_bad_input_changes_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<app::permissions::keys::CustomersWrite>().await;
        let read = f.grant::<app::permissions::keys::CustomersRead>().await;
        let names = [
            "delta", "Alpha", "charlie", "Echo", "bravo", "foxtrot", "Golf 50%",
        ];
        for name in names {
            customers::create(&t.db, &clock, &write, &form(name, ""))
                .await
                .unwrap();
        }
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = customers::list(
                &t.db,
                &read,
                &ListQuery {
                    after: after.clone(),
                    limit: Some(3),
                    ..ListQuery::default()
                },
            )
            .await
            .unwrap();
            assert!(page.items.len() <= 3);
            seen.extend(page.items.into_iter().map(|c| c.name));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(
            seen,
            ["Alpha", "bravo", "charlie", "delta", "Echo", "foxtrot", "Golf 50%"],
            "{label}: every record once, by name without regard to case"
        );
        let search = |q: &str| {
            let (db, read) = (&t.db, &read);
            let q = q.to_owned();
            async move {
                customers::list(
                    db,
                    read,
                    &ListQuery {
                        search: q,
                        ..ListQuery::default()
                    },
                )
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(search("ALP").await, ["Alpha"], "{label}");
        assert_eq!(search("50%").await, ["Golf 50%"], "{label}: % is literal");
        assert_eq!(
            search("_").await,
            Vec::<String>::new(),
            "{label}: _ is literal"
        );

        let before = t.row_counts(&["customers"]).await;
        for (bad, expected) in [
            (form("", ""), "name"),
            (
                CustomerForm {
                    email: "not-an-address".into(),
                    ..form("X", "")
                },
                "email",
            ),
            (
                CustomerForm {
                    phone: "call me".into(),
                    ..form("X", "")
                },
                "phone",
            ),
            (
                CustomerForm {
                    notes: "x\u{0}y".into(),
                    ..form("X", "")
                },
                "notes",
            ),
            (
                CustomerForm {
                    team_id: "no-such-team".into(),
                    ..form("X", "")
                },
                "team_id",
            ),
            (form(&"n".repeat(201), ""), "name"),
        ] {
            let e = customers::create(&t.db, &clock, &write, &bad)
                .await
                .unwrap_err();
            assert_eq!(field(e), expected, "{label}: {bad:?}");
        }
        assert_eq!(t.row_counts(&["customers"]).await, before, "{label}");
    }
}

#[tokio::test]
async fn a_max_records_restriction_caps_lists_counts_and_lookups() {
    use app::server::access::assignments;
    use app::server::access::role_editor::{self, RoleDraft};
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let write = f.grant::<app::permissions::keys::CustomersWrite>().await;
        let mut ids = Vec::new();
        for name in ["Alpha", "Bravo", "Charlie"] {
            let made = customers::create(&t.db, &clock, &write, &form(name, ""))
                .await
                .unwrap();
            ids.push(made.id);
        }
        // Grace holds only "Peek": every customer, at most two of them.
        let peek = role_editor::create(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::RolesWrite>().await,
            &RoleDraft {
                name: "Peek".into(),
                permissions: vec!["customers.read".into()],
                scopes: vec![("customers".into(), "all".into())],
                max_records: "2".into(),
                ..RoleDraft::default()
            },
        )
        .await
        .unwrap();
        let team = f.grant::<app::permissions::keys::TeamWrite>().await;
        assignments::assign(&t.db, &clock, &team, &grace, &peek, "")
            .await
            .unwrap();
        // While she also holds Staff (no cap), the most permissive cap — none — wins.
        let uncapped = grants::require::<app::permissions::keys::CustomersRead>(
            &t.db,
            &clock,
            &grace,
            &f.workspace,
        )
        .await
        .unwrap();
        assert_eq!(
            customers::count(&t.db, &uncapped).await.unwrap(),
            3,
            "{label}"
        );
        assignments::unassign(&t.db, &clock, &team, &grace, &f.role("Staff").await)
            .await
            .unwrap();

        let read = grants::require::<app::permissions::keys::CustomersRead>(
            &t.db,
            &clock,
            &grace,
            &f.workspace,
        )
        .await
        .unwrap();
        let page = customers::list(&t.db, &read, &ListQuery::default())
            .await
            .unwrap();
        let names: Vec<&str> = page.items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Alpha", "Bravo"], "{label}");
        assert_eq!(page.next, None, "{label}: the window ends the list");
        assert_eq!(customers::count(&t.db, &read).await.unwrap(), 2, "{label}");
        let hidden = customers::get(&t.db, &read, &ids[2]).await;
        assert!(matches!(hidden, Err(DomainError::NotFound)), "{label}");
        // Pages of one keep to the same window.
        let first = customers::list(
            &t.db,
            &read,
            &ListQuery {
                limit: Some(1),
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
        let second = customers::list(
            &t.db,
            &read,
            &ListQuery {
                limit: Some(1),
                after: first.next.clone(),
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(second.items[0].name, "Bravo", "{label}");
        assert_eq!(second.next, None, "{label}");
        // The Owner, uncapped, sees all three.
        let owner = f.grant::<app::permissions::keys::CustomersRead>().await;
        assert_eq!(customers::count(&t.db, &owner).await.unwrap(), 3, "{label}");
    }
}
