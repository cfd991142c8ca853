//! Assigning roles (with expiry) and segregation-of-duties rules, against real SQLite and
//! PostgreSQL: the guardrails, the expiry taking effect by itself, and the audit log.

use std::time::Duration;

use app::model::RoleId;
use app::model::UserId;
use app::permissions::keys::{AuditRead, RolesRead, RolesWrite, TeamWrite};
use app::permissions::{Permission, PermissionSet};
use app::server::access::assignments;
use app::server::access::grants::{self, Grant};
use app::server::access::role_editor;
use app::server::access::{audit, sod};
use app::server::audit::selection::Selection;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};

use crate::support::{draft, message};
use app::server::{access::explain, workspace::members};

pub(crate) const NOW: i64 = 1_795_478_400_000; // 2026-11-24T00:00:00Z
pub(crate) const DAY: i64 = 86_400_000;

pub(crate) async fn grant_of<K: app::permissions::Key>(f: &Fixture, user: &UserId) -> Grant<K> {
    grants::require::<K>(&f.db, &f.clock, user, &f.workspace)
        .await
        .unwrap()
}

/// Grace starts with Staff alone; a bad date is refused by field.
async fn bad_dates_are_named_and_write_nothing(
    t: &TestDb,
    f: &Fixture,
    owner_team: &Grant<TeamWrite>,
    grace: &UserId,
    reviewer: &RoleId,
) {
    let label = t.backend().name();
    // Grace holds Staff only: no roles.read.
    assert!(
        !keys(f, grace).await.contains(Permission::RolesRead),
        "{label}"
    );

    // Bad dates are refused by field and write nothing.
    let before = t.row_counts(&["role_assignments", "audit_log"]).await;
    for (until, expected) in [
        ("next week", "until: Enter a date as YYYY-MM-DD"),
        ("2026-11-23", "until: Choose today or a later date."),
    ] {
        let e = assignments::assign(&t.db, &f.clock, owner_team, grace, reviewer, until)
            .await
            .unwrap_err();
        assert!(message(e).starts_with(expected), "{label}: {until}");
    }
    assert_eq!(
        t.row_counts(&["role_assignments", "audit_log"]).await,
        before,
        "{label}"
    );
}

/// The members list and explain show the last day.
async fn an_assignment_adds_keys_until_its_last_day(
    t: &TestDb,
    f: &Fixture,
    owner_team: &Grant<TeamWrite>,
    grace: &UserId,
    reviewer: &RoleId,
) {
    let label = t.backend().name();
    // Until 2026-11-30: the keys add up to Staff's, and the list shows the last day.
    assignments::assign(&t.db, &f.clock, owner_team, grace, reviewer, "2026-11-30")
        .await
        .unwrap();
    let held = keys(f, grace).await;
    assert!(held.contains(Permission::RolesRead), "{label}");
    assert!(
        held.contains(Permission::CustomersWrite),
        "{label}: Staff still counts"
    );
    let listed = members::list(
        &t.db,
        &f.clock,
        &f.grant::<app::permissions::keys::TeamRead>().await,
        None,
    )
    .await
    .unwrap();
    let row = listed.iter().find(|m| m.user_id == *grace).unwrap();
    let reviewer_row = row.roles.iter().find(|r| r.name == "Reviewer").unwrap();
    assert_eq!(reviewer_row.until.as_deref(), Some("2026-11-30"), "{label}");
    let explained = explain::explain(&t.db, &f.clock, &f.grant::<RolesRead>().await, grace)
        .await
        .unwrap();
    assert!(
        explained
            .permissions
            .iter()
            .any(|(k, from)| k == "audit.read" && from == &["Reviewer (until 2026-11-30)"]),
        "{label}: {explained:?}"
    );
}

