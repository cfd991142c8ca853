//! Workspaces against real SQLite and PostgreSQL (see `app::server::testing`).
#![cfg(feature = "test-support")]

use std::time::Duration;

use app::server::clock::Clock;
use app::server::error::DomainError;
use app::server::testing::backends;
use app::server::workspaces::{self, WorkspaceName};

fn name(raw: &str) -> WorkspaceName {
    WorkspaceName::parse(raw).unwrap()
}

#[tokio::test]
async fn create_then_list_orders_by_name_and_keeps_unicode() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        workspaces::create(&t.db, &clock, &name("Zürich Dental"))
            .await
            .unwrap();
        clock.advance(Duration::from_secs(60));
        workspaces::create(&t.db, &clock, &name("Acme Corp"))
            .await
            .unwrap();

        let list = workspaces::list(&t.db).await.unwrap();
        let names: Vec<_> = list.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["Acme Corp", "Zürich Dental"], "{label}");
        assert_eq!(list[0].slug, "acme-corp", "{label}");
        assert_eq!(list[0].created_at_ms, 1_795_478_460_000, "{label}");
        assert_eq!(list[1].slug, "zurich-dental", "{label}");

        let found = workspaces::find_by_slug(&t.db, "zurich-dental")
            .await
            .unwrap();
        assert_eq!(found, list[1], "{label}");
        assert!(
            matches!(
                workspaces::find_by_slug(&t.db, "nope").await,
                Err(DomainError::NotFound)
            ),
            "{label}"
        );
    }
}

#[tokio::test]
async fn same_name_gets_the_next_free_address() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(0);
        let first = workspaces::create(&t.db, &clock, &name("Acme"))
            .await
            .unwrap();
        let check = workspaces::check_name(&t.db, "  acme ").await.unwrap();
        assert_eq!(
            (check.slug.as_str(), check.slug_was_taken),
            ("acme-2", true),
            "{label}"
        );
        assert_eq!(check.name, "acme", "{label}");
        let second = workspaces::create(&t.db, &clock, &name("ACME"))
            .await
            .unwrap();
        assert_eq!(
            (first.slug.as_str(), second.slug.as_str()),
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
        assert!(workspaces::list(&t.db).await.unwrap().is_empty(), "{label}");
    }
}

#[tokio::test]
async fn ids_are_uuid_v7() {
    for t in backends().await {
        let label = t.backend().name();
        let w = workspaces::create(&t.db, &Clock::System, &name("Initech"))
            .await
            .unwrap();
        let id = uuid::Uuid::parse_str(w.id.as_str()).unwrap();
        assert_eq!(id.get_version_num(), 7, "{label}");
    }
}

#[tokio::test]
async fn committed_data_survives_closing_and_reopening() {
    for t in backends().await {
        let label = t.backend().name();
        t.db.ping().await.unwrap();
        workspaces::create(&t.db, &Clock::System, &name("Durable"))
            .await
            .unwrap();
        t.db.close().await;
        let reopened = t.reopen().await;
        // Migrating again is a no-op on an up-to-date database.
        reopened.migrate().await.unwrap();
        let list = workspaces::list(&reopened).await.unwrap();
        assert_eq!(list.len(), 1, "{label}");
        assert_eq!(list[0].name, "Durable", "{label}");
    }
}
