//! Customers against real SQLite and PostgreSQL: data scopes in SQL, field-level security,
//! keyset pagination, validation, and workspace isolation.

use app::model::{Customer, UserId};
use app::permissions::keys::{
    CustomersDelete, CustomersRead, CustomersWrite, RolesWrite, TeamWrite,
};
use app::server::access::assignments;
use app::server::access::grants;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::records::listing::ListParams;
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

/// The records `scopes_fields_and_workspaces_confine_every_read_and_write` works on: one for
/// Grace (Staff, scope "assigned"), one with a tax id for nobody, one with a tax id for Linus
/// (Guest, read-only).
struct Seeded {
    label: &'static str,
    grace: UserId,
    linus: UserId,
    for_grace: Customer,
    secret: Customer,
    for_linus: Customer,
}

async fn seed(f: &Fixture, label: &'static str) -> Seeded {
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let linus = f
        .add_member("linus@example.com", "Linus Pauling", "Guest")
        .await;
    let write = f.grant::<CustomersWrite>().await;
    let create = |form: CustomerForm| {
        let write = &write;
        async move {
            customers::create(&f.db, &f.clock, write, &form)
                .await
                .unwrap()
        }
    };
    let for_grace = create(form("Babbage & Co", grace.as_str())).await;
    let secret = create(CustomerForm {
        tax_id: "GB 123 4567 89".into(),
        ..form("Analytical Engines Ltd", "")
    })
    .await;
    assert_eq!(
        secret.tax_id.as_deref(),
        Some("GB 123 4567 89"),
        "{label}: the Owner sees it"
    );
    let for_linus = create(CustomerForm {
        tax_id: "DE 999".into(),
        ..form("Crystal Structures", linus.as_str())
    })
    .await;
    Seeded {
        label,
        grace,
        linus,
        for_grace,
        secret,
        for_linus,
    }
}

fn names(customers: Vec<Customer>) -> Vec<String> {
    customers.into_iter().map(|c| c.name).collect()
}

