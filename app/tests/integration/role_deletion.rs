//! Deleting a role with reassignment, against real SQLite and PostgreSQL: base roles stay, heirs
//! block, holders and open invitations move behind the assignment checks; audited.

use app::model::{RoleId, UserId};
use app::permissions::keys::{RolesWrite, TeamRead, TeamWrite};
use app::server::access::assignments;
use app::server::access::grants::Grant;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};

use crate::support::{draft, message};
use app::server::workspace::members;

use crate::assignments::{grant_of, NOW};

async fn delete(
    db: &app::server::platform::db::Db,
    clock: &Clock,
    grant: &Grant<RolesWrite>,
    id: RoleId,
    to: Option<RoleId>,
) -> Result<(), DomainError> {
    app::server::access::role_deletion::delete(
        db,
        clock,
        grant,
        &id,
        to.as_ref().map(RoleId::as_str),
    )
    .await
}

/// The Owner role, base roles and a role others inherit from are refused and nothing changes;
/// the heir itself can go.
async fn base_roles_and_parents_stay(
    t: &TestDb,
    f: &Fixture,
    owner_roles: &Grant<RolesWrite>,
    temp: &RoleId,
    child: RoleId,
) {
    let label = t.backend().name();
    let before = t
        .row_counts(&["roles", "role_assignments", "audit_log"])
        .await;
    for (id, to, expected) in [
        (
            f.role("Owner").await,
            None,
            "conflict: The Owner role can't be deleted: it holds everything.",
        ),
        (
            f.role("Staff").await,
            None,
            "conflict: Base roles can't be deleted; edit what they grant instead.",
        ),
        (
            temp.clone(),
            None,
            "conflict: Temp plus inherits from this role: give it another parent first.",
        ),
    ] {
        let e = delete(&t.db, &f.clock, owner_roles, id, to)
            .await
            .unwrap_err();
        assert_eq!(message(e), expected, "{label}");
    }
    assert_eq!(
        t.row_counts(&["roles", "role_assignments", "audit_log"])
            .await,
        before
    );
    delete(&t.db, &f.clock, owner_roles, child, None)
        .await
        .unwrap();
}

/// A role in use needs a target, and a Manager may not move holders to a role they could not
/// hand out; refusals change nothing.
async fn holders_move_only_where_the_deleter_could_put_them(
    t: &TestDb,
    f: &Fixture,
    owner_roles: &Grant<RolesWrite>,
    mallory: &UserId,
    temp: &RoleId,
) {
    let label = t.backend().name();
    let before = t
        .row_counts(&["roles", "role_assignments", "audit_log"])
        .await;
    let e = delete(&t.db, &f.clock, owner_roles, temp.clone(), None)
        .await
        .unwrap_err();
    assert_eq!(
        message(e),
        "reassign_to: People hold this role: choose the role they move to.",
        "{label}"
    );
    // A Manager can't move holders to a role they could not hand out.
    let mallory_roles = grant_of::<RolesWrite>(f, mallory).await;
    let e = delete(
        &t.db,
        &f.clock,
        &mallory_roles,
        temp.clone(),
        Some(f.role("Owner").await),
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "reassign_to: Only an Owner can make others Owners.",
        "{label}"
    );
    assert_eq!(
        t.row_counts(&["roles", "role_assignments", "audit_log"])
            .await,
        before,
        "{label}: refusals change no assignment and write no audit row"
    );
    // …nor to a role holding a key they lack; the refusal names the field the role was
    // chosen in, so the form shows it there.
    let billing = role_editor::create(
        &t.db,
        &f.clock,
        owner_roles,
        &draft("Billing", &["billing.manage"]),
    )
    .await
    .unwrap();
    let e = delete(
        &t.db,
        &f.clock,
        &grant_of::<RolesWrite>(f, mallory).await,
        temp.clone(),
        Some(billing),
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(e),
        "reassign_to: You can't grant billing.manage: you don't hold it yourself.",
        "{label}"
    );
}

/// Moving to Guest: Grace holds Staff and Guest (with Temp's expiry), Temp is gone, audited.
async fn holders_move_with_their_expiry_and_the_role_goes(
    t: &TestDb,
    f: &Fixture,
    owner_roles: &Grant<RolesWrite>,
    grace: &UserId,
    temp: &RoleId,
) {
    let label = t.backend().name();
    // Moving to Guest: Grace holds Staff and Guest (with Temp's expiry), Temp is gone.
    delete(
        &t.db,
        &f.clock,
        owner_roles,
        temp.clone(),
        Some(f.role("Guest").await),
    )
    .await
    .unwrap();
    let listed = members::list(&t.db, &f.clock, &f.grant::<TeamRead>().await, None)
        .await
        .unwrap();
    let mut held: Vec<(String, Option<String>)> = listed
        .iter()
        .find(|m| m.user_id == *grace)
        .unwrap()
        .roles
        .iter()
        .map(|r| (r.name.clone(), r.until.clone()))
        .collect();
    held.sort();
    assert_eq!(
        held,
        [
            ("Guest".to_owned(), Some("2026-12-31".to_owned())),
            ("Staff".to_owned(), None)
        ],
        "{label}"
    );
    assert_eq!(
        t.strings(&format!(
            "SELECT name FROM roles WHERE id = '{}'",
            temp.as_str()
        ))
        .await,
        Vec::<String>::new(),
        "{label}"
    );
    let audit = t
        .strings(
            "SELECT after_state FROM audit_log WHERE action = 'role.delete' ORDER BY created_at",
        )
        .await;
    assert_eq!(audit.len(), 2, "{label}");
    assert!(
        audit[1].contains("\"holders_moved\":1"),
        "{label}: {}",
        audit[1]
    );
}

#[tokio::test]
async fn deleting_a_role_in_use_moves_its_holders() {
    for t in backends().await {
        let _label = t.backend().name();
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
        let temp = role_editor::create(
            &t.db,
            &clock,
            &owner_roles,
            &draft("Temp", &["customers.read"]),
        )
        .await
        .unwrap();
        let child = role_editor::create(
            &t.db,
            &clock,
            &owner_roles,
            &RoleDraft {
                parent_role_id: temp.as_str().into(),
                ..draft("Temp plus", &["orders.read"])
            },
        )
        .await
        .unwrap();
        assignments::assign(&t.db, &clock, &owner_team, &grace, &temp, "2026-12-31")
            .await
            .unwrap();

        base_roles_and_parents_stay(&t, &f, &owner_roles, &temp, child).await;
        holders_move_only_where_the_deleter_could_put_them(&t, &f, &owner_roles, &mallory, &temp)
            .await;
        holders_move_with_their_expiry_and_the_role_goes(&t, &f, &owner_roles, &grace, &temp).await;
    }
}