/// Not a key they lack, not the Owner role, not to themselves, not by invitation either.
async fn a_manager_hands_out_only_what_they_hold(
    t: &TestDb,
    f: &Fixture,
    owner_roles: &Grant<RolesWrite>,
    grace: &UserId,
    mallory: &UserId,
    reviewer: &RoleId,
) {
    let label = t.backend().name();
    // No escalation: a Manager can't hand out a key they lack, nor the Owner role, nor
    // change their own roles.
    let billing = role_editor::create(
        &t.db,
        &f.clock,
        owner_roles,
        &draft("Billing", &["billing.manage"]),
    )
    .await
    .unwrap();
    let mallory_team = grant_of::<TeamWrite>(f, mallory).await;
    for (who, role, expected) in [
        (
            grace,
            billing.clone(),
            "role_id: You can't grant billing.manage: you don't hold it yourself.",
        ),
        (
            grace,
            f.role("Owner").await,
            "role_id: Only an Owner can make someone an Owner.",
        ),
        (
            mallory,
            reviewer.clone(),
            "conflict: You can't change the roles of yourself.",
        ),
        (&f.owner, reviewer.clone(), "Forbidden"),
    ] {
        let e = assignments::assign(&t.db, &f.clock, &mallory_team, who, &role, "")
            .await
            .unwrap_err();
        assert_eq!(message(e), expected, "{label}");
    }
    // Nor through an invitation.
    let e = app::server::workspace::invitations::invite(
        &t.db,
        &f.clock,
        &mallory_team,
        true,
        app::server::workspace::invitations::Invite {
            email: "eve@example.com".into(),
            role_id: billing.as_str().into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "role_id: You can't grant billing.manage: you don't hold it yourself.",
        "{label}"
    );
    // …but may hand out what they hold.
    let reader = role_editor::create(
        &t.db,
        &f.clock,
        owner_roles,
        &draft("Reader", &["reports.read"]),
    )
    .await
    .unwrap();
    assignments::assign(&t.db, &f.clock, &mallory_team, grace, &reader, "")
        .await
        .unwrap();
}

/// Returns the Processor role Grace now holds.
async fn segregation_of_duties_names_the_person_and_the_pair(
    t: &TestDb,
    f: &Fixture,
    owner_roles: &Grant<RolesWrite>,
    owner_team: &Grant<TeamWrite>,
    grace: &UserId,
) -> RoleId {
    let label = t.backend().name();
    // Segregation of duties across a person's roles, naming the person and the pair.
    let processor = role_editor::create(
        &t.db,
        &f.clock,
        owner_roles,
        &draft("Processor", &["payments.process"]),
    )
    .await
    .unwrap();
    let reconciler = role_editor::create(
        &t.db,
        &f.clock,
        owner_roles,
        &draft("Reconciler", &["payments.reconcile"]),
    )
    .await
    .unwrap();
    assignments::assign(&t.db, &f.clock, owner_team, grace, &processor, "")
        .await
        .unwrap();
    let e = assignments::assign(&t.db, &f.clock, owner_team, grace, &reconciler, "")
        .await
        .unwrap_err();
    assert_eq!(
        message(e),
        "conflict: Segregation of duties: Grace Hopper would hold both payments.process and payments.reconcile, which this workspace keeps apart.",
        "{label}"
    );
    processor
}

/// A role id of no workspace is named; a stranger is not found.
async fn roles_and_people_of_no_workspace_are_refused(
    t: &TestDb,
    f: &Fixture,
    owner_team: &Grant<TeamWrite>,
    grace: &UserId,
    reviewer: &RoleId,
) {
    let label = t.backend().name();
    // A role of no workspace, a member of no workspace.
    let e = assignments::assign(
        &t.db,
        &f.clock,
        owner_team,
        grace,
        &RoleId::from_client("0190a0a0-0000-7000-8000-000000000000".into()).unwrap(),
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "role_id: Choose a role of this workspace.",
        "{label}"
    );
    let stranger: UserId =
        serde_json::from_str("\"0190a0a0-0000-7000-8000-000000000001\"").unwrap();
    let e = assignments::assign(&t.db, &f.clock, owner_team, &stranger, reviewer, "")
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::NotFound), "{label}");
}

/// Taking a role away; the Owner role only from an Owner, never one's own.
async fn taking_a_role_away_spares_ones_own_owner_role(
    t: &TestDb,
    f: &Fixture,
    owner_team: &Grant<TeamWrite>,
    grace: &UserId,
    processor: &RoleId,
) {
    let label = t.backend().name();
    // Taking a role away; the Owner role only from an Owner, never one's own.
    assignments::unassign(&t.db, &f.clock, owner_team, grace, processor)
        .await
        .unwrap();
    assert!(
        !keys(f, grace).await.contains(Permission::PaymentsProcess),
        "{label}"
    );
    let e = assignments::unassign(&t.db, &f.clock, owner_team, grace, processor)
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::NotFound), "{label}");
    let e = assignments::unassign(
        &t.db,
        &f.clock,
        owner_team,
        &f.owner,
        &f.role("Owner").await,
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "conflict: You can't change the roles of yourself.",
        "{label}"
    );

    assert_eq!(
        t.strings("SELECT action FROM audit_log WHERE action LIKE 'role.%assign' ORDER BY created_at, action")
            .await
            .len(),
        6,
        "{label}: two joined by invitation, three assignments and one removal"
    );
}

