//! Alert rules against real SQLite and PostgreSQL: a workspace's own thresholds (validated,
//! recorded, and obeyed by the failed sign-in bursts), an administrator's sign-in from an
//! address or on a device not seen before (a member's is no alert, a browser update is not a
//! new device), repeated refusals of a sensitive key, and the unread count that opening the
//! alerts page clears.

use app::model::{AlertThresholds, UserId};
use app::permissions::keys::{AuditRead, ProductsWrite, SettingsWrite};
use app::server::access::{grants, refusals::Refusals};
use app::server::audit::alert_thresholds::{self, ThresholdsForm, DEFAULTS};
use app::server::audit::append::Origin;
use app::server::audit::{alerts, refusals};
use app::server::identity::authentication;
use app::server::identity::passwords::Password;
use app::server::identity::security_events::{record_alone, EventKind, Subject};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;
const CHROME_120: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36";
const CHROME_131: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.2 Safari/537.36";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

async fn kinds(f: &Fixture) -> Vec<(String, i64)> {
    alerts::list(&f.db, &f.grant::<AuditRead>().await)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.kind, a.count))
        .collect()
}

async fn signs_in(f: &Fixture, user: &UserId, ip: &str, agent: &str) {
    let origin = Origin::new(Some(ip.into()), Some(agent));
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

fn form(a: &str, b: &str, c: &str) -> ThresholdsForm {
    ThresholdsForm {
        account_burst: a.into(),
        address_burst: b.into(),
        refusal_burst: c.into(),
    }
}

#[tokio::test]
async fn thresholds_are_the_workspaces_own_and_bursts_obey_them() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let settings = f.grant::<SettingsWrite>().await;
        assert_eq!(
            alert_thresholds::load(&f.db, &settings).await.unwrap(),
            DEFAULTS
        );

        let refused = alert_thresholds::set(&f.db, &f.clock, &settings, &form("3", "0", "5")).await;
        assert!(
            matches!(
                refused,
                Err(DomainError::Invalid {
                    field: "address_burst",
                    ..
                })
            ),
            "{label}: {refused:?}"
        );
        assert_eq!(
            alert_thresholds::load(&f.db, &settings).await.unwrap(),
            DEFAULTS,
            "{label}: nothing saved"
        );

        let set = alert_thresholds::set(&f.db, &f.clock, &settings, &form("2", "40", "3"))
            .await
            .unwrap();
        let want = AlertThresholds {
            account_burst: 2,
            address_burst: 40,
            refusal_burst: 3,
        };
        assert_eq!(set, want, "{label}");
        assert_eq!(
            alert_thresholds::load(&f.db, &settings).await.unwrap(),
            want
        );
        let recorded = t
            .strings(&format!(
                "SELECT after_state FROM audit_log WHERE workspace_id = '{}' \
                 AND action = 'settings.alert_thresholds'",
                f.workspace.as_str()
            ))
            .await;
        assert_eq!(recorded.len(), 1, "{label}");
        assert!(
            recorded[0].contains("\"account_burst\":2"),
            "{label}: {recorded:?}"
        );

        // Two failed steps on Ada's account are now a burst; the default five would not be.
        for ip in ["198.51.100.1", "198.51.100.2"] {
            let origin = Origin::new(Some(ip.into()), None);
            let wrong = Password::new("not the password at all");
            let tried = authentication::authenticate(
                &f.db,
                &f.clock,
                &f.hasher,
                "ada@example.com",
                &wrong,
                &origin,
            )
            .await;
            assert!(tried.is_err());
        }
        assert_eq!(
            kinds(&f).await,
            vec![("sign_in.burst_account".to_owned(), 1)],
            "{label}"
        );
    }
}

