//! One trail, against real SQLite and PostgreSQL: sign-in failures and password changes join
//! the chain of every workspace the account belongs to, with outcome, actor kind and origin; a
//! flood of refusals becomes one entry per minute with its count; the new fields are covered by
//! the hash, and the viewer filters by outcome.

use app::model::AuditFilter;
use app::permissions::keys::{AuditRead, RolesWrite, TeamWrite};
use app::server::access::audit;
use app::server::access::grants;
use app::server::access::refusals::Refusals;
use app::server::audit::append::Origin;
use app::server::audit::selection::Selection;
use app::server::audit::{refusals, security, verify};
use app::server::identity::accounts;
use app::server::identity::authentication;
use app::server::identity::passwords::Password;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb, FIXTURE_PASSWORD};
use app::server::workspace::members;

/// (action, outcome, actor kind, ip, user agent, count, actor) of the workspace's entries of
/// `family`, in chain order.
async fn trail(t: &TestDb, f: &Fixture, family: &str) -> Vec<String> {
    let columns = [
        "action",
        "outcome",
        "actor_kind",
        "ip",
        "user_agent",
        "CAST(count AS TEXT)",
        "actor_ref",
        "target",
    ]
    .map(|c| format!("COALESCE({c}, 'NULL')"))
    .join(" || '|' || ");
    t.strings(&format!(
        "SELECT {columns} FROM audit_log WHERE workspace_id = '{}' AND action LIKE '{family}%' \
         ORDER BY seq",
        f.workspace.as_str()
    ))
    .await
}

async fn intact(t: &TestDb, f: &Fixture) -> bool {
    verify::workspace_chain(&t.db, &f.workspace, None)
        .await
        .unwrap()
        .is_ok()
}

