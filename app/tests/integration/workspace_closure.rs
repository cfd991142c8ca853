//! Closing a workspace on request, against real SQLite and PostgreSQL: the closure waits out
//! its grace period, its Owner can cancel it, and once the day has passed the daily purge
//! deletes the workspace with everything in it while another workspace stays.

use app::permissions::keys::{PrivacyProcess, PrivacyRead};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::privacy::{closure, fulfilment, public};

use crate::privacy_requests::{advance, confirmed, customer, START};

#[tokio::test]
async fn a_closure_waits_out_its_grace_period_can_be_cancelled_and_then_deletes_the_workspace() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let kept = f.other_workspace("Difference Engines").await;
        customer(&f, "Mary Shelley", "mary@example.com").await;
        let slug = public::slug_of(&f.db, &f.grant::<PrivacyRead>().await)
            .await
            .unwrap();
        let process = f.grant::<PrivacyProcess>().await;
        let close = |id: String| {
            let (f, process) = (&f, &process);
            async move {
                advance(f, &id, "verified", "").await.unwrap();
                advance(f, &id, "in_progress", "").await.unwrap();
                fulfilment::fulfil(&f.db, &f.clock, process, &id, "")
                    .await
                    .unwrap();
            }
        };
        // A handler who is not an Owner cannot close the workspace.
        let officer = app::server::access::role_editor::RoleDraft {
            name: "Privacy officer".into(),
            permissions: vec!["privacy.read".into(), "privacy.process".into()],
            ..Default::default()
        };
        let roles = f.grant::<app::permissions::keys::RolesWrite>().await;
        app::server::access::role_editor::create(&f.db, &f.clock, &roles, &officer)
            .await
            .unwrap();
        let mina = f
            .add_member("mina@example.com", "Mina Officer", "Privacy officer")
            .await;
        let theirs = f.grant_of::<PrivacyProcess>(&mina).await.unwrap();
        let refused = confirmed(&f, &slug, "closure", "officer@example.com").await;
        advance(&f, &refused, "verified", "").await.unwrap();
        advance(&f, &refused, "in_progress", "").await.unwrap();
        let e = fulfilment::fulfil(&f.db, &f.clock, &theirs, &refused, "")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, DomainError::Conflict(m) if m.starts_with("Only an Owner")),
            "{label}: {e:?}"
        );
        assert_eq!(
            closure::pending(&f.db, &theirs).await.unwrap(),
            None,
            "{label}"
        );

        let first = confirmed(&f, &slug, "closure", "owner@example.com").await;
        close(first.clone()).await;
        assert_eq!(
            closure::pending(&f.db, &process).await.unwrap().as_deref(),
            Some("2026-12-24"),
            "{label}: 30 days on"
        );
        // Cancelled, it is not pending and cannot be cancelled twice.
        closure::cancel(&f.db, &f.clock, &process).await.unwrap();
        assert_eq!(closure::pending(&f.db, &process).await.unwrap(), None);
        assert!(matches!(
            closure::cancel(&f.db, &f.clock, &process).await,
            Err(DomainError::Conflict(_))
        ));
        clock.advance(std::time::Duration::from_secs(31 * 86_400));
        assert!(
            closure::delete_due(&f.db, &f.clock)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );

        // Scheduled again: nothing happens before the day, everything goes after it.
        let second = confirmed(&f, &slug, "closure", "owner@example.com").await;
        close(second).await;
        clock.advance(std::time::Duration::from_secs(29 * 86_400));
        assert!(
            closure::delete_due(&f.db, &f.clock)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        clock.advance(std::time::Duration::from_secs(2 * 86_400));
        let deleted = closure::delete_due(&f.db, &f.clock).await.unwrap();
        assert_eq!(deleted, std::slice::from_ref(&f.workspace), "{label}");
        let ws = f.workspace.as_str();
        for table in ["workspaces", "customers", "privacy_requests", "memberships"] {
            let column = if table == "workspaces" {
                "id"
            } else {
                "workspace_id"
            };
            let left = t
                .strings(&format!("SELECT '1' FROM {table} WHERE {column} = '{ws}'"))
                .await;
            assert!(
                left.is_empty(),
                "{label}: {table} keeps {} rows",
                left.len()
            );
        }
        let other = t
            .strings(&format!(
                "SELECT name FROM workspaces WHERE id = '{}'",
                kept.as_str()
            ))
            .await;
        assert_eq!(
            other,
            ["Difference Engines"],
            "{label}: another workspace stays"
        );
    }
}