#[tokio::test]
async fn an_administrator_signing_in_from_somewhere_new_is_an_alert_and_a_member_is_not() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;

        // The first sign-in sets what is known; the same place again, and a browser update,
        // are nothing new.
        signs_in(&f, &f.owner, "192.0.2.10", CHROME_120).await;
        signs_in(&f, &f.owner, "192.0.2.10", CHROME_120).await;
        signs_in(&f, &f.owner, "192.0.2.10", CHROME_131).await;
        assert!(kinds(&f).await.is_empty(), "{label}");

        signs_in(&f, &f.owner, "203.0.113.5", CHROME_131).await;
        signs_in(&f, &f.owner, "192.0.2.10", FIREFOX).await;
        let listed = alerts::list(&f.db, &f.grant::<AuditRead>().await)
            .await
            .unwrap();
        let summaries: Vec<&str> = listed
            .iter()
            .filter(|a| a.kind == "sign_in.admin_new_origin")
            .map(|a| a.summary.as_str())
            .collect();
        assert_eq!(summaries.len(), 2, "{label}: {listed:?}");
        assert!(
            summaries
                .iter()
                .any(|s| s.contains("a new address, 203.0.113.5")),
            "{label}: {summaries:?}"
        );
        assert!(
            summaries
                .iter()
                .any(|s| s.contains("a new device") && s.contains("Firefox")),
            "{label}: {summaries:?}"
        );
        assert!(summaries
            .iter()
            .all(|s| s.starts_with("ada@example.com (an administrator)")));

        // Grace holds no administrative key: her new places raise nothing.
        signs_in(&f, &grace, "192.0.2.20", CHROME_120).await;
        signs_in(&f, &grace, "198.51.100.77", FIREFOX).await;
        assert_eq!(kinds(&f).await.len(), 2, "{label}");
    }
}

#[tokio::test]
async fn repeated_refusals_of_a_sensitive_key_alert_and_others_do_not() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let counted = Refusals::default();
        let held = grants::held(&t.db, &f.clock, &grace, &f.workspace)
            .await
            .unwrap()
            .serving(Origin::new(Some("192.0.2.9".into()), None), counted.clone());
        // One short of the threshold for a sensitive key, many of a plain one.
        for _ in 1..DEFAULTS.refusal_burst {
            assert!(held.grant::<SettingsWrite>().is_err());
        }
        for _ in 0..30 {
            assert!(
                held.grant::<ProductsWrite>().is_err(),
                "not a sensitive key"
            );
        }
        refusals::flush(&t.db, &counted, None).await.unwrap();
        assert!(kinds(&f).await.is_empty(), "{label}");

        for _ in 0..DEFAULTS.refusal_burst {
            assert!(held.grant::<SettingsWrite>().is_err());
        }
        refusals::flush(&t.db, &counted, None).await.unwrap();
        let listed = alerts::list(&f.db, &f.grant::<AuditRead>().await)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "{label}: {listed:?}");
        assert_eq!(listed[0].kind, "refusals.sensitive");
        assert_eq!(
            listed[0].summary,
            format!(
                "grace@example.com was refused settings.write {} times within a minute \
                 (does not hold the key)",
                DEFAULTS.refusal_burst
            ),
            "{label}"
        );
    }
}

#[tokio::test]
async fn opening_the_alerts_clears_the_unread_count_until_the_next_one() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let mary = f
            .add_member("mary@example.com", "Mary Somerville", "Manager")
            .await;
        let ada = f.grant::<AuditRead>().await;
        let mary_reads = f.grant_of::<AuditRead>(&mary).await.unwrap();
        assert_eq!(
            alerts::unread(&f.db, &ada).await.unwrap().count,
            0,
            "{label}"
        );

        signs_in(&f, &f.owner, "192.0.2.10", CHROME_120).await;
        clock.advance(std::time::Duration::from_secs(60));
        signs_in(&f, &f.owner, "203.0.113.5", CHROME_120).await;
        let menu = alerts::unread(&f.db, &ada).await.unwrap();
        assert_eq!(menu.count, 1, "{label}");
        assert_eq!(
            menu.latest.len(),
            1,
            "{label}: the menu shows what is unread"
        );
        assert_eq!(menu.latest[0].kind, "sign_in.admin_new_origin", "{label}");
        assert!(
            menu.latest[0].summary.contains("203.0.113.5"),
            "{label}: {menu:?}"
        );
        assert_eq!(
            alerts::unread(&f.db, &mary_reads).await.unwrap().count,
            1,
            "{label}"
        );

        clock.advance(std::time::Duration::from_secs(60));
        alerts::mark_seen(&f.db, &ada, f.clock.now_ms())
            .await
            .unwrap();
        let menu = alerts::unread(&f.db, &ada).await.unwrap();
        assert_eq!((menu.count, menu.latest.len()), (0, 0), "{label}");
        assert_eq!(
            alerts::unread(&f.db, &mary_reads).await.unwrap().count,
            1,
            "{label}: seen by each person for themselves"
        );

        // Another new address: unread again.
        clock.advance(std::time::Duration::from_secs(60));
        signs_in(&f, &f.owner, "203.0.113.6", CHROME_120).await;
        assert_eq!(
            alerts::unread(&f.db, &ada).await.unwrap().count,
            1,
            "{label}"
        );
    }
}
