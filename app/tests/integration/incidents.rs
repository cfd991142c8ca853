//! The incidents register against real SQLite and PostgreSQL: a report checked field by field
//! (nothing saved when one is bad), numbered per workspace; open → contained → resolved with
//! each time kept, a step out of order or from a stale version refused; notes on the timeline;
//! every step in the trail; another workspace neither sees nor touches them.

use std::time::Duration;

use app::permissions::keys::{AuditRead, SettingsWrite};
use app::server::access::grants;
use app::server::identity::accounts::create_workspace;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::registers::incidents::{self, IncidentForm, Step};

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;

fn form(title: &str, severity: &str, detected_at: &str, note: &str) -> IncidentForm {
    IncidentForm {
        title: title.into(),
        severity: severity.into(),
        detected_at: detected_at.into(),
        note: note.into(),
    }
}

#[tokio::test]
async fn incidents_are_reported_moved_on_in_order_and_noted() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<SettingsWrite>().await;
        let read = f.grant::<AuditRead>().await;

        let refused =
            incidents::report(&f.db, &f.clock, &write, &form("Leak", "severe", "", "")).await;
        assert!(
            matches!(
                refused,
                Err(DomainError::Invalid {
                    field: "severity",
                    ..
                })
            ),
            "{label}: {refused:?}"
        );
        assert!(
            incidents::list(&f.db, &read).await.unwrap().is_empty(),
            "{label}"
        );

        let laptop = form(
            "Laptop stolen <script>alert(1)</script>",
            "high",
            "2026-11-23 22:10",
            "Left on a train.\nDisk encrypted.",
        );
        assert_eq!(
            incidents::report(&f.db, &f.clock, &write, &laptop)
                .await
                .unwrap(),
            1
        );
        clock.advance(Duration::from_secs(60));
        assert_eq!(
            incidents::report(
                &f.db,
                &f.clock,
                &write,
                &form("Phishing wave", "low", "", "")
            )
            .await
            .unwrap(),
            2
        );
        let listed = incidents::list(&f.db, &read).await.unwrap();
        assert_eq!(
            listed.iter().map(|i| i.number).collect::<Vec<_>>(),
            [2, 1],
            "{label}: newest first"
        );
        let first = listed[1].clone();
        assert_eq!(
            first.title, "Laptop stolen <script>alert(1)</script>",
            "{label}: kept as data"
        );
        assert_eq!(
            (first.severity.as_str(), first.status.as_str()),
            ("high", "open")
        );
        assert_eq!(first.detected_at_ms, START - 110 * 60_000, "{label}");
        assert_eq!(
            first.reported_by.as_deref(),
            Some("Ada Lovelace"),
            "{label}"
        );
        assert_eq!(first.notes.len(), 1);
        assert_eq!(first.notes[0].body, "Left on a train.\nDisk encrypted.");

        // Contained, then not contained again; resolved only from the version seen.
        clock.advance(Duration::from_secs(600));
        incidents::advance(
            &f.db,
            &f.clock,
            &write,
            &first.id,
            first.version,
            Step::Contain,
        )
        .await
        .unwrap();
        let again = incidents::advance(
            &f.db,
            &f.clock,
            &write,
            &first.id,
            first.version + 1,
            Step::Contain,
        )
        .await;
        assert!(
            matches!(&again, Err(DomainError::Conflict(m)) if m == "This incident is already contained."),
            "{label}: {again:?}"
        );
        let stale = incidents::advance(
            &f.db,
            &f.clock,
            &write,
            &first.id,
            first.version,
            Step::Resolve,
        )
        .await;
        assert!(
            matches!(&stale, Err(DomainError::Conflict(m)) if m.contains("changed by someone else")),
            "{label}: {stale:?}"
        );
        clock.advance(Duration::from_secs(600));
        incidents::advance(
            &f.db,
            &f.clock,
            &write,
            &first.id,
            first.version + 1,
            Step::Resolve,
        )
        .await
        .unwrap();
        incidents::add_note(
            &f.db,
            &f.clock,
            &write,
            &first.id,
            "  Lesson: lock screens.  ",
        )
        .await
        .unwrap();
        let bad_note = incidents::add_note(&f.db, &f.clock, &write, &first.id, "   ").await;
        assert!(
            matches!(bad_note, Err(DomainError::Invalid { field: "note", .. })),
            "{label}"
        );

        // Resolving an open one contains it at the same moment.
        let second = incidents::list(&f.db, &read).await.unwrap()[0].clone();
        incidents::advance(
            &f.db,
            &f.clock,
            &write,
            &second.id,
            second.version,
            Step::Resolve,
        )
        .await
        .unwrap();

        let listed = incidents::list(&f.db, &read).await.unwrap();
        let (second, first) = (&listed[0], &listed[1]);
        assert_eq!(first.status, "resolved", "{label}");
        assert_eq!(first.contained_at_ms, Some(START + 11 * 60_000), "{label}");
        assert_eq!(first.resolved_at_ms, Some(START + 21 * 60_000), "{label}");
        assert_eq!(
            first
                .notes
                .iter()
                .map(|n| n.body.as_str())
                .collect::<Vec<_>>(),
            ["Left on a train.\nDisk encrypted.", "Lesson: lock screens."],
            "{label}"
        );
        assert_eq!(second.contained_at_ms, second.resolved_at_ms, "{label}");
        let resolved_again = incidents::advance(
            &f.db,
            &f.clock,
            &write,
            &second.id,
            second.version,
            Step::Contain,
        )
        .await;
        assert!(
            matches!(resolved_again, Err(DomainError::Conflict(_))),
            "{label}"
        );

        let trail = t
            .strings(&format!(
                "SELECT action FROM audit_log WHERE workspace_id = '{}' AND action LIKE 'incident.%' \
                 ORDER BY seq",
                f.workspace.as_str()
            ))
            .await;
        assert_eq!(
            trail,
            [
                "incident.report",
                "incident.report",
                "incident.contain",
                "incident.resolve",
                "incident.note",
                "incident.resolve"
            ],
            "{label}: refusals leave nothing"
        );

        // Another workspace of the same owner: nothing to see, nothing to touch.
        let other = create_workspace(
            &f.db,
            &f.clock,
            &f.owner,
            &WorkspaceName::parse("Difference Engines").unwrap(),
        )
        .await
        .unwrap();
        let elsewhere_read = grants::require::<AuditRead>(&f.db, &f.clock, &f.owner, &other.id)
            .await
            .unwrap();
        let elsewhere = grants::require::<SettingsWrite>(&f.db, &f.clock, &f.owner, &other.id)
            .await
            .unwrap();
        assert!(
            incidents::list(&f.db, &elsewhere_read)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        let touched = incidents::advance(
            &f.db,
            &f.clock,
            &elsewhere,
            &first.id,
            first.version,
            Step::Resolve,
        )
        .await;
        assert!(
            matches!(touched, Err(DomainError::NotFound)),
            "{label}: {touched:?}"
        );
        let noted = incidents::add_note(&f.db, &f.clock, &elsewhere, &first.id, "planted").await;
        assert!(
            matches!(noted, Err(DomainError::NotFound)),
            "{label}: {noted:?}"
        );
        assert_eq!(
            incidents::report(
                &f.db,
                &f.clock,
                &elsewhere,
                &form("Their own", "low", "", "")
            )
            .await
            .unwrap(),
            1,
            "{label}: numbered per workspace"
        );
    }
}