/// Staff (scope: assigned) sees and changes only their own, cannot hand a record to someone
/// else, and cannot delete at all.
async fn staff_reach_only_their_own(f: &Fixture, s: &Seeded) {
    let label = s.label;
    let read = f.grant_of::<CustomersRead>(&s.grace).await.unwrap();
    let write = f.grant_of::<CustomersWrite>(&s.grace).await.unwrap();
    let own = customers::create(&f.db, &f.clock, &write, &form("Compilers Inc", ""))
        .await
        .unwrap();
    assert_eq!(
        own.assigned_user_id.as_ref(),
        Some(&s.grace),
        "{label}: defaults to the creator"
    );
    let listed = customers::list(&f.db, &read, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(
        names(listed.items),
        ["Babbage & Co", "Compilers Inc"],
        "{label}"
    );
    assert_eq!(customers::count(&f.db, &read).await.unwrap(), 2);
    for outside in [&s.secret.id, &s.for_linus.id] {
        assert!(matches!(
            customers::get(&f.db, &read, outside).await,
            Err(DomainError::NotFound)
        ));
        let taken = form("Mine now", "");
        assert!(matches!(
            customers::update(&f.db, &f.clock, &write, outside, 1, &taken).await,
            Err(DomainError::NotFound)
        ));
    }
    let handed_on = form("Compilers Inc", f.owner.as_str());
    let e = customers::update(&f.db, &f.clock, &write, &own.id, own.version, &handed_on)
        .await
        .unwrap_err();
    assert_eq!(field(e), "assigned_user_id", "{label}");
    assert!(matches!(
        f.grant_of::<CustomersDelete>(&s.grace).await,
        Err(DomainError::Forbidden)
    ));
}

/// Without customers.sensitive the tax id is not shown, in a record or a list; a Guest cannot
/// write at all.
async fn sensitive_fields_stay_hidden_without_the_key(f: &Fixture, s: &Seeded) {
    let label = s.label;
    let grace_read = f.grant_of::<CustomersRead>(&s.grace).await.unwrap();
    let seen = customers::get(&f.db, &grace_read, &s.for_grace.id)
        .await
        .unwrap();
    assert_eq!(seen.tax_id, None, "{label}");
    let linus_read = f.grant_of::<CustomersRead>(&s.linus).await.unwrap();
    let seen = customers::get(&f.db, &linus_read, &s.for_linus.id)
        .await
        .unwrap();
    assert_eq!(seen.tax_id, None, "{label}: Guest sees no sensitive field");
    let listed = customers::list(&f.db, &linus_read, &ListQuery::default())
        .await
        .unwrap();
    assert!(
        listed.items.iter().all(|c| c.tax_id.is_none()),
        "{label}: lists too"
    );
    assert!(matches!(
        f.grant_of::<CustomersWrite>(&s.linus).await,
        Err(DomainError::Forbidden)
    ));
}

/// With the team scope Staff reaches their team's records too; reach is not sensitivity, and
/// a save without the sensitive key leaves the tax id as it was.
async fn team_scope_widens_reach_not_sensitivity(t: &TestDb, f: &Fixture, s: &Seeded) {
    let label = s.label;
    t.db_exec(&format!(
        "UPDATE role_scopes SET scope = 'team' WHERE resource = 'customers' AND role_id = '{}'",
        f.role("Staff").await.as_str()
    ))
    .await;
    let team_write = f.grant::<TeamWrite>().await;
    let team = teams::create(&f.db, &f.clock, &team_write, "Difference")
        .await
        .unwrap();
    teams::add_member(&f.db, &f.clock, &team_write, &team, &s.grace)
        .await
        .unwrap();
    let into_team = CustomerForm {
        team_id: team.as_str().into(),
        tax_id: "GB 123 4567 89".into(),
        ..form("Analytical Engines Ltd", "")
    };
    let owner_write = f.grant::<CustomersWrite>().await;
    customers::update(
        &f.db,
        &f.clock,
        &owner_write,
        &s.secret.id,
        s.secret.version,
        &into_team,
    )
    .await
    .unwrap();
    assert_eq!(
        t.strings(
            "SELECT action FROM audit_log WHERE action LIKE 'team.%' ORDER BY created_at, action"
        )
        .await,
        ["team.add_member", "team.create"],
        "{label}: team changes are audited"
    );
    let read = f.grant_of::<CustomersRead>(&s.grace).await.unwrap();
    assert_eq!(read.scope(), app::permissions::Scope::Team);
    assert_eq!(customers::count(&f.db, &read).await.unwrap(), 3, "{label}");
    let via_team = customers::get(&f.db, &read, &s.secret.id).await.unwrap();
    assert_eq!(via_team.team.as_deref(), Some("Difference"));
    assert_eq!(via_team.tax_id, None, "{label}: reach is not sensitivity");

    let write = f.grant_of::<CustomersWrite>(&s.grace).await.unwrap();
    let without_tax_id = CustomerForm {
        tax_id: String::new(),
        team_id: team.as_str().into(),
        ..form("Analytical Engines Ltd", f.owner.as_str())
    };
    // The Owner's change above was the first.
    let version = s.secret.version + 1;
    customers::update(
        &f.db,
        &f.clock,
        &write,
        &s.secret.id,
        version,
        &without_tax_id,
    )
    .await
    .unwrap();
    let owner_read = f.grant::<CustomersRead>().await;
    let kept = customers::get(&f.db, &owner_read, &s.secret.id)
        .await
        .unwrap();
    assert_eq!(kept.tax_id.as_deref(), Some("GB 123 4567 89"), "{label}");
}

/// Another workspace's grant finds none of it, by list or by id, and cannot assign a record to
/// someone outside it.
async fn another_workspace_reaches_nothing(f: &Fixture, s: &Seeded) {
    let label = s.label;
    let other = app::server::identity::accounts::create_workspace(
        &f.db,
        &f.clock,
        &f.owner,
        &WorkspaceName::parse("Difference Engines").unwrap(),
    )
    .await
    .unwrap();
    let (db, clock, owner) = (&f.db, &f.clock, &f.owner);
    let elsewhere = grants::require::<CustomersRead>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let listed = customers::list(db, &elsewhere, &ListQuery::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty(), "{label}");
    let elsewhere_delete = grants::require::<CustomersDelete>(db, clock, owner, &other.id)
        .await
        .unwrap();
    assert!(matches!(
        customers::delete(db, &f.clock, &elsewhere_delete, &s.for_grace.id, None).await,
        Err(DomainError::NotFound)
    ));
    let elsewhere_write = grants::require::<CustomersWrite>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let stray = form("Stray", s.grace.as_str());
    let e = customers::create(db, clock, &elsewhere_write, &stray)
        .await
        .unwrap_err();
    assert_eq!(field(e), "assigned_user_id", "{label}");
    let delete = f.grant::<CustomersDelete>().await;
    customers::delete(db, &f.clock, &delete, &s.for_grace.id, None)
        .await
        .unwrap();
    let read = f.grant::<CustomersRead>().await;
    assert_eq!(customers::count(db, &read).await.unwrap(), 3, "{label}");
}

#[tokio::test]
async fn scopes_fields_and_workspaces_confine_every_read_and_write() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let s = seed(&f, t.backend().name()).await;
        staff_reach_only_their_own(&f, &s).await;
        sensitive_fields_stay_hidden_without_the_key(&f, &s).await;
        team_scope_widens_reach_not_sensitivity(&t, &f, &s).await;
        another_workspace_reaches_nothing(&f, &s).await;
    }
}