#[tokio::test]
async fn sign_ins_password_changes_and_refusals_join_the_chain() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let from = Origin::new(Some("203.0.113.7".into()), Some("Firefox/140"));
        let wrong = authentication::authenticate(
            &t.db,
            &f.clock,
            &f.hasher,
            "grace@example.com",
            &Password::new("not her password"),
            &from,
        )
        .await;
        assert!(wrong.is_err(), "{label}");
        let failed = trail(&t, &f, "sign_in.").await;
        assert_eq!(
            failed,
            vec![format!(
                "sign_in.failed|failed|visitor|203.0.113.7|Firefox/140|1|NULL|{}",
                grace.as_str()
            )],
            "{label}: a failed sign-in of a member, in her workspace's trail"
        );

        accounts::change_password(
            &t.db,
            &f.clock,
            &f.hasher,
            &grace,
            &Password::new(FIXTURE_PASSWORD),
            &Password::new("seven amber kettles drifting"),
            &from,
        )
        .await
        .unwrap();
        let changed = trail(&t, &f, "password.").await;
        assert_eq!(
            changed,
            vec![format!(
                "password.changed|done|person|203.0.113.7|Firefox/140|1|{0}|{0}",
                grace.as_str()
            )],
            "{label}"
        );

        // An admin deactivating and reactivating her: both in the trail, by the admin.
        let team = f.grant::<TeamWrite>().await;
        members::deactivate(&t.db, &f.clock, &team, &grace)
            .await
            .unwrap();
        members::reactivate(&t.db, &f.clock, &team, &grace)
            .await
            .unwrap();
        assert_eq!(
            trail(&t, &f, "member.").await,
            ["deactivate", "reactivate"].map(|verb| format!(
                "member.{verb}|done|person|NULL|NULL|1|{}|{}",
                f.owner.as_str(),
                grace.as_str()
            )),
            "{label}"
        );

        // Forty refusals in one minute: one entry that counts them.
        let counted = Refusals::default();
        let curl = Origin::new(Some("192.0.2.9".into()), Some("curl/8.5"));
        let held = grants::held(&t.db, &f.clock, &grace, &f.workspace)
            .await
            .unwrap()
            .serving(curl, counted.clone());
        for _ in 0..40 {
            assert!(matches!(
                held.grant::<RolesWrite>(),
                Err(DomainError::Forbidden)
            ));
        }
        assert!(trail(&t, &f, "permission.").await.is_empty(), "{label}");
        assert_eq!(refusals::flush(&t.db, &counted, None).await.unwrap(), 1);
        assert_eq!(refusals::flush(&t.db, &counted, None).await.unwrap(), 0);
        assert_eq!(
            trail(&t, &f, "permission.").await,
            vec![format!(
                "permission.refused|refused|person|192.0.2.9|curl/8.5|40|{}|roles.write",
                grace.as_str()
            )],
            "{label}"
        );
        assert!(intact(&t, &f).await, "{label}: the new entries verify");

        // Every new field is under the hash: changing one breaks the chain at that entry.
        let ws = f.workspace.as_str();
        let seq = t
            .strings(&format!(
                "SELECT CAST(seq AS TEXT) FROM audit_log WHERE workspace_id = '{ws}' \
                 AND action = 'permission.refused'"
            ))
            .await
            .remove(0);
        t.db_exec(&format!(
            "CREATE TABLE trail_saved AS SELECT * FROM audit_log WHERE workspace_id = '{ws}' \
             AND seq = {seq}"
        ))
        .await;
        for change in [
            "count = 1",
            "ip = '10.0.0.1'",
            "user_agent = NULL",
            "outcome = 'done'",
            "actor_kind = 'system'",
            "reason = 'fine'",
            // Without an outcome the entry would be hashed as one from before the trail.
            "outcome = NULL, actor_kind = NULL, reason = NULL, ip = NULL, user_agent = NULL, \
             count = NULL",
        ] {
            t.db_exec(&format!(
                "UPDATE audit_log SET {change} WHERE workspace_id = '{ws}' AND seq = {seq}"
            ))
            .await;
            let broken = verify::workspace_chain(&t.db, &f.workspace, None)
                .await
                .unwrap()
                .expect_err("a changed field is found");
            assert_eq!(
                broken.seq.map(|s| s.to_string()),
                Some(seq.clone()),
                "{label}: {change}"
            );
            t.db_exec(&format!(
                "DELETE FROM audit_log WHERE workspace_id = '{ws}' AND seq = {seq}"
            ))
            .await;
            t.db_exec("INSERT INTO audit_log SELECT * FROM trail_saved")
                .await;
            assert!(intact(&t, &f).await, "{label}: restored after {change}");
        }

        // The viewer filters by outcome; entries from before outcomes count as done.
        let read = f.grant::<AuditRead>().await;
        let outcome = |o: &str| AuditFilter {
            outcome: o.into(),
            ..AuditFilter::default()
        };
        let actions = |o: &'static str| {
            let (db, read) = (t.db.clone(), &read);
            async move {
                let selection = Selection::parse(&db, read, &outcome(o)).await?;
                let page = audit::list(&db, read, &selection, None).await?;
                Ok::<_, DomainError>(
                    page.entries
                        .into_iter()
                        .map(|e| e.action)
                        .collect::<Vec<_>>(),
                )
            }
        };
        assert_eq!(
            actions("refused").await.unwrap(),
            ["permission.refused"],
            "{label}"
        );
        assert_eq!(
            actions("failed").await.unwrap(),
            ["sign_in.failed"],
            "{label}"
        );
        let done = actions("done").await.unwrap();
        assert!(done.contains(&"password.changed".to_owned()), "{label}");
        assert!(done.contains(&"role.assign".to_owned()), "{label}");
        assert!(!done.iter().any(|a| a.ends_with(".refused")), "{label}");
        match actions("maybe").await {
            Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "outcome"),
            other => panic!("{label}: {other:?}"),
        }
        let refused = audit::list(
            &t.db,
            &read,
            &Selection::parse(&t.db, &read, &outcome("refused"))
                .await
                .unwrap(),
            None,
        )
        .await
        .unwrap();
        let entry = &refused.entries[0];
        assert_eq!(
            (
                entry.count,
                entry.ip.as_deref(),
                entry.actor_kind.as_deref(),
                entry.reason.as_deref()
            ),
            (
                Some(40),
                Some("192.0.2.9"),
                Some("person"),
                Some("does not hold the key")
            ),
            "{label}"
        );

        // The security page's figures come from the same entries.
        let events = security::overview(&t.db, &f.clock, &read).await.unwrap();
        assert_eq!(events.days.len(), 14, "{label}");
        assert_eq!(
            events.days.last().map(|d| d.value),
            Some(1),
            "{label}: today"
        );
        assert_eq!(events.failed_sign_ins, 1, "{label}");
        assert_eq!(
            events.by_account,
            [("Grace Hopper".to_owned(), 1)],
            "{label}"
        );
        assert_eq!(
            events.by_address,
            [("203.0.113.7".to_owned(), 1)],
            "{label}"
        );
        assert_eq!((events.refusals, events.lockouts), (40, 0), "{label}");
    }
}
