//! Workspaces against real SQLite and PostgreSQL (see `app::server::platform::testing`).

use std::time::Duration;

use app::server::identity::accounts::{self, SignUp};
use app::server::identity::passwords::{Hasher, Password};
use app::server::identity::workspaces::{self, WorkspaceName};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::backends;

fn name(raw: &str) -> WorkspaceName {
    WorkspaceName::parse(raw).unwrap()
}

fn person(email: &str, workspace: &str) -> SignUp {
    SignUp {
        email: email.into(),
        name: "Test Person".into(),
        password: Password::new("quiet lantern orbit mango"),
        workspace_name: workspace.into(),
    }
}

#[tokio::test]
async fn members_see_their_own_workspaces_by_name_and_nobody_else_s() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let ada = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            person("ada@example.com", "Zürich Dental"),
        )
        .await
        .unwrap();
        clock.advance(Duration::from_secs(60));
        accounts::create_workspace(&t.db, &clock, &ada.user_id, &name("Acme Corp"))
            .await
            .unwrap();
        let bob = accounts::sign_up(&t.db, &clock, &hasher, person("bob@example.com", "Globex"))
            .await
            .unwrap();

        let list = workspaces::list_for_member(&t.db, &ada.user_id)
            .await
            .unwrap();
        let names: Vec<_> = list.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["Acme Corp", "Zürich Dental"], "{label}");
        assert_eq!(list[0].slug, "acme-corp", "{label}");
        assert_eq!(list[0].created_at_ms, 1_795_478_460_000, "{label}");
        assert_eq!(list[1].slug, "zurich-dental", "{label}");

        let bobs = workspaces::list_for_member(&t.db, &bob.user_id)
            .await
            .unwrap();
        assert_eq!(bobs, [bob.workspace], "{label}");
    }
}

#[tokio::test]
async fn same_name_gets_the_next_free_address() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(0);
        let first = accounts::sign_up(&t.db, &clock, &hasher, person("a@example.com", "Acme"))
            .await
            .unwrap();
        let check = workspaces::check_name(&t.db, "  acme ").await.unwrap();
        assert_eq!(
            (check.slug.as_str(), check.slug_was_taken),
            ("acme-2", true),
            "{label}"
        );
        assert_eq!(check.name, "acme", "{label}");
        let second = accounts::create_workspace(&t.db, &clock, &first.user_id, &name("ACME"))
            .await
            .unwrap();
        assert_eq!(
            (first.workspace.slug.as_str(), second.slug.as_str()),
            ("acme", "acme-2"),
            "{label}"
        );
        let third = workspaces::check_name(&t.db, "Acme").await.unwrap();
        assert_eq!(third.slug, "acme-3", "{label}");
    }
}

#[tokio::test]
async fn bad_names_change_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        for raw in ["", "   ", "a\nb", &"x".repeat(10_000)] {
            let err = workspaces::check_name(&t.db, raw).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    DomainError::Invalid {
                        field: "workspace_name",
                        ..
                    }
                ),
                "{label}: {raw:?} gave {err:?}"
            );
        }
        assert_eq!(t.row_counts(&["workspaces"]).await[0].1, 0, "{label}");
    }
}

#[tokio::test]
async fn ids_are_uuid_v7() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let account = accounts::sign_up(
            &t.db,
            &Clock::System,
            &hasher,
            person("i@example.com", "Initech"),
        )
        .await
        .unwrap();
        for id in [account.workspace.id.as_str(), account.user_id.as_str()] {
            let id = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(id.get_version_num(), 7, "{label}");
        }
    }
}

#[tokio::test]
async fn committed_data_survives_closing_and_reopening() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        t.db.ping().await.unwrap();
        let account = accounts::sign_up(
            &t.db,
            &Clock::System,
            &hasher,
            person("d@example.com", "Durable"),
        )
        .await
        .unwrap();
        t.db.close().await;
        let reopened = t.reopen().await;
        // Migrating again is a no-op on an up-to-date database.
        reopened.migrate().await.unwrap();
        let list = workspaces::list_for_member(&reopened, &account.user_id)
            .await
            .unwrap();
        assert_eq!(list.len(), 1, "{label}");
        assert_eq!(list[0].name, "Durable", "{label}");
    }
}
