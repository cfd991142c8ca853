//! Editing roles against real SQLite and PostgreSQL: the guardrails and the audit log.

use app::model::{RoleId, UserId};
use app::permissions::keys::{CustomersWrite, RolesRead, RolesWrite};
use app::permissions::Permission;
use app::server::access::explain;
use app::server::access::grants;
use app::server::access::grants::Grant;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers::{self, CustomerForm};

use crate::support::{draft, message};

/// Returns the Auditor role it creates.
async fn creating_is_audited_and_bad_drafts_are_named(
    t: &TestDb,
    f: &Fixture,
    owner: &Grant<RolesWrite>,
) -> RoleId {
    let label = t.backend().name();
    // The Owner creates a role; it is audited.
    let auditor = role_editor::create(
        &t.db,
        &f.clock,
        owner,
        &RoleDraft {
            scopes: vec![("customers".into(), "team".into())],
            ..draft("Auditor", &["customers.read", "audit.read"])
        },
    )
    .await
    .unwrap();
    assert_eq!(
        t.strings(
            "SELECT action FROM audit_log WHERE action LIKE 'role.%' AND action <> 'role.assign'"
        )
        .await,
        ["role.create"],
        "{label}"
    );

    // Bad drafts are refused by field.
    for (bad, expected) in [
        (draft("", &[]), "name: Name the role."),
        (
            draft("Auditor", &[]),
            "name: A role with this name already exists.",
        ),
        (
            draft("X", &["customers.everything"]),
            "permissions: Unknown permission",
        ),
        (
            RoleDraft {
                max_records: "0".into(),
                ..draft("X", &[])
            },
            "max_records",
        ),
        (
            RoleDraft {
                parent_role_id: f.role("Owner").await.as_str().into(),
                ..draft("X", &[])
            },
            "parent_role_id: The Owner role can't be a parent",
        ),
    ] {
        let e = role_editor::create(&t.db, &f.clock, owner, &bad)
            .await
            .unwrap_err();
        assert!(message(e).starts_with(expected), "{label}: {bad:?}");
    }
    auditor
}