/// Each bad field is refused by name and nothing is written.
async fn bad_input_is_named_and_changes_nothing(t: &TestDb, f: &Fixture, label: &str) {
    let write = f.grant::<CustomersWrite>().await;
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
        let e = customers::create(&t.db, &f.clock, &write, &bad)
            .await
            .unwrap_err();
        assert_eq!(field(e), expected, "{label}: {bad:?}");
    }
    assert_eq!(t.row_counts(&["customers"]).await, before, "{label}");
}

#[tokio::test]
async fn lists_page_by_name_with_search_and_bad_input_changes_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        let read = f.grant::<CustomersRead>().await;
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
                    list: ListParams {
                        after: after.clone(),
                        limit: Some(3),
                        ..ListParams::default()
                    },
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
                        list: ListParams {
                            search: q,
                            ..ListParams::default()
                        },
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

        bad_input_is_named_and_changes_nothing(&t, &f, label).await;
    }
}

#[tokio::test]
async fn a_max_records_restriction_caps_lists_counts_and_lookups() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let write = f.grant::<CustomersWrite>().await;
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
            &f.grant::<RolesWrite>().await,
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
        let team = f.grant::<TeamWrite>().await;
        assignments::assign(&t.db, &clock, &team, &grace, &peek, "")
            .await
            .unwrap();
        // While she also holds Staff (no cap), the most permissive cap — none — wins.
        let uncapped = f.grant_of::<CustomersRead>(&grace).await.unwrap();
        assert_eq!(
            customers::count(&t.db, &uncapped).await.unwrap(),
            3,
            "{label}"
        );
        assignments::unassign(&t.db, &clock, &team, &grace, &f.role("Staff").await)
            .await
            .unwrap();

        let read = f.grant_of::<CustomersRead>(&grace).await.unwrap();
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
                list: ListParams {
                    limit: Some(1),
                    ..ListParams::default()
                },
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
        let second = customers::list(
            &t.db,
            &read,
            &ListQuery {
                list: ListParams {
                    limit: Some(1),
                    after: first.next.clone(),
                    ..ListParams::default()
                },
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(second.items[0].name, "Bravo", "{label}");
        assert_eq!(second.next, None, "{label}");
        // The Owner, uncapped, sees all three.
        let owner = f.grant::<CustomersRead>().await;
        assert_eq!(customers::count(&t.db, &owner).await.unwrap(), 3, "{label}");
    }
}
