//! Alerts against real SQLite and PostgreSQL and the loopback SMTP server: a burst of failed
//! sign-ins on one account or from one address, and a role made to grant sensitive keys, each
//! raise one alert an hour that counts repeats, listed for `audit.read` in its workspace only,
//! and mailed once to the administrators (holders of `settings.write`), not to others.

use app::permissions::keys::{AuditRead, RolesWrite};
use app::server::access::{grants, role_editor};
use app::server::audit::alert_mail::send_due;
use app::server::audit::alert_thresholds::DEFAULTS;
use app::server::audit::alerts;
use app::server::audit::append::Origin;
use app::server::identity::authentication;
use app::server::identity::passwords::Password;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::mail::Mailer;
use app::server::platform::testing::{backends, received_mails, smtp_server, Fixture};

use super::support::draft;

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;

async fn wrong_password(f: &Fixture, email: &str, ip: &str) {
    let origin = Origin::new(Some(ip.into()), None);
    let wrong = Password::new("not the password at all");
    let tried =
        authentication::authenticate(&f.db, &f.clock, &f.hasher, email, &wrong, &origin).await;
    assert!(tried.is_err());
}

/// (kind, count) of the workspace's alerts, newest first.
async fn kinds(f: &Fixture) -> Vec<(String, i64)> {
    alerts::list(&f.db, &f.grant::<AuditRead>().await)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.kind, a.count))
        .collect()
}

#[tokio::test]
async fn bursts_and_sensitive_roles_alert_the_administrators_once() {
    let Some((url, maildir)) = smtp_server() else {
        eprintln!("no test SMTP server in this run; skipped");
        return;
    };
    let mailer =
        Mailer::smtp(&url, "Gatehouse <no-reply@gatehouse.test>".parse().unwrap()).unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        super::webhooks::endpoint(&f, "http://127.0.0.1:9/alerts", &["alert.*"]).await;
        f.add_member("mary@example.com", "Mary Somerville", "Manager")
            .await;
        f.add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;

        // Failed steps on Ada's account, each from its own address.
        for i in 1..DEFAULTS.account_burst {
            wrong_password(&f, "ada@example.com", &format!("198.51.100.{i}")).await;
        }
        assert!(kinds(&f).await.is_empty(), "{label}: below the threshold");
        wrong_password(&f, "ada@example.com", "198.51.100.99").await;
        wrong_password(&f, "ada@example.com", "198.51.100.98").await;
        assert_eq!(
            kinds(&f).await,
            vec![("sign_in.burst_account".to_owned(), 2)],
            "{label}: one alert, counting"
        );
        let announced = t.strings("SELECT event_type FROM webhook_messages").await;
        assert_eq!(
            announced,
            ["alert.sign_in.burst_account"],
            "{label}: webhooks hear the alert once, not its repeats"
        );

        // Ten from one address, spread over Grace and Mary: an alert in their workspace.
        for i in 0..DEFAULTS.address_burst {
            let who = if i % 2 == 0 {
                "grace@example.com"
            } else {
                "mary@example.com"
            };
            wrong_password(&f, who, "203.0.113.66").await;
        }
        let listed = alerts::list(&f.db, &f.grant::<AuditRead>().await)
            .await
            .unwrap();
        let address = listed
            .iter()
            .find(|a| a.kind == "sign_in.burst_address")
            .expect("an address alert");
        assert!(
            address.summary.contains("from 203.0.113.66"),
            "{label}: {address:?}"
        );
        assert_eq!(address.label, "Failed sign-ins from one address", "{label}");

        // A role without sensitive keys is no alert; one with them, and one widened to them, are.
        let roles = f.grant::<RolesWrite>().await;
        let plain = role_editor::create(
            &f.db,
            &f.clock,
            &roles,
            &draft("Readers", &["customers.read"]),
        )
        .await
        .unwrap();
        // Grace and Mary each passed the account threshold too.
        assert_eq!(kinds(&f).await.len(), 4, "{label}");
        role_editor::create(
            &f.db,
            &f.clock,
            &roles,
            &draft("Tax desk", &["customers.read", "customers.sensitive"]),
        )
        .await
        .unwrap();
        role_editor::update(
            &f.db,
            &f.clock,
            &roles,
            &plain,
            &draft("Readers", &["customers.read", "payments.read"]),
        )
        .await
        .unwrap();
        let listed = alerts::list(&f.db, &f.grant::<AuditRead>().await)
            .await
            .unwrap();
        let roles_alerted: Vec<&str> = listed
            .iter()
            .filter(|a| a.kind == "role.sensitive")
            .map(|a| a.summary.as_str())
            .collect();
        assert_eq!(
            roles_alerted,
            vec![
                "The role Readers now grants payments.read",
                "The role Tax desk now grants customers.sensitive"
            ],
            "{label}"
        );

        // Another workspace sees none of it.
        let other = app::server::identity::accounts::create_workspace(
            &f.db,
            &f.clock,
            &f.owner,
            &WorkspaceName::parse("Difference Engines").unwrap(),
        )
        .await
        .unwrap();
        let elsewhere = grants::require::<AuditRead>(&f.db, &f.clock, &f.owner, &other.id)
            .await
            .unwrap();
        assert!(
            alerts::list(&f.db, &elsewhere).await.unwrap().is_empty(),
            "{label}"
        );

        // A mail server that is down takes nothing: every alert waits for the next run.
        let unreachable = Mailer::smtp(
            "smtp://127.0.0.1:9",
            "Gatehouse <no-reply@gatehouse.test>".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(
            send_due(&f.db, &f.clock, &unreachable, "http://down.test")
                .await
                .unwrap(),
            0
        );
        let waiting = alerts::list(&f.db, &f.grant::<AuditRead>().await)
            .await
            .unwrap();
        assert!(waiting.iter().all(|a| !a.mailed), "{label}: released");

        // Mailed once, to Ada and Mary (settings.write), never to Grace.
        // Short, so quoted-printable keeps it on one line.
        let site = format!(
            "http://t{}.test",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        assert_eq!(
            send_due(&f.db, &f.clock, &mailer, &site).await.unwrap(),
            6,
            "{label}"
        );
        assert_eq!(
            send_due(&f.db, &f.clock, &mailer, &site).await.unwrap(),
            0,
            "{label}"
        );
        let sent = received_mails(&maildir, &site);
        assert_eq!(sent.len(), 12, "{label}: six alerts to two administrators");
        assert_eq!(
            sent.iter()
                .filter(|m| m.contains("To: \"Mary Somerville\" <mary@example.com>"))
                .count(),
            6,
            "{label}"
        );
        assert!(
            sent.iter().all(|m| !m.contains("To: \"Grace Hopper\"")),
            "{label}"
        );
        assert!(
            sent.iter().any(|m| m.contains(
                "Subject: Gatehouse alert: The role Tax desk now grants customers.sensitive"
            )),
            "{label}"
        );
        let listed = alerts::list(&f.db, &f.grant::<AuditRead>().await)
            .await
            .unwrap();
        assert!(listed.iter().all(|a| a.mailed), "{label}");
    }
}