/// Returns the Staff role and its default keys.
async fn segregation_of_duties_holds_within_and_across_roles(
    t: &TestDb,
    f: &Fixture,
    owner: &Grant<RolesWrite>,
    grace: &UserId,
) -> (RoleId, Vec<&'static str>) {
    let label = t.backend().name();
    // Segregation of duties, within one role…
    let e = role_editor::create(
        &t.db,
        &f.clock,
        owner,
        &draft("Cashier", &["payments.process", "payments.reconcile"]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "conflict: Segregation of duties: this role's holders would hold both payments.process and payments.reconcile, which this workspace keeps apart.",
        "{label}"
    );
    // …and across a person's roles.
    let processor = role_editor::create(
        &t.db,
        &f.clock,
        owner,
        &draft("Processor", &["payments.process"]),
    )
    .await
    .unwrap();
    t.db_exec(&format!(
        "INSERT INTO role_assignments (workspace_id, user_id, role_id, created_at) \
         VALUES ('{}', '{}', '{}', 0)",
        f.workspace.as_str(),
        grace.as_str(),
        processor.as_str()
    ))
    .await;
    let staff = f.role("Staff").await;
    let staff_keys: Vec<&str> = app::server::access::roles::BaseRole::Staff
        .default_permissions()
        .iter()
        .map(|p| p.key())
        .collect();
    let mut with_reconcile = staff_keys.clone();
    with_reconcile.push("payments.reconcile");
    let e = role_editor::update(
        &t.db,
        &f.clock,
        owner,
        &staff,
        &draft("Staff", &with_reconcile),
    )
    .await
    .unwrap_err();
    assert!(
        message(e).contains("Grace Hopper would hold both payments.process and payments.reconcile"),
        "{label}"
    );
    (staff, staff_keys)
}

/// A Manager cannot hand out what they lack; nobody edits a role they hold, or the Owner role.
async fn nobody_escalates_or_edits_their_own_or_the_owner_role(
    t: &TestDb,
    f: &Fixture,
    owner: &Grant<RolesWrite>,
    mallory: &UserId,
) {
    let label = t.backend().name();
    // No escalation: the Manager holds no billing.manage, and may not hand it out.
    let manager = f.grant_of::<RolesWrite>(mallory).await.unwrap();
    let e = role_editor::create(
        &t.db,
        &f.clock,
        &manager,
        &draft("Biller", &["billing.manage"]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "permissions: You can't grant billing.manage: you don't hold it yourself.",
        "{label}"
    );
    // Nor edit a role they hold, nor the Owner role.
    let e = role_editor::update(
        &t.db,
        &f.clock,
        &manager,
        &f.role("Manager").await,
        &draft("Manager", &[]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "conflict: You can't edit a role you hold. Ask another admin.",
        "{label}"
    );
    let e = role_editor::update(
        &t.db,
        &f.clock,
        owner,
        &f.role("Owner").await,
        &draft("Owner", &[]),
    )
    .await
    .unwrap_err();
    assert!(
        message(e).starts_with("conflict: The Owner role can't be edited"),
        "{label}"
    );
}

/// A role cannot inherit from its own heir.
async fn parents_never_form_a_cycle(
    t: &TestDb,
    f: &Fixture,
    owner: &Grant<RolesWrite>,
    auditor: &RoleId,
) {
    let label = t.backend().name();
    // No cycles: Child inherits from Auditor, so Auditor can't inherit from Child.
    let child = role_editor::create(
        &t.db,
        &f.clock,
        owner,
        &RoleDraft {
            parent_role_id: auditor.as_str().into(),
            ..draft("Child", &["tickets.read"])
        },
    )
    .await
    .unwrap();
    let e = role_editor::update(
        &t.db,
        &f.clock,
        owner,
        auditor,
        &RoleDraft {
            parent_role_id: child.as_str().into(),
            ..draft("Auditor", &["customers.read", "audit.read"])
        },
    )
    .await
    .unwrap_err();
    assert!(
        message(e).starts_with("parent_role_id: That parent inherits from this role"),
        "{label}"
    );
}

/// The preview names what a save grants and revokes; the save matches it and is audited.
async fn a_change_is_previewed_then_audited(
    t: &TestDb,
    f: &Fixture,
    owner: &Grant<RolesWrite>,
    grace: &UserId,
    staff: &RoleId,
    staff_keys: &[&'static str],
) {
    let label = t.backend().name();
    // A change shows its diff first and is audited with before and after.
    let mut edited: Vec<&str> = staff_keys
        .iter()
        .copied()
        .filter(|k| *k != "tickets.write")
        .collect();
    edited.push("customers.export");
    let preview = role_editor::preview(
        &t.db,
        &f.clock,
        owner,
        Some(staff),
        &draft("Staff", &edited),
    )
    .await
    .unwrap();
    assert_eq!(
        preview.describe(),
        "grants customers.export, revokes tickets.write — affects 1 user",
        "{label}"
    );
    let saved = role_editor::update(&t.db, &f.clock, owner, staff, &draft("Staff", &edited))
        .await
        .unwrap();
    assert_eq!(saved, preview);
    let grace_access = grants::access(&t.db, &f.clock, grace, &f.workspace)
        .await
        .unwrap();
    assert!(
        grace_access
            .permissions
            .contains(Permission::CustomersExport),
        "{label}"
    );
    assert!(
        !grace_access.permissions.contains(Permission::TicketsWrite),
        "{label}"
    );
    let audit = t
        .rows_as_text(
            "SELECT action, before_state, after_state FROM audit_log WHERE action = 'role.update'",
        )
        .await;
    assert_eq!(audit.len(), 1, "{label}");
    assert!(
        audit[0].contains("tickets.write") && audit[0].contains("customers.export"),
        "{label}: {}",
        audit[0]
    );
    // Refused attempts left no trace but the successful ones.
    assert_eq!(
        t.row_counts(&["audit_log"]).await[0].1,
        4 + 4,
        "{label}: Auditor, Processor, Child, Staff — and nothing refused — besides the \
         invitation and joining of the two members"
    );
}

#[tokio::test]
async fn guardrails_hold_and_every_change_is_audited() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let mallory = f
            .add_member("mallory@example.com", "Mallory Manager", "Manager")
            .await;
        let owner = f.grant::<RolesWrite>().await;
        let auditor = creating_is_audited_and_bad_drafts_are_named(&t, &f, &owner).await;
        let (staff, staff_keys) =
            segregation_of_duties_holds_within_and_across_roles(&t, &f, &owner, &grace).await;
        nobody_escalates_or_edits_their_own_or_the_owner_role(&t, &f, &owner, &mallory).await;
        parents_never_form_a_cycle(&t, &f, &owner, &auditor).await;
        a_change_is_previewed_then_audited(&t, &f, &owner, &grace, &staff, &staff_keys).await;
    }
}

/// Grace holds Staff, and Reviewer (heir of Auditor) through 2026-11-30; explain names where
/// each key comes from.
async fn explain_names_each_keys_source(
    t: &TestDb,
    f: &Fixture,
    owner: &Grant<RolesWrite>,
    grace: &UserId,
) {
    let label = t.backend().name();
    let auditor = role_editor::create(&t.db, &f.clock, owner, &draft("Auditor", &["audit.read"]))
        .await
        .unwrap();
    let reviewer = role_editor::create(
        &t.db,
        &f.clock,
        owner,
        &RoleDraft {
            parent_role_id: auditor.as_str().into(),
            ..draft("Reviewer", &["reports.read"])
        },
    )
    .await
    .unwrap();
    // Reviewer for Grace through 2026-11-30: it stops counting at midnight UTC.
    t.db_exec(&format!(
        "INSERT INTO role_assignments (workspace_id, user_id, role_id, expires_at, created_at) \
         VALUES ('{}', '{}', '{}', 1796083200000, 0)",
        f.workspace.as_str(),
        grace.as_str(),
        reviewer.as_str()
    ))
    .await;
    let read = f.grant::<RolesRead>().await;
    let e = explain::explain(&t.db, &f.clock, &read, grace)
        .await
        .unwrap();
    assert_eq!(e.name, "Grace Hopper");
    let source = |key: &str| {
        e.permissions
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s.clone())
    };
    assert_eq!(
        source("audit.read"),
        Some(vec!["Auditor via Reviewer (until 2026-11-30)".to_owned()]),
        "{label}"
    );
    assert_eq!(
        source("reports.read").unwrap().len(),
        2,
        "{label}: Staff and Reviewer"
    );
    assert_eq!(source("customers.export"), None, "{label}");
    assert!(e
        .scopes
        .contains(&("customers".to_owned(), "assigned".to_owned())));
}

/// Why Grace may or may not use a key, on a record in or out of her scope.
async fn why_gives_the_reason_chain(t: &TestDb, f: &Fixture, grace: &UserId) {
    let read = f.grant::<RolesRead>().await;
    let label = t.backend().name();
    let hers = customers::create(
        &t.db,
        &f.clock,
        &f.grant::<CustomersWrite>().await,
        &CustomerForm {
            name: "Hers".into(),
            assigned_user_id: grace.as_str().into(),
            ..CustomerForm::default()
        },
    )
    .await
    .unwrap();
    let not_hers = customers::create(
        &t.db,
        &f.clock,
        &f.grant::<CustomersWrite>().await,
        &CustomerForm {
            name: "Not hers".into(),
            ..CustomerForm::default()
        },
    )
    .await
    .unwrap();
    let why = |key: &'static str, record: Option<String>| {
        let (db, clock, read, grace) = (&t.db, &f.clock, &read, grace.clone());
        async move { explain::why(db, clock, read, &grace, key, record.as_deref()).await }
    };
    let v = why("customers.export", None).await.unwrap();
    assert!(!v.allowed);
    assert_eq!(
        v.reasons,
        ["None of Grace Hopper's roles grants customers.export."],
        "{label}"
    );
    let v = why("customers.read", Some(hers.id.as_str().into()))
        .await
        .unwrap();
    assert!(v.allowed, "{label}: {v:?}");
    assert_eq!(
        v.reasons,
        [
            "customers.read comes from Staff.",
            "Grace Hopper's scope for customers is assigned.",
            "The customer is within that scope."
        ],
        "{label}"
    );
    let v = why("customers.read", Some(not_hers.id.as_str().into()))
        .await
        .unwrap();
    assert!(!v.allowed);
    assert_eq!(
        v.reasons.last().unwrap(),
        "The customer is outside that scope."
    );
    assert!(matches!(
        why("customers.everything", None).await,
        Err(DomainError::Invalid {
            field: "permission",
            ..
        })
    ));
}

/// Someone of another workspace is not found.
async fn explain_finds_nobody_of_another_workspace(t: &TestDb, f: &Fixture, grace: &UserId) {
    // Someone of another workspace is not found.
    let other = app::server::identity::accounts::create_workspace(
        &t.db,
        &f.clock,
        &f.owner,
        &app::server::identity::workspaces::WorkspaceName::parse("Elsewhere").unwrap(),
    )
    .await
    .unwrap();
    let elsewhere = grants::require::<RolesRead>(&t.db, &f.clock, &f.owner, &other.id)
        .await
        .unwrap();
    assert!(matches!(
        explain::explain(&t.db, &f.clock, &elsewhere, grace).await,
        Err(DomainError::NotFound)
    ));
}

#[tokio::test]
async fn explain_names_each_keys_source_and_why_gives_the_reason_chain() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let owner = f.grant::<RolesWrite>().await;
        explain_names_each_keys_source(&t, &f, &owner, &grace).await;
        why_gives_the_reason_chain(&t, &f, &grace).await;
        explain_finds_nobody_of_another_workspace(&t, &f, &grace).await;
    }
}
