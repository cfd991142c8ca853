//! The inactive members' report against real SQLite and PostgreSQL: a sign-in moves the
//! member's last sign-in in that workspace only; the report lists the active members who have
//! not signed in for N days — counted from joining for those who never have — and leaves out
//! the deactivated; a bad number of days is named.

use std::time::Duration;

use app::model::{Member, UserId};
use app::permissions::keys::{TeamRead, TeamWrite};
use app::server::audit::append::Origin;
use app::server::identity::security_events::{record_alone, EventKind, Subject};
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::workspace::members::{self, inactive_days};

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;
const DAY: Duration = Duration::from_secs(86_400);

async fn signs_in(f: &Fixture, user: &UserId) {
    let origin = Origin::new(Some("192.0.2.7".into()), Some("test"));
    let subject = Subject {
        user: Some(user),
        workspace: Some(&f.workspace),
        actor: Some(user),
        origin: Some(&origin),
    };
    record_alone(&f.db, &f.clock, EventKind::SignedIn, subject)
        .await
        .unwrap();
}

async fn report(f: &Fixture, days: &str) -> Vec<Member> {
    let read = f.grant::<TeamRead>().await;
    members::list(&f.db, &f.clock, &read, inactive_days(days).unwrap())
        .await
        .unwrap()
}

fn names(members: &[Member]) -> Vec<&str> {
    members.iter().map(|m| m.name.as_str()).collect()
}

#[tokio::test]
async fn the_report_lists_who_has_not_signed_in_for_n_days() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let linus = f
            .add_member("linus@example.com", "Linus Pauling", "Guest")
            .await;
        let everyone = report(&f, "").await;
        assert_eq!(everyone.len(), 3, "{label}");
        assert!(
            everyone.iter().all(|m| m.last_sign_in_ms.is_none()),
            "{label}: never yet"
        );

        signs_in(&f, &f.owner).await;
        clock.advance(DAY * 10);
        signs_in(&f, &grace).await;
        // Signing in to another workspace is no sign-in to this one.
        let other = app::server::identity::accounts::create_workspace(
            &f.db,
            &f.clock,
            &f.owner,
            &WorkspaceName::parse("Difference Engines").unwrap(),
        )
        .await
        .unwrap();
        clock.advance(DAY * 25);
        let origin = Origin::new(None, None);
        let elsewhere = Subject {
            user: Some(&f.owner),
            workspace: Some(&other.id),
            actor: Some(&f.owner),
            origin: Some(&origin),
        };
        record_alone(&f.db, &f.clock, EventKind::SignedIn, elsewhere)
            .await
            .unwrap();

        let all = report(&f, "").await;
        let grace_row = all.iter().find(|m| m.user_id == grace).unwrap();
        assert_eq!(
            grace_row.last_sign_in_ms,
            Some(START + 10 * 86_400_000),
            "{label}"
        );
        let owner_row = all.iter().find(|m| m.user_id == f.owner).unwrap();
        assert_eq!(owner_row.last_sign_in_ms, Some(START), "{label}");

        // 35 days on: Ada signed in 35 days ago, Linus joined then and never has; Grace 25.
        assert_eq!(
            names(&report(&f, "30").await),
            vec!["Ada Lovelace", "Linus Pauling"],
            "{label}"
        );
        assert_eq!(
            names(&report(&f, " 20 ").await),
            vec!["Ada Lovelace", "Grace Hopper", "Linus Pauling"],
            "{label}"
        );
        assert!(report(&f, "36").await.is_empty(), "{label}");

        // Deactivated from the report, Linus leaves it.
        members::deactivate(&f.db, &f.clock, &f.grant::<TeamWrite>().await, &linus)
            .await
            .unwrap();
        assert_eq!(
            names(&report(&f, "30").await),
            vec!["Ada Lovelace"],
            "{label}"
        );
        assert_eq!(report(&f, "").await.len(), 3, "{label}: still a member");

        for bad in ["0", "3651", "thirty", "-5", "1.5"] {
            match inactive_days(bad) {
                Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "inactive", "{bad}"),
                other => panic!("{label}: {bad}: {other:?}"),
            }
        }
    }
}

/// Migration 39 fills in the last sign-in of existing members from the sign-ins the security
/// events kept: the newest into that workspace, none for who never signed in there.
#[tokio::test]
async fn the_migration_fills_last_sign_in_from_past_sign_ins() {
    let t = app::server::platform::testing::sqlite_without(39).await;
    let clock = Clock::manual(START);
    let f = Fixture::new(&t.db, &clock).await;
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let (ws, ada) = (f.workspace.as_str(), f.owner.as_str());
    for (id, kind, user, workspace, at) in [
        ("e1", "signed_in", ada, ws, START + 1_000),
        ("e2", "signed_in", ada, ws, START + 5_000),
        ("e3", "sign_in_failed", ada, ws, START + 9_000),
        (
            "e4",
            "signed_in",
            grace.as_str(),
            "elsewhere",
            START + 7_000,
        ),
    ] {
        t.db_exec(&format!(
            "INSERT INTO security_events (id, kind, user_id, workspace_id, created_at) \
             VALUES ('{id}', '{kind}', '{user}', {}, {at})",
            if workspace == "elsewhere" {
                "NULL".to_owned()
            } else {
                format!("'{workspace}'")
            }
        ))
        .await;
    }
    t.db.migrate().await.unwrap();
    let all = report(&f, "").await;
    let last = |user: &UserId| {
        all.iter()
            .find(|m| &m.user_id == user)
            .unwrap()
            .last_sign_in_ms
    };
    assert_eq!(
        last(&f.owner),
        Some(START + 5_000),
        "the newest sign-in, not a failure"
    );
    assert_eq!(last(&grace), None, "no sign-in into this workspace");
}
