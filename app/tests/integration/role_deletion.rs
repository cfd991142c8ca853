//! Deleting a role with reassignment, against real SQLite and PostgreSQL: base roles stay, heirs
//! block, holders and open invitations move behind the assignment checks; audited.

use app::model::RoleId;
use app::server::access::assignments;
use app::server::access::grants::Grant;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};

use crate::support::{draft, message};
use app::server::workspace::members;

use crate::assignments::{grant_of, NOW};

async fn delete(
    db: &app::server::platform::db::Db,
    clock: &Clock,
    grant: &Grant<app::permissions::keys::RolesWrite>,
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

#[tokio::test]
async fn deleting_a_role_in_use_moves_its_holders() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(NOW);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let mallory = f
            .add_member("mallory@example.com", "Mallory Manager", "Manager")
            .await;
        let owner_roles = f.grant::<app::permissions::keys::RolesWrite>().await;
        let owner_team = f.grant::<app::permissions::keys::TeamWrite>().await;
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
            let e = delete(&t.db, &clock, &owner_roles, id, to)
                .await
                .unwrap_err();
            assert_eq!(message(e), expected, "{label}");
        }
        assert_eq!(
            t.row_counts(&["roles", "role_assignments", "audit_log"])
                .await,
            before
        );
        delete(&t.db, &clock, &owner_roles, child, None)
            .await
            .unwrap();
        let before = t
            .row_counts(&["roles", "role_assignments", "audit_log"])
            .await;
        let e = delete(&t.db, &clock, &owner_roles, temp.clone(), None)
            .await
            .unwrap_err();
        assert_eq!(
            message(e),
            "reassign_to: People hold this role: choose the role they move to.",
            "{label}"
        );
        // A Manager can't move holders to a role they could not hand out.
        let mallory_roles = grant_of::<app::permissions::keys::RolesWrite>(&f, &mallory).await;
        let e = delete(
            &t.db,
            &clock,
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
            &clock,
            &owner_roles,
            &draft("Billing", &["billing.manage"]),
        )
        .await
        .unwrap();
        let e = delete(
            &t.db,
            &clock,
            &grant_of::<app::permissions::keys::RolesWrite>(&f, &mallory).await,
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

        // Moving to Guest: Grace holds Staff and Guest (with Temp's expiry), Temp is gone.
        delete(
            &t.db,
            &clock,
            &owner_roles,
            temp.clone(),
            Some(f.role("Guest").await),
        )
        .await
        .unwrap();
        let listed = members::list(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::TeamRead>().await,
        )
        .await
        .unwrap();
        let mut held: Vec<(String, Option<String>)> = listed
            .iter()
            .find(|m| m.user_id == grace)
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
            .strings("SELECT after_state FROM audit_log WHERE action = 'role.delete' ORDER BY created_at")
            .await;
        assert_eq!(audit.len(), 2, "{label}");
        assert!(
            audit[1].contains("\"holders_moved\":1"),
            "{label}: {}",
            audit[1]
        );
    }
}