/// It counts through its last day and stops by itself.
async fn an_assignment_ends_by_itself_at_midnight(t: &TestDb, f: &Fixture, grace: &UserId) {
    let label = t.backend().name();
    // It counts through the 30th and stops by itself at midnight.
    f.clock.advance(Duration::from_millis((7 * DAY - 1) as u64));
    assert!(
        keys(f, grace).await.contains(Permission::RolesRead),
        "{label}"
    );
    f.clock.advance(Duration::from_millis(1));
    assert!(
        !keys(f, grace).await.contains(Permission::RolesRead),
        "{label}"
    );
    assert!(
        keys(f, grace).await.contains(Permission::ReportsRead),
        "{label}"
    );
}

/// The keys `person` holds in the fixture's workspace now.
async fn keys(f: &Fixture, person: &UserId) -> PermissionSet {
    grants::effective(&f.db, &f.clock, person, &f.workspace)
        .await
        .unwrap()
}

#[tokio::test]
async fn assignments_add_up_expire_by_themselves_and_pass_the_guardrails() {
    for t in backends().await {
        let clock = Clock::manual(NOW);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let mallory = f
            .add_member("mallory@example.com", "Mallory Manager", "Manager")
            .await;
        let owner_roles = f.grant::<RolesWrite>().await;
        let owner_team = f.grant::<TeamWrite>().await;
        let reviewer = role_editor::create(
            &t.db,
            &clock,
            &owner_roles,
            &draft("Reviewer", &["roles.read", "audit.read"]),
        )
        .await
        .unwrap();

        bad_dates_are_named_and_write_nothing(&t, &f, &owner_team, &grace, &reviewer).await;
        an_assignment_adds_keys_until_its_last_day(&t, &f, &owner_team, &grace, &reviewer).await;
        a_manager_hands_out_only_what_they_hold(&t, &f, &owner_roles, &grace, &mallory, &reviewer)
            .await;
        let processor = segregation_of_duties_names_the_person_and_the_pair(
            &t,
            &f,
            &owner_roles,
            &owner_team,
            &grace,
        )
        .await;
        roles_and_people_of_no_workspace_are_refused(&t, &f, &owner_team, &grace, &reviewer).await;
        taking_a_role_away_spares_ones_own_owner_role(&t, &f, &owner_team, &grace, &processor)
            .await;
        an_assignment_ends_by_itself_at_midnight(&t, &f, &grace).await;
    }
}

/// A rule that names no permission, the same one twice, an existing pair, or a pair someone
/// already holds is refused.
async fn bad_pairs_are_named_and_write_nothing(t: &TestDb, f: &Fixture, roles: &Grant<RolesWrite>) {
    let label = t.backend().name();
    // Bad pairs by field; nothing written.
    let before = t.row_counts(&["sod_rules", "audit_log"]).await;
    for (a, b, expected) in [
        ("customers.everything", "customers.export", "permission_a: Choose a permission from the list."),
        ("customers.export", "customers.export", "permission_b: Choose two different permissions."),
        ("payments.reconcile", "payments.process", "permission_b: That pair is already kept apart."),
        // Staff holds both already: the rule would stand broken.
        ("customers.read", "customers.write", "conflict: Grace Hopper <grace@example.com> already holds both customers.read and customers.write: change their roles first."),
    ] {
        let e = sod::add(&t.db, &f.clock, roles, a, b).await.unwrap_err();
        assert_eq!(message(e), expected, "{label}");
    }
    assert_eq!(
        t.row_counts(&["sod_rules", "audit_log"]).await,
        before,
        "{label}"
    );
}

/// Added (either order), enforced on roles, removed.
async fn a_rule_binds_roles_but_not_owners(
    t: &TestDb,
    f: &Fixture,
    roles: &Grant<RolesWrite>,
    read: &Grant<RolesRead>,
) {
    let label = t.backend().name();
    // Added (either order), then enforced on roles; an Owner (holding everything by
    // design) is exempt and still gets roles; removed; both audited.
    sod::add(
        &t.db,
        &f.clock,
        roles,
        "customers.export",
        "customers.delete",
    )
    .await
    .unwrap();
    assert!(
        sod::list(&t.db, read)
            .await
            .unwrap()
            .contains(&("customers.delete".into(), "customers.export".into())),
        "{label}"
    );
    let exporter = role_editor::create(
        &t.db,
        &f.clock,
        roles,
        &draft("Exporter", &["customers.export", "customers.delete"]),
    )
    .await
    .unwrap_err();
    assert!(
        message(exporter).contains("customers.delete and customers.export"),
        "{label}"
    );
    let deleter = role_editor::create(
        &t.db,
        &f.clock,
        roles,
        &draft("Deleter", &["customers.delete"]),
    )
    .await
    .unwrap();
    let bea = f.add_member("bea@example.com", "Bea Owner", "Owner").await;
    assignments::assign(
        &t.db,
        &f.clock,
        &f.grant::<TeamWrite>().await,
        &bea,
        &deleter,
        "",
    )
    .await
    .unwrap();
    sod::remove(
        &t.db,
        &f.clock,
        roles,
        "customers.delete",
        "customers.export",
    )
    .await
    .unwrap();
    assert!(matches!(
        sod::remove(
            &t.db,
            &f.clock,
            roles,
            "customers.delete",
            "customers.export"
        )
        .await,
        Err(DomainError::NotFound)
    ));
}

/// Newest first, with the actor and the state after; refusals leave nothing.
async fn the_audit_log_reads_the_changes_back(t: &TestDb, f: &Fixture) {
    let label = t.backend().name();
    let log = audit::list(
        &t.db,
        &f.grant::<AuditRead>().await,
        &Selection::default(),
        None,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = log.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "sod.remove",
            "role.assign",       // Deleter to Bea
            "role.assign",       // Bea joins as Owner
            "invitation.create", // Bea invited
            "role.create",       // Deleter
            "sod.add",
            "role.assign",       // Grace joins as Staff
            "invitation.create"  // Grace invited
        ],
        "{label}: newest first; refusals leave nothing"
    );
    assert_eq!(
        log.entries[0].actor.as_deref(),
        Some("Ada Lovelace"),
        "{label}"
    );
    assert!(
        log.entries
            .iter()
            .find(|e| e.action == "sod.add")
            .unwrap()
            .after
            .as_deref()
            .is_some_and(|a| a.contains("customers.delete")),
        "{label}"
    );
    assert_eq!(log.next, None, "{label}");
}

#[tokio::test]
async fn segregation_rules_change_with_checks_and_the_audit_log_reads_them_back() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(NOW);
        let f = Fixture::new(&t.db, &clock).await;
        f.add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let roles = f.grant::<RolesWrite>().await;
        let read = f.grant::<RolesRead>().await;
        assert_eq!(
            sod::list(&t.db, &read).await.unwrap().len(),
            2,
            "{label}: the seeded pairs"
        );

        bad_pairs_are_named_and_write_nothing(&t, &f, &roles).await;
        a_rule_binds_roles_but_not_owners(&t, &f, &roles, &read).await;
        the_audit_log_reads_the_changes_back(&t, &f).await;
    }
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    use app::server::{access::audit, workspace::teams};
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(NOW);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<TeamWrite>().await;
        let total = audit::PAGE_SIZE + 3;
        for n in 0..total {
            teams::create(&t.db, &clock, &write, &format!("Team {n:03}"))
                .await
                .unwrap();
        }
        let read = f.grant::<AuditRead>().await;
        let first = audit::list(&t.db, &read, &Selection::default(), None)
            .await
            .unwrap();
        assert_eq!(first.entries.len() as i64, audit::PAGE_SIZE, "{label}");
        assert_eq!(
            first.entries[0].target,
            format!("Team {:03}", total - 1),
            "{label}"
        );
        let second = audit::list(&t.db, &read, &Selection::default(), first.next.as_deref())
            .await
            .unwrap();
        let names: Vec<&str> = second.entries.iter().map(|e| e.target.as_str()).collect();
        assert_eq!(names, ["Team 002", "Team 001", "Team 000"], "{label}");
        assert_eq!(second.next, None, "{label}");
    }
}
